package imagestore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Options configure a Store. The zero value means the defaults.
type Options struct {
	// MaxPixels is the largest width × height accepted; default DefaultMaxPixels.
	MaxPixels int64
	// ThumbSize is the longest side of thumbnails in pixels; default 256.
	ThumbSize int
	// ThumbQuality is the JPEG quality of thumbnails, 1–100; default 85.
	ThumbQuality int
	// Sync makes every file reach the disk (fsync) before it is renamed into
	// place, so that files survive a power loss, not only a killed process;
	// default false.
	Sync bool
}

// Store keeps original images by the sha256 of their bytes and a JPEG
// thumbnail of each, under one directory:
//
//	images/ab/abcd….ext   the original bytes, ext from the sniffed format
//	thumbs/ab/abcd….jpg   the thumbnail
//
// Files are written to a temporary file in their final directory and renamed
// into place, so a reader (or a process restarted after a crash) sees either
// a complete file or none. A Store is safe for concurrent use.
type Store struct {
	dir  string
	opts Options
}

// Image describes a stored image.
type Image struct {
	Key           string // sha256 of the original bytes, lowercase hex
	Format        string // JPEG, PNG, GIF or WebP
	Width, Height int    // pixels of the original
	Bytes         int64  // size of the original
	PHash         uint64 // perceptual hash, see PHash
}

const tempPrefix = ".tmp-"

// Open returns the store rooted at dir, creating its directories if needed.
func Open(dir string, opts Options) (*Store, error) {
	if opts.MaxPixels <= 0 {
		opts.MaxPixels = DefaultMaxPixels
	}
	if opts.ThumbSize <= 0 {
		opts.ThumbSize = DefaultThumbSize
	}
	if opts.ThumbQuality <= 0 || opts.ThumbQuality > 100 {
		opts.ThumbQuality = 85
	}
	for _, sub := range []string{"images", "thumbs"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("open image store: %w", err)
		}
	}
	return &Store{dir: dir, opts: opts}, nil
}

// Dir returns the root directory of the store.
func (s *Store) Dir() string { return s.dir }

// Key returns the image key of data: the lowercase hex sha256 of the bytes.
func Key(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// OriginalPath returns where the original of key in format is stored.
func (s *Store) OriginalPath(key, format string) string {
	return filepath.Join(s.dir, "images", key[:2], key+"."+Ext(format))
}

// ThumbPath returns where the thumbnail of key is stored.
func (s *Store) ThumbPath(key string) string {
	return filepath.Join(s.dir, "thumbs", key[:2], key+".jpg")
}

// Put validates and decodes data, and stores it with its thumbnail unless
// both are already there (the same bytes are one image, however many times
// they are put). Invalid data is refused with an *Error (see Inspect); I/O
// failures are returned as other errors.
func (s *Store) Put(data []byte) (Image, error) {
	img, info, err := Decode(data, s.opts.MaxPixels)
	if err != nil {
		return Image{}, err
	}
	key := Key(data)
	thumb := Thumbnail(img, s.opts.ThumbSize)
	im := Image{Key: key, Format: info.Format, Width: info.Width, Height: info.Height,
		Bytes: int64(len(data)), PHash: PHash(thumb)}
	if b := img.Bounds(); info.Format == GIF {
		// The logical screen can differ from the first frame; report the frame.
		im.Width, im.Height = b.Dx(), b.Dy()
	}
	orig := s.OriginalPath(key, info.Format)
	if st, err := os.Stat(orig); err != nil || st.Size() != int64(len(data)) {
		if err := s.write(orig, data); err != nil {
			return Image{}, err
		}
	}
	tp := s.ThumbPath(key)
	if _, err := os.Stat(tp); err != nil {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, thumb, &jpeg.Options{Quality: s.opts.ThumbQuality}); err != nil {
			return Image{}, fmt.Errorf("encode thumbnail of %s: %w", key, err)
		}
		if err := s.write(tp, buf.Bytes()); err != nil {
			return Image{}, err
		}
	}
	return im, nil
}

