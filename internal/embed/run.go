package embed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
)

// Item is one picture to embed: Key names it in emit and fail (motif uses the sha256 of
// the file), Path is where its bytes are.
type Item struct {
	Key  string
	Path string
}

// RunOptions configure Run. The zero value of each field means its default.
type RunOptions struct {
	// Batch is the number of pictures per model run. Default 32.
	Batch int
	// Workers is the number of goroutines that decode and preprocess. Default GOMAXPROCS.
	Workers int
	// Total, when known, is the number of items, passed on to Progress. Default 0: unknown.
	Total int
	// Load reads and decodes a picture, which Run then resizes and crops. Default: read
	// the file and decode it with the embedder's Preprocessing.DecodeCrop, which gives the
	// pixels of DecodeFile followed by Crop and skips the parts of a JPEG the crop does
	// not read.
	Load func(path string) (*RGB, error)
	// Progress, when not nil, is called after each batch with phase "embed" and the
	// number of items done (embedded or failed) out of Total.
	Progress func(phase string, done, total int)
}

func (o RunOptions) batch() int {
	if o.Batch > 0 {
		return o.Batch
	}
	return 32
}

func (o RunOptions) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// batch is a buffer of preprocessed pictures on its way to the model.
type batch struct {
	keys   []string
	px     []float32
	failed []failure
}

type failure struct {
	key string
	err error
}

// Run embeds every item received from items until the channel is closed: Workers goroutines
// decode and preprocess pictures into batches while the model runs the previous batch, so
// that the model is never kept waiting when decoding keeps up. It calls emit with each
// vector (emit must copy vec to keep it) and fail with each picture that could not be read
// or decoded; both are called from Run's goroutine only, a batch at a time. An error from
// emit or from the model, or the end of ctx, stops Run, which returns it after its
// goroutines have stopped: what was emitted before stays emitted, so a caller that records
// each vector can resume by sending only the keys it lacks.
func Run(ctx context.Context, e Embedder, items <-chan Item, opts RunOptions, emit func(key string, vec []float32) error, fail func(key string, err error)) error {
	pre := e.Preprocessing()
	w, h, ok := pre.FixedSize()
	if !ok {
		return errors.New("embed: the preprocessing does not give a fixed input size")
	}
	per := 3 * w * h
	size := opts.batch()
	crop := func(path string) (*RGB, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return pre.DecodeCrop(data)
	}
	if opts.Load != nil {
		crop = func(path string) (*RGB, error) {
			img, err := opts.Load(path)
			if err != nil {
				return nil, err
			}
			return pre.Crop(img), nil
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type prepared struct {
		key string
		px  []float32
		err error
	}
	tensors := sync.Pool{New: func() any { return make([]float32, per) }}
	ready := make(chan prepared, size)
	var wg sync.WaitGroup
	for range opts.workers() {
		wg.Go(func() {
			for {
				var it Item
				var ok bool
				select {
				case <-ctx.Done():
					return
				case it, ok = <-items:
					if !ok {
						return
					}
				}
				p := prepared{key: it.Key}
				img, err := crop(it.Path)
				if err != nil {
					p.err = err
				} else {
					p.px = pre.Tensor(tensors.Get().([]float32), img)
				}
				select {
				case ready <- p:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		wg.Wait()
		close(ready)
	}()

	// Two batch buffers: one being filled while the model runs the other.
	free := make(chan *batch, 2)
	for range 2 {
		free <- &batch{px: make([]float32, size*per)}
	}
	full := make(chan *batch)
	assembled := make(chan struct{})
	go func() {
		defer close(assembled)
		defer close(full)
		var b *batch
		send := func() bool {
			select {
			case full <- b:
				b = nil
				return true
			case <-ctx.Done():
				return false
			}
		}
		for p := range ready {
			if b == nil {
				select {
				case b = <-free:
				case <-ctx.Done():
					return
				}
				b.keys, b.failed = b.keys[:0], b.failed[:0]
			}
			if p.err != nil {
				b.failed = append(b.failed, failure{p.key, p.err})
			} else {
				copy(b.px[len(b.keys)*per:], p.px)
				tensors.Put(p.px)
				b.keys = append(b.keys, p.key)
			}
			if len(b.keys) == size && !send() {
				return
			}
		}
		if b != nil && (len(b.keys) > 0 || len(b.failed) > 0) {
			send()
		}
	}()

	err := func() error {
		done := 0
		for b := range full {
			for _, f := range b.failed {
				fail(f.key, f.err)
			}
			done += len(b.failed)
			if n := len(b.keys); n > 0 {
				vecs, err := e.Embed(ctx, b.px[:n*per], n)
				if err != nil {
					return err
				}
				d := e.Dim()
				for i, k := range b.keys {
					if err := emit(k, vecs[i*d:(i+1)*d]); err != nil {
						return fmt.Errorf("embed: %w", err)
					}
				}
				done += n
			}
			free <- b
			if opts.Progress != nil {
				opts.Progress("embed", done, opts.Total)
			}
		}
		return ctx.Err()
	}()
	cancel()
	for range full { // let the assembler finish
	}
	<-assembled
	wg.Wait()
	return err
}
