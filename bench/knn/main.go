//go:build unix

// Command knn-bench builds the kNN graph of a float32 .npy matrix with
// knn.Build and writes the neighbour indices as an int32 .npy file. It is the
// motif side of bench.py, which times it against pynndescent.
//
//	go run ./bench/knn -in X.npy -k 20 -metric cosine -out idx.npy
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"motif/internal/knn"
)

func main() {
	in := flag.String("in", "", "input .npy file: float32, C order, shape (n, dim)")
	out := flag.String("out", "", "output .npy file for the int32 (n, k) neighbour indices (optional)")
	k := flag.Int("k", 20, "neighbours per point, the point itself included")
	metric := flag.String("metric", "cosine", "euclidean or cosine")
	seed := flag.Int64("seed", 42, "random seed")
	threads := flag.Int("threads", 0, "goroutines (0 = all cores)")
	leafSize := flag.Int("leaf-size", 0, "largest random-projection tree leaf (0 = knn's default)")
	queries := flag.String("queries", "", "text file of point indices, one a line: also write their exact neighbours (brute force) to -exact-out")
	exactOut := flag.String("exact-out", "", "output .npy file for the int32 exact neighbours of -queries")
	distsOut := flag.String("dists-out", "", "output .npy file for the float32 (n, k) neighbour distances (optional)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the build to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "knn-bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*in, *out, *distsOut, *k, *metric, *seed, *threads, *leafSize, *queries, *exactOut); err != nil {
		fmt.Fprintln(os.Stderr, "knn-bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(in, out, distsOut string, k int, metric string, seed int64, threads, leafSize int, queries, exactOut string) error {
	m, err := knn.ParseMetric(metric)
	if err != nil {
		return err
	}
	t0 := time.Now()
	data, n, dim, err := readNPY(in)
	if err != nil {
		return err
	}
	load := time.Since(t0)
	t1 := time.Now()
	g, err := knn.Build(context.Background(), data, n, dim, k, knn.Options{Metric: m, Seed: seed, Threads: threads, LeafSize: leafSize})
	if err != nil {
		return err
	}
	build := time.Since(t1)
	cpu := cpuTime()
	if out != "" {
		if err := writeNPY(out, g.Indices, n, k); err != nil {
			return err
		}
	}
	if distsOut != "" {
		if err := writeNPY(distsOut, g.Dists, n, k); err != nil {
			return err
		}
	}
	res := map[string]any{
		"n": n, "dim": dim, "k": k, "metric": m.String(),
		"load_s": load.Seconds(), "build_s": build.Seconds(),
		"cpu_s": cpu.Seconds(), // user + system, loading included
	}
	if queries != "" {
		t2 := time.Now()
		if err := exactQueries(data, n, dim, k, m, queries, exactOut); err != nil {
			return err
		}
		res["exact_s"] = time.Since(t2).Seconds()
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// cpuTime returns the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// exactQueries writes the exact neighbours of the points listed in the text
// file queries, found by knn.Nearest on all cores, to out.
func exactQueries(data []float32, n, dim, k int, m knn.Metric, queries, out string) error {
	raw, err := os.ReadFile(queries)
	if err != nil {
		return err
	}
	var qs []int
	for _, f := range strings.Fields(string(raw)) {
		q, err := strconv.Atoi(f)
		if err != nil || q < 0 || q >= n {
			return fmt.Errorf("%s: bad point index %q", queries, f)
		}
		qs = append(qs, q)
	}
	res := make([]int32, len(qs)*k)
	var wg sync.WaitGroup
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(qs) {
					return
				}
				q := qs[i]
				ix, _ := knn.Nearest(data, n, dim, data[q*dim:(q+1)*dim], k, m)
				copy(res[i*k:], ix)
			}
		}()
	}
	wg.Wait()
	return writeNPY(out, res, len(qs), k)
}

var shapeRE = regexp.MustCompile(`'shape':\s*\((\d+),\s*(\d+)\)`)

// readNPY reads a version 1 or 2 .npy file holding a little-endian float32
// matrix in C order.
func readNPY(path string) ([]float32, int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var magic [8]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, 0, 0, fmt.Errorf("read %s: %w", path, err)
	}
	if string(magic[:6]) != "\x93NUMPY" {
		return nil, 0, 0, fmt.Errorf("%s is not a .npy file", path)
	}
	var hlen int
	switch magic[6] {
	case 1:
		var b [2]byte
		_, err = io.ReadFull(r, b[:])
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	default:
		var b [4]byte
		_, err = io.ReadFull(r, b[:])
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read %s: %w", path, err)
	}
	h := make([]byte, hlen)
	if _, err := io.ReadFull(r, h); err != nil {
		return nil, 0, 0, fmt.Errorf("read %s: %w", path, err)
	}
	header := string(h)
	if !strings.Contains(header, "'<f4'") || strings.Contains(header, "'fortran_order': True") {
		return nil, 0, 0, fmt.Errorf("%s: want a C-order little-endian float32 matrix, header %s", path, header)
	}
	sm := shapeRE.FindStringSubmatch(header)
	if sm == nil {
		return nil, 0, 0, fmt.Errorf("%s: no 2-d shape in header %s", path, header)
	}
	n, _ := strconv.Atoi(sm[1])
	dim, _ := strconv.Atoi(sm[2])
	data := make([]float32, n*dim)
	buf := make([]byte, 1<<20)
	for i := 0; i < len(data); {
		m := min(len(buf)/4, len(data)-i)
		if _, err := io.ReadFull(r, buf[:4*m]); err != nil {
			return nil, 0, 0, fmt.Errorf("read %s: %w", path, err)
		}
		for j := range m {
			data[i+j] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*j:]))
		}
		i += m
	}
	return data, n, dim, nil
}

// writeNPY writes an int32 or float32 (n, k) matrix as a version 1 .npy
// file.
func writeNPY[T int32 | float32](path string, x []T, n, k int) (err error) {
	descr := "<i4"
	if _, ok := any(x).([]float32); ok {
		descr = "<f4"
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr, n, k)
	pad := 64 - (10+len(header)+1)%64
	header += strings.Repeat(" ", pad%64) + "\n"
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("\x93NUMPY\x01\x00")
	binary.Write(w, binary.LittleEndian, uint16(len(header)))
	w.WriteString(header)
	if err := binary.Write(w, binary.LittleEndian, x); err != nil {
		return err
	}
	return w.Flush()
}
