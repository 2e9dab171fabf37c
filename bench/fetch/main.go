// Command fetch measures how close `motif fetch` comes to the cost of the
// image work itself: images per second downloaded from a loopback server,
// validated, stored with a thumbnail and a perceptual hash and recorded in
// the catalog, against the same files decoded, thumbnailed and hashed in
// memory with nothing else (the ceiling), on the same cores. It also
// reports the share of CPU time spent outside JPEG decoding.
//
//	go run ./bench/fetch [-n 200] [-rounds 3] [-concurrency 16] [-cpuprofile FILE]
//
// The pictures are synthetic 1200 × 675 photographs (smooth light, texture
// and noise) encoded as JPEG at quality 85, about 150 KB each, the size of
// images on social-media CDNs. The loopback server is a child process (this
// program with -serve), so its CPU time is not counted as motif's; it still
// shares the cores. See run.sh and bench/RESULTS.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"motif/internal/fetch"
	"motif/internal/imagestore"
	"motif/internal/pipeline"
)

func main() {
	n := flag.Int("n", 200, "pictures")
	rounds := flag.Int("rounds", 3, "timed rounds of each measurement (best kept)")
	conc := flag.Int("concurrency", 16, "downloads in flight")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the fetch rounds to `file`")
	serve := flag.String("serve", "", "serve the files of `directory` on a loopback port until stdin closes (used by the benchmark itself)")
	flag.Parse()
	if *serve != "" {
		if err := serveDir(*serve); err != nil {
			fmt.Fprintln(os.Stderr, "bench/fetch:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*n, *rounds, *conc, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "bench/fetch:", err)
		os.Exit(1)
	}
}

// photo draws a deterministic photograph-like picture: a sky-to-ground
// gradient, a few soft discs, fine texture and sensor noise.
func photo(seed uint64, w, h int) *image.YCbCr {
	rng := rand.New(rand.NewPCG(seed, 99))
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	type disc struct{ x, y, r, l float64 }
	var discs []disc
	for range 6 {
		discs = append(discs, disc{rng.Float64() * float64(w), rng.Float64() * float64(h), 40 + rng.Float64()*200, rng.Float64()*120 - 60})
	}
	fx, fy := 0.02+rng.Float64()*0.1, 0.02+rng.Float64()*0.1
	for y := range h {
		for x := range w {
			l := 200 - 120*float64(y)/float64(h)
			for _, d := range discs {
				dx, dy := float64(x)-d.x, float64(y)-d.y
				l += d.l * math.Exp(-(dx*dx+dy*dy)/(2*d.r*d.r))
			}
			l += 12*math.Sin(float64(x)*fx)*math.Cos(float64(y)*fy) + rng.NormFloat64()*5
			img.Y[y*img.YStride+x] = uint8(min(max(l, 0), 255))
		}
	}
	for y := range h / 2 {
		for x := range w / 2 {
			i := y*img.CStride + x
			img.Cb[i] = uint8(128 + 30*math.Sin(float64(x)/40+float64(seed)) + rng.NormFloat64()*3)
			img.Cr[i] = uint8(128 + 30*math.Cos(float64(y)/50+float64(seed)) + rng.NormFloat64()*3)
		}
	}
	return img
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type measure struct {
	wall, cpu time.Duration
}

// best runs f rounds times and keeps the fastest round.
func best(rounds int, f func() error) (measure, error) {
	var m measure
	for r := range rounds {
		runtime.GC()
		c0, t0 := cpuTime(), time.Now()
		if err := f(); err != nil {
			return m, err
		}
		w, c := time.Since(t0), cpuTime()-c0
		if r == 0 || w < m.wall {
			m = measure{w, c}
		}
	}
	return m, nil
}

// parallel runs f(i) for i < n on GOMAXPROCS goroutines.
func parallel(n int, f func(i int) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

func run(n, rounds, conc int, cpuprofile string) error {
	files := make([][]byte, n)
	total := 0
	if err := parallel(n, func(i int) error {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, photo(uint64(i), 1200, 675), &jpeg.Options{Quality: 85}); err != nil {
			return err
		}
		files[i] = buf.Bytes()
		return nil
	}); err != nil {
		return err
	}
	for _, f := range files {
		total += len(f)
	}

	// Decoding alone.
	dec, err := best(rounds, func() error {
		return parallel(n, func(i int) error {
			_, err := jpeg.Decode(bytes.NewReader(files[i]))
			return err
		})
	})
	if err != nil {
		return err
	}
	// The ceiling: validate, decode, thumbnail, hash and encode the thumbnail,
	// in memory.
	ceil, err := best(rounds, func() error {
		return parallel(n, func(i int) error {
			img, _, err := imagestore.Decode(files[i], 0)
			if err != nil {
				return err
			}
			th := imagestore.Thumbnail(img, 256)
			_ = imagestore.PHash(th)
			return jpeg.Encode(&bytes.Buffer{}, th, &jpeg.Options{Quality: 85})
		})
	})
	if err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "motif-bench-fetch-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	served := filepath.Join(tmp, "served")
	if err := os.Mkdir(served, 0o755); err != nil {
		return err
	}
	for i, f := range files {
		if err := os.WriteFile(filepath.Join(served, fmt.Sprint(i, ".jpg")), f, 0o644); err != nil {
			return err
		}
	}
	srv := exec.Command(os.Args[0], "-serve", served)
	stdin, err := srv.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { stdin.Close(); srv.Wait() }()
	base, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return fmt.Errorf("start the image server: %w", err)
	}
	base = strings.TrimSpace(base)
	var csv strings.Builder
	csv.WriteString("id,media_url\n")
	for i := range n {
		fmt.Fprintf(&csv, "%d,%s/%d.jpg\n", i, base, i)
	}
	posts := filepath.Join(tmp, "posts.csv")
	if err := os.WriteFile(posts, []byte(csv.String()), 0o644); err != nil {
		return err
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	round := 0
	full, err := best(rounds, func() error {
		round++
		p, err := pipeline.Create(ctx, filepath.Join(tmp, fmt.Sprint("proj", round)))
		if err != nil {
			return err
		}
		defer p.Close()
		if _, err := pipeline.Ingest(ctx, p, pipeline.IngestOptions{Path: posts}); err != nil {
			return err
		}
		res, err := pipeline.Fetch(ctx, p, pipeline.FetchOptions{HTTP: fetch.Options{AllowPrivate: true, Concurrency: conc, PerHost: conc}})
		if err != nil {
			return err
		}
		if res.Counts["ok"] != n {
			return fmt.Errorf("fetch: %v, want %d ok", res.Counts, n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	rate := func(m measure) float64 { return float64(n) / m.wall.Seconds() }
	perImage := func(m measure) float64 { return float64(m.cpu.Microseconds()) / 1000 / float64(n) }
	fmt.Printf("| %d | %.0f KB | %d | %.1f | %.1f | %.1f | %.2f | %.1f / %.1f / %.1f | %.2f | %.0f %% |\n",
		n, float64(total)/float64(n)/1024, runtime.GOMAXPROCS(0),
		rate(dec), rate(ceil), rate(full), rate(full)/rate(ceil),
		perImage(dec), perImage(ceil), perImage(full), perImage(ceil)/perImage(full),
		100*(1-perImage(dec)/perImage(full)))
	return nil
}

// serveDir serves dir over HTTP on a loopback port, prints the base URL and
// stops when stdin closes.
func serveDir(dir string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("http://%s\n", ln.Addr())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		ln.Close()
	}()
	err = http.Serve(ln, http.FileServer(http.Dir(dir)))
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