// Has reports whether both the original of key in format and its thumbnail
// are on disk, and the original has the given size.
func (s *Store) Has(key, format string, size int64) bool {
	st, err := os.Stat(s.OriginalPath(key, format))
	if err != nil || st.Size() != size {
		return false
	}
	_, err = os.Stat(s.ThumbPath(key))
	return err == nil
}

// Verify reads the original of key back and checks that its sha256 is key
// and that its thumbnail exists.
func (s *Store) Verify(key, format string) error {
	data, err := os.ReadFile(s.OriginalPath(key, format))
	if err != nil {
		return fmt.Errorf("verify %s: %w", key, err)
	}
	if got := Key(data); got != key {
		return fmt.Errorf("verify %s: content hashes to %s", key, got)
	}
	if _, err := os.Stat(s.ThumbPath(key)); err != nil {
		return fmt.Errorf("verify %s: %w", key, err)
	}
	return nil
}

// Remove deletes the original and thumbnail of key; missing files are not an error.
func (s *Store) Remove(key, format string) error {
	for _, p := range []string{s.OriginalPath(key, format), s.ThumbPath(key)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", key, err)
		}
	}
	return nil
}

// Entry is an original found on disk by Walk.
type Entry struct {
	Key    string
	Format string
	Size   int64
	Thumb  bool // whether its thumbnail exists
}

// Walk calls fn for every original in the store, in directory order, and
// returns the paths of leftover temporary files (from an interrupted write)
// and stray files that are not named like an original, without removing them.
func (s *Store) Walk(fn func(Entry) error) (stray []string, err error) {
	root := filepath.Join(s.dir, "images")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		name := d.Name()
		key, ext, _ := strings.Cut(name, ".")
		format := formatOfExt(ext)
		if strings.HasPrefix(name, tempPrefix) || !validKey(key) || format == "" ||
			filepath.Base(filepath.Dir(path)) != key[:2] {
			stray = append(stray, path)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		_, terr := os.Stat(s.ThumbPath(key))
		return fn(Entry{Key: key, Format: format, Size: info.Size(), Thumb: terr == nil})
	})
	if err != nil {
		return stray, fmt.Errorf("walk image store: %w", err)
	}
	err = filepath.WalkDir(filepath.Join(s.dir, "thumbs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), tempPrefix) {
			stray = append(stray, path)
		}
		return nil
	})
	if err != nil {
		return stray, fmt.Errorf("walk image store: %w", err)
	}
	return stray, nil
}

// RemoveTemp deletes temporary files left by interrupted writes and returns
// how many it removed. Call it only while no other process writes to the store.
func (s *Store) RemoveTemp() (int, error) {
	n := 0
	for _, sub := range []string{"images", "thumbs"} {
		err := filepath.WalkDir(filepath.Join(s.dir, sub), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasPrefix(d.Name(), tempPrefix) {
				if err := os.Remove(path); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("remove temporary files: %w", err)
		}
	}
	return n, nil
}

func formatOfExt(ext string) string {
	switch ext {
	case "jpg":
		return JPEG
	case PNG, GIF, WebP:
		return ext
	}
	return ""
}

func validKey(k string) bool {
	if len(k) != 64 {
		return false
	}
	for _, c := range k {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// write stores data at path through a temporary file in the same directory.
func (s *Store) write(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if errors.Is(err, fs.ErrNotExist) { // the first file of its ab/ directory
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("store %s: %w", filepath.Base(path), err)
		}
		f, err = os.CreateTemp(dir, tempPrefix+"*")
	}
	if err != nil {
		return fmt.Errorf("store %s: %w", filepath.Base(path), err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil && s.opts.Sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store %s: %w", filepath.Base(path), err)
	}
	return nil
}
