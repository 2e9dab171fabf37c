// Command embed measures how close `motif embed`'s pipeline comes to the model's own speed:
// images per second end to end (read, decode, preprocess, batch, infer, pool, normalise)
// against ONNX Runtime's inference alone on tensors prepared beforehand (the ceiling),
// measured with ONNX Runtime's default of spinning intra-op threads and with motif's
// setting (threads sleep when idle); the better of the two is the ceiling. Each is
// reported in wall-clock images per second and in CPU milliseconds per picture (the
// whole process's user and system time), which other load on the machine distorts less.
//
//	go run ./bench/embed -model M.onnx -images DIR [-n 200] [-batch 32] [-threads 0] [-workers 0]
//
// See run.sh for the whole benchmark and bench/RESULTS.md for results.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"syscall"
	"time"

	"motif/internal/embed"
)

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	model := flag.String("model", "", "ONNX model `file`")
	images := flag.String("images", "", "`directory` of pictures")
	n := flag.Int("n", 200, "pictures to use")
	batch := flag.Int("batch", 32, "batch size")
	threads := flag.Int("threads", 0, "ONNX Runtime intra-op threads (0: all cores)")
	workers := flag.Int("workers", 0, "decoding goroutines (0: all cores)")
	rounds := flag.Int("rounds", 3, "rounds of the two measurements, alternated (best of each kept)")
	flag.Parse()
	if err := run(*model, *images, *n, *batch, *threads, *workers, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "bench/embed:", err)
		os.Exit(1)
	}
}

func run(model, dir string, n, batch, threads, workers, rounds int) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var files []string
	for _, e := range ents {
		if e.Type().IsRegular() {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	if len(files) > n {
		files = files[:n]
	}
	n = len(files)
	// e has motif's settings (intra-op threads sleep when idle); spinning has ONNX
	// Runtime's own default (they busy-wait), for the ceiling measured both ways.
	e, err := embed.Open(embed.Options{Model: model, Threads: threads})
	if err != nil {
		return err
	}
	defer e.Close()
	spinning, err := embed.Open(embed.Options{Model: model, Threads: threads, Spin: true})
	if err != nil {
		return err
	}
	defer spinning.Close()
	ctx := context.Background()
	pre := e.Preprocessing()
	w, h, _ := pre.FixedSize()
	per := 3 * w * h

	// Decoding and preprocessing alone, one core, as the pipeline does them (DecodeCrop
	// decodes only what the crop reads).
	c0 := cpuTime()
	tensors := make([]float32, n*per)
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		img, err := pre.DecodeCrop(data)
		if err != nil {
			return err
		}
		pre.Tensor(tensors[i*per:], img)
	}
	prep := cpuTime() - c0

	// Warm-up, then the ceiling: the model alone on the prepared tensors.
	for _, m := range []embed.Embedder{e, spinning} {
		if _, err := m.Embed(ctx, tensors[:min(batch, n)*per], min(batch, n)); err != nil {
			return err
		}
	}
	// best times f in wall-clock time and in CPU time of the whole process (all threads):
	// on a shared machine the wall time depends on what else runs, the CPU time much less.
	best := func(f func() error) (time.Duration, time.Duration, error) {
		t, c := time.Now(), cpuTime()
		err := f()
		return time.Since(t), cpuTime() - c, err
	}
	ceilingRun := func(m embed.Embedder) func() error {
		return func() error {
			for i := 0; i < n; i += batch {
				k := min(batch, n-i)
				if _, err := m.Embed(ctx, tensors[i*per:(i+k)*per], k); err != nil {
					return err
				}
			}
			return nil
		}
	}
	endToEndRun := func() error {
		items := make(chan embed.Item)
		go func() {
			defer close(items)
			for _, f := range files {
				items <- embed.Item{Key: f, Path: f}
			}
		}()
		got := 0
		err := embed.Run(ctx, e, items, embed.RunOptions{Batch: batch, Workers: workers},
			func(string, []float32) error { got++; return nil },
			func(key string, err error) {})
		if err == nil && got != n {
			err = fmt.Errorf("embedded %d of %d pictures", got, n)
		}
		return err
	}
	// Alternate the two measurements so that both see the same machine (others may be
	// using it), and keep the best round of each.
	type measure struct{ wall, cpu time.Duration }
	keep := func(m *measure, wall, cpu time.Duration) {
		if m.wall == 0 || wall < m.wall {
			m.wall = wall
		}
		if m.cpu == 0 || cpu < m.cpu {
			m.cpu = cpu
		}
	}
	var spin, sleep, endToEnd measure
	for r := 0; r < rounds; r++ {
		for _, x := range []struct {
			m *measure
			f func() error
		}{{&spin, ceilingRun(spinning)}, {&sleep, ceilingRun(e)}, {&endToEnd, endToEndRun}} {
			wall, cpu, err := best(x.f)
			if err != nil {
				return err
			}
			keep(x.m, wall, cpu)
		}
	}
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	perPic := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	ceiling := min(spin.wall, sleep.wall)
	fmt.Printf("| %s | %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f %% | %.1f | %.1f | %.1f |\n",
		filepath.Base(model), n, batch, runtime.NumCPU(),
		perPic(prep), rate(spin.wall), rate(sleep.wall), rate(endToEnd.wall),
		100*ceiling.Seconds()/endToEnd.wall.Seconds(),
		perPic(spin.cpu), perPic(sleep.cpu), perPic(endToEnd.cpu))
	return nil
}
