// Command embed measures how close `motif embed`'s pipeline comes to the model's own speed:
// images per second end to end (read, decode, preprocess, batch, infer, pool, normalise)
// against ONNX Runtime's inference alone on tensors prepared beforehand (the ceiling).
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
	e, err := embed.Open(embed.Options{Model: model, Threads: threads})
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := context.Background()
	pre := e.Preprocessing()
	w, h, _ := pre.FixedSize()
	per := 3 * w * h

	// Decoding and preprocessing alone, one core, as the pipeline does them (DecodeCrop
	// decodes only what the crop reads).
	t0 := time.Now()
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
	prep := time.Since(t0)

	// Warm-up, then the ceiling: the model alone on the prepared tensors.
	if _, err := e.Embed(ctx, tensors[:min(batch, n)*per], min(batch, n)); err != nil {
		return err
	}
	// best times f in wall-clock time and in CPU time of the whole process (all threads):
	// on a shared machine the wall time depends on what else runs, the CPU time much less.
	best := func(f func() error) (time.Duration, time.Duration, error) {
		t, c := time.Now(), cpuTime()
		err := f()
		return time.Since(t), cpuTime() - c, err
	}
	ceilingRun := func() error {
		for i := 0; i < n; i += batch {
			k := min(batch, n-i)
			if _, err := e.Embed(ctx, tensors[i*per:(i+k)*per], k); err != nil {
				return err
			}
		}
		return nil
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
	var ceiling, endToEnd, ceilingCPU, endToEndCPU time.Duration
	for r := 0; r < rounds; r++ {
		c, cc, err := best(ceilingRun)
		if err != nil {
			return err
		}
		t, tc, err := best(endToEndRun)
		if err != nil {
			return err
		}
		if r == 0 || c < ceiling {
			ceiling = c
		}
		if r == 0 || t < endToEnd {
			endToEnd = t
		}
		if r == 0 || cc < ceilingCPU {
			ceilingCPU = cc
		}
		if r == 0 || tc < endToEndCPU {
			endToEndCPU = tc
		}
	}
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	perPic := func(d time.Duration) float64 { return float64(d.Milliseconds()) / float64(n) }
	fmt.Printf("| %s | %d | %d | %d | %.1f | %.1f | %.1f | %.0f %% | %.0f | %.0f | %.0f %% |\n",
		filepath.Base(model), n, batch, runtime.NumCPU(),
		rate(prep), rate(ceiling), rate(endToEnd), 100*ceiling.Seconds()/endToEnd.Seconds(),
		perPic(ceilingCPU), perPic(endToEndCPU), 100*ceilingCPU.Seconds()/endToEndCPU.Seconds())
	return nil
}
