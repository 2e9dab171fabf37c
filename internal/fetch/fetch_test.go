package fetch

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "golang.org/x/image/webp" // registers WebP for the test validator
)

func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), 90, 255})
		}
	}
	return img
}

func encode(t testing.TB, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	img := picture(40, 30)
	var err error
	switch format {
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "png":
		err = png.Encode(&buf, img)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	case "webp":
		var b []byte
		b, err = os.ReadFile(filepath.Join("..", "imagestore", "testdata", "lossy.webp"))
		buf.Write(b)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngBomb is a valid PNG header for a w×h greyscale image and a small
// compressed IDAT: kilobytes that would decode to w×h bytes.
func pngBomb(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&buf, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		buf.WriteString(typ)
		buf.Write(data)
		binary.Write(&buf, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8] = 8
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 16*(1+int(w))))
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return buf.Bytes()
}

type statusError string

func (e statusError) Error() string  { return string(e) }
func (e statusError) Status() string { return string(e) }

// validate stands in for the image store's check: sniffed format and header
// only, with a 50-megapixel limit.
func validate(body []byte) error {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
	switch {
	case errors.Is(err, image.ErrFormat):
		return statusError("not_image")
	case err != nil:
		return statusError("decode_error")
	case int64(cfg.Width)*int64(cfg.Height) > 50_000_000:
		return statusError("too_many_pixels")
	}
	return nil
}

// gzipBomb is 64 MiB of zeros, gzip-compressed to about 64 KiB.
var gzipBomb = func() []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range 64 {
		zw.Write(zero)
	}
	zw.Close()
	return buf.Bytes()
}()

// faultServer serves every case the fetcher must survive. Counters are per
// path, so each test uses its own paths.
type faultServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func (f *faultServer) hit(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits[path]++
	return f.hits[path]
}

func (f *faultServer) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func newFaultServer(t *testing.T) *faultServer {
	t.Helper()
	f := &faultServer{hits: map[string]int{}}
	images := map[string][]byte{}
	for _, fm := range []string{"jpeg", "png", "gif", "webp"} {
		images[fm] = encode(t, fm)
	}
	bomb := pngBomb(50000, 50000)
	mux := http.NewServeMux()
	serveImage := func(w http.ResponseWriter, format string) {
		w.Header().Set("Content-Type", "image/"+format)
		w.Write(images[format])
	}
	mux.HandleFunc("/img/{format}", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		serveImage(w, r.PathValue("format"))
	})
	mux.HandleFunc("/same/{n}", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		serveImage(w, "png")
	})
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		code, _ := strconv.Atoi(r.PathValue("code"))
		http.Error(w, "nope", code)
	})
	mux.HandleFunc("/429-then-ok", func(w http.ResponseWriter, r *http.Request) {
		if f.hit(r.URL.Path) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		serveImage(w, "jpeg")
	})
	mux.HandleFunc("/503-date-then-ok", func(w http.ResponseWriter, r *http.Request) {
		if f.hit(r.URL.Path) == 1 {
			w.Header().Set("Retry-After", time.Now().Add(time.Second).UTC().Format(http.TimeFormat))
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		serveImage(w, "jpeg")
	})
	mux.HandleFunc("/429-long", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "come back in an hour", http.StatusTooManyRequests)
	})
	mux.HandleFunc("/500-then-ok", func(w http.ResponseWriter, r *http.Request) {
		if f.hit(r.URL.Path) == 1 {
			http.Error(w, "oops", http.StatusInternalServerError)
			return
		}
		serveImage(w, "png")
	})
	mux.HandleFunc("/redirect/{n}", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			serveImage(w, "gif")
			return
		}
		http.Redirect(w, r, "/redirect/"+strconv.Itoa(n-1), http.StatusFound)
	})
	mux.HandleFunc("/loop/a", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		http.Redirect(w, r, "/loop/b", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop/b", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		http.Redirect(w, r, "/loop/a", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/redirect-to", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		http.Redirect(w, r, r.URL.Query().Get("u"), http.StatusFound)
	})
	mux.HandleFunc("/drip", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		w.Header().Set("Content-Type", "image/jpeg")
		data := images["jpeg"]
		for i := range data {
			if _, err := w.Write(data[i : i+1]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(50 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/no-headers", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		conn.(*net.TCPConn).SetLinger(0) // close with RST
		conn.Close()
	})
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		data := images["png"]
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:len(data)/2])
		// Returning short of Content-Length makes the server close the connection.
	})
	mux.HandleFunc("/png-as-html", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(images["png"])
	})
	mux.HandleFunc("/html-as-jpeg", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write([]byte("<!DOCTYPE html><html><body>This image is no longer available</body></html>"))
	})
	huge := func(w http.ResponseWriter, r *http.Request, declare bool) {
		f.hit(r.URL.Path)
		w.Header().Set("Content-Type", "image/jpeg")
		if declare {
			w.Header().Set("Content-Length", strconv.Itoa(1<<30))
		}
		block := make([]byte, 64<<10) // streamed, never the whole gigabyte
		for sent := 0; sent < 1<<30; sent += len(block) {
			if _, err := w.Write(block); err != nil {
				return
			}
		}
	}
	mux.HandleFunc("/gigabyte", func(w http.ResponseWriter, r *http.Request) { huge(w, r, true) })
	mux.HandleFunc("/gigabyte-chunked", func(w http.ResponseWriter, r *http.Request) { huge(w, r, false) })
	mux.HandleFunc("/gzip-bomb", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipBomb)
	})
	mux.HandleFunc("/bomb.png", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		w.Header().Set("Content-Type", "image/png")
		w.Write(bomb)
	})
	mux.HandleFunc("/slow/", func(w http.ResponseWriter, r *http.Request) {
		f.hit(r.URL.Path)
		time.Sleep(30 * time.Millisecond)
		serveImage(w, "png")
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// testOptions are fast-failing options for loopback tests.
func testOptions() Options {
	return Options{
		AllowPrivate:  true,
		BackoffBase:   time.Millisecond,
		BackoffMax:    5 * time.Millisecond,
		MaxRetryAfter: 2 * time.Second,
		Timeout:       2 * time.Second,
		HeaderTimeout: time.Second,
		MaxBytes:      1 << 20,
		Validate:      validate,
		Resolver:      mapResolver{}, // no lookup ever leaves the process
	}
}

func TestFetchOutcomes(t *testing.T) {
	f := newFaultServer(t)
	// Each case gets its own client, since a Retry-After pauses the whole
	// host for that client.
	short := testOptions()
	short.Timeout = time.Second
	short.HeaderTimeout = 500 * time.Millisecond
	short.Retries = 1
	c, cShort := testOptions(), short
	tests := []struct {
		name      string
		opts      Options
		path      string
		status    string
		http      int
		attempts  int
		retryable bool
		hits      int // requests the server saw on path (0: not checked)
	}{
		{"jpeg", c, "/img/jpeg", "ok", 200, 1, false, 1},
		{"png", c, "/img/png", "ok", 200, 1, false, 1},
		{"gif", c, "/img/gif", "ok", 200, 1, false, 1},
		{"webp", c, "/img/webp", "ok", 200, 1, false, 1},
		{"404 not retried", c, "/status/404", "http_404", 404, 1, false, 1},
		{"403 not retried", c, "/status/403", "http_403", 403, 1, false, 1},
		{"410 not retried", c, "/status/410", "http_410", 410, 1, false, 1},
		{"429 with Retry-After", c, "/429-then-ok", "ok", 200, 2, false, 2},
		{"503 with Retry-After date", c, "/503-date-then-ok", "ok", 200, 2, false, 2},
		{"429 asking too long", c, "/429-long", "http_429", 429, 1, true, 1},
		{"500 then 200", c, "/500-then-ok", "ok", 200, 2, false, 2},
		{"502 every time", c, "/status/502", "http_502", 502, 4, true, 4},
		{"redirect chain of 5", c, "/redirect/5", "ok", 200, 1, false, 0},
		{"redirect chain of 6", c, "/redirect/6", "too_many_redirects", 0, 1, false, 0},
		{"redirect loop", c, "/loop/a", "redirect_loop", 0, 1, false, 1},
		{"redirect to ftp", c, "/redirect-to?u=ftp://example.org/x.jpg", "bad_redirect", 0, 1, false, 0},
		{"slow drip", cShort, "/drip", "timeout", 200, 2, true, 2},
		{"no headers", cShort, "/no-headers", "timeout", 0, 2, true, 2},
		// Go's transport itself retries a GET once when a reused connection is
		// reset before any answer, so the server may see more than 4 requests.
		{"connection reset", c, "/reset", "connection_reset", 0, 4, true, 0},
		{"truncated body", c, "/truncated", "truncated", 200, 4, true, 4},
		{"png sent as text/html", c, "/png-as-html", "ok", 200, 1, false, 1},
		{"html sent as image/jpeg", c, "/html-as-jpeg", "not_image", 200, 1, false, 1},
		{"1 GB declared", c, "/gigabyte", "too_large", 200, 1, false, 1},
		{"1 GB chunked", c, "/gigabyte-chunked", "too_large", 200, 1, false, 1},
		{"gzip bomb (64 MB of zeros)", c, "/gzip-bomb", "too_large", 200, 1, false, 1},
		{"unknown host", c, "http://no-such-host.invalid/x.jpg", "dns_error", 0, 1, false, 0},
		{"50000x50000 png bomb", c, "/bomb.png", "too_many_pixels", 200, 1, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := New(tt.opts)
			defer c.Close()
			u := f.URL + tt.path
			if strings.HasPrefix(tt.path, "http") {
				u = tt.path
			}
			out := c.Fetch(context.Background(), u)
			if out.Status != tt.status || out.HTTPStatus != tt.http || out.Attempts != tt.attempts || out.Retryable != tt.retryable {
				t.Errorf("Fetch(%s) = status %s, http %d, attempts %d, retryable %v (err %v); want %s, %d, %d, %v",
					tt.path, out.Status, out.HTTPStatus, out.Attempts, out.Retryable, out.Err, tt.status, tt.http, tt.attempts, tt.retryable)
			}
			if path, _, _ := strings.Cut(tt.path, "?"); tt.hits > 0 && f.count(path) != tt.hits {
				t.Errorf("Fetch(%s): server saw %d requests, want %d", tt.path, f.count(path), tt.hits)
			}
			if (out.Status == "ok") != (out.Body != nil) || (out.Status == "ok") != (out.Err == nil) {
				t.Errorf("Fetch(%s) = status %s with %d body bytes and err %v", tt.path, out.Status, len(out.Body), out.Err)
			}
			if out.Status == "ok" && int64(len(out.Body)) != out.Bytes {
				t.Errorf("Fetch(%s) Bytes = %d, body has %d", tt.path, out.Bytes, len(out.Body))
			}
			if out.Status == "too_large" && out.Bytes > 1<<20+1 {
				t.Errorf("Fetch(%s) read %d bytes, want at most MaxBytes+1", tt.path, out.Bytes)
			}
		})
	}
}

func TestRetryAfterWaits(t *testing.T) {
	f := newFaultServer(t)
	c := New(testOptions())
	defer c.Close()
	out := c.Fetch(context.Background(), f.URL+"/429-then-ok")
	if out.Status != "ok" || out.Duration < time.Second {
		t.Errorf("Fetch(429 Retry-After: 1) = %s after %v, want ok after at least 1s", out.Status, out.Duration)
	}
}

// TestRetryAfterPausesHost checks that a Retry-After holds back the other
// requests to the same host, not only the retry.
func TestRetryAfterPausesHost(t *testing.T) {
	f := newFaultServer(t)
	c := New(testOptions())
	defer c.Close()
	first := make(chan Outcome)
	go func() { first <- c.Fetch(context.Background(), f.URL+"/429-then-ok") }()
	for f.count("/429-then-ok") == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the 429 be read
	other := c.Fetch(context.Background(), f.URL+"/img/jpeg")
	if a := <-first; a.Status != "ok" || other.Status != "ok" {
		t.Fatalf("Fetch() = %s, %s; want ok, ok", a.Status, other.Status)
	}
	if other.Duration < 500*time.Millisecond {
		t.Errorf("request to a host paused by Retry-After: 1 took %v, want it held back (≥ 500ms)", other.Duration)
	}
}

func TestSameBytesSeveralURLs(t *testing.T) {
	f := newFaultServer(t)
	c := New(testOptions())
	defer c.Close()
	a := c.Fetch(context.Background(), f.URL+"/same/1")
	b := c.Fetch(context.Background(), f.URL+"/same/2")
	if a.Status != "ok" || b.Status != "ok" || !bytes.Equal(a.Body, b.Body) {
		t.Errorf("Fetch(/same/1, /same/2) = %s, %s, equal bodies %v; want ok, ok, true", a.Status, b.Status, bytes.Equal(a.Body, b.Body))
	}
	if a.FinalURL != f.URL+"/same/1" {
		t.Errorf("Fetch(/same/1) FinalURL = %s", a.FinalURL)
	}
}

func TestRedirectFinalURL(t *testing.T) {
	f := newFaultServer(t)
	c := New(testOptions())
	defer c.Close()
	out := c.Fetch(context.Background(), f.URL+"/redirect/3")
	if out.Status != "ok" || out.FinalURL != f.URL+"/redirect/0" {
		t.Errorf("Fetch(/redirect/3) = %s at %s, want ok at %s", out.Status, out.FinalURL, f.URL+"/redirect/0")
	}
	if n := f.count("/redirect/3") + f.count("/redirect/2") + f.count("/redirect/1") + f.count("/redirect/0"); n != 4 {
		t.Errorf("Fetch(/redirect/3) made %d requests, want 4", n)
	}
}

func TestInvalidURL(t *testing.T) {
	c := New(testOptions())
	for _, u := range []string{"ftp://example.org/a.jpg", "file:///etc/passwd", "http://", "::not a url", "javascript:alert(1)"} {
		if out := c.Fetch(context.Background(), u); out.Status != StatusInvalidURL || out.Attempts != 0 {
			t.Errorf("Fetch(%q) = %s after %d attempts, want invalid_url after 0", u, out.Status, out.Attempts)
		}
	}
}

// mapResolver answers from a table and records nothing else: no lookup ever
// leaves the process.
type mapResolver map[string][]netip.Addr

func (m mapResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := m[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func addrs(ss ...string) []netip.Addr {
	var as []netip.Addr
	for _, s := range ss {
		as = append(as, netip.MustParseAddr(s))
	}
	return as
}

func TestGuardLoopbackRefused(t *testing.T) {
	f := newFaultServer(t)
	opts := testOptions()
	opts.AllowPrivate = false
	c := New(opts)
	defer c.Close()
	for _, u := range []string{f.URL + "/img/png", strings.Replace(f.URL, "127.0.0.1", "[::ffff:127.0.0.1]", 1) + "/img/png"} {
		out := c.Fetch(context.Background(), u)
		var be *BlockedError
		if out.Status != StatusBlocked || out.Retryable || !errors.As(out.Err, &be) {
			t.Errorf("Fetch(%s) without AllowPrivate = %s (retryable %v, err %v), want blocked_address", u, out.Status, out.Retryable, out.Err)
		}
	}
	if n := f.count("/img/png"); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

// TestGuardResolvedPrivate checks that names resolving to private, link-local
// and other internal addresses are refused before any connection: the dial
// hook must never fire, and no packet leaves the machine.
func TestGuardResolvedPrivate(t *testing.T) {
	res := mapResolver{
		"metadata.test":   addrs("169.254.169.254"),
		"intranet.test":   addrs("10.0.0.7"),
		"home.test":       addrs("192.168.1.1", "172.16.5.4"),
		"mapped.test":     addrs("::ffff:192.168.1.1"),
		"linklocal6.test": addrs("fe80::1"),
		"ula.test":        addrs("fd12:3456::1"),
		"nat64.test":      addrs("64:ff9b::a00:1"),
		"cgnat.test":      addrs("100.64.1.1"),
		"zero.test":       addrs("0.0.0.0"),
		"multicast.test":  addrs("239.1.2.3"),
		"loop6.test":      addrs("::1"),
	}
	opts := testOptions()
	opts.AllowPrivate = false
	opts.Resolver = res
	c := New(opts)
	defer c.Close()
	var dialled atomic.Int32
	c.dialer.beforeDial = func(string) { dialled.Add(1) }
	for host := range res {
		for _, u := range []string{"http://" + host + "/a.jpg", "https://" + host + ":8443/a.jpg"} {
			out := c.Fetch(context.Background(), u)
			if out.Status != StatusBlocked {
				t.Errorf("Fetch(%s) = %s (%v), want blocked_address", u, out.Status, out.Err)
			}
		}
	}
	// Literal addresses in URLs are checked the same way.
	for _, u := range []string{"http://10.1.2.3/x.png", "http://[fe80::1]/x.png", "http://169.254.169.254/latest/meta-data/"} {
		if out := c.Fetch(context.Background(), u); out.Status != StatusBlocked {
			t.Errorf("Fetch(%s) = %s (%v), want blocked_address", u, out.Status, out.Err)
		}
	}
	if n := dialled.Load(); n != 0 {
		t.Errorf("guard dialled %d times, want 0", n)
	}
	// The socket-level check refuses the same addresses on its own.
	for _, a := range []string{"10.0.0.1:80", "[::1]:443", "[::ffff:169.254.169.254]:80"} {
		var be *BlockedError
		if err := c.dialer.control("tcp", a, nil); !errors.As(err, &be) {
			t.Errorf("control(%s) = %v, want *BlockedError", a, err)
		}
	}
}

// TestGuardRedirect follows a redirect from a permitted server to internal
// addresses: the guard refuses each at dial time.
func TestGuardRedirect(t *testing.T) {
	f := newFaultServer(t)
	server := netip.MustParseAddrPort(f.Listener.Addr().String())
	opts := testOptions()
	opts.AllowPrivate = false
	opts.Resolver = mapResolver{
		"images.test":   addrs(server.Addr().String()),
		"intranet.test": addrs("10.0.0.7"),
		// DNS rebinding: the same name that served the first request now
		// answers with a private address on another port.
		"rebind.test": addrs(server.Addr().String()),
	}
	c := New(opts)
	defer c.Close()
	c.dialer.allow = func(ap netip.AddrPort) bool { return ap == server }
	var mu sync.Mutex
	var dials []string
	c.dialer.beforeDial = func(a string) { mu.Lock(); dials = append(dials, a); mu.Unlock() }
	base := fmt.Sprintf("http://images.test:%d", server.Port())
	if out := c.Fetch(context.Background(), base+"/img/png"); out.Status != "ok" {
		t.Fatalf("Fetch(permitted) = %s (%v), want ok", out.Status, out.Err)
	}
	for _, target := range []string{
		"http://intranet.test/admin",
		"http://169.254.169.254/latest/meta-data/",
		fmt.Sprintf("http://127.0.0.1:%d/img/png", server.Port()+1),
		"http://[::1]/",
	} {
		out := c.Fetch(context.Background(), base+"/redirect-to?u="+url.QueryEscape(target))
		if out.Status != StatusBlocked {
			t.Errorf("Fetch(redirect to %s) = %s (%v), want blocked_address", target, out.Status, out.Err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, d := range dials {
		if d != server.String() {
			t.Errorf("dialled %s, want only %s", d, server)
		}
	}
}

func TestBlocked(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"8.8.8.8", false}, {"1.1.1.1", false}, {"2606:4700:4700::1111", false}, {"93.184.216.34", false},
		{"127.0.0.1", true}, {"127.255.0.9", true}, {"10.0.0.1", true}, {"172.16.0.1", true},
		{"172.31.255.255", true}, {"172.32.0.1", false}, {"192.168.0.1", true}, {"169.254.169.254", true},
		{"100.64.0.1", true}, {"0.0.0.0", true}, {"224.0.0.1", true}, {"255.255.255.255", true},
		{"::", true}, {"::1", true}, {"fe80::1", true}, {"fc00::1", true}, {"ff02::1", true},
		{"::ffff:10.0.0.1", true}, {"::ffff:8.8.8.8", false}, {"64:ff9b::7f00:1", true},
		{"64:ff9b::808:808", false}, {"2002:c0a8:0101::1", true}, {"2002:0808:0808::1", false},
		{"fe80::1%eth0", true},
	}
	for _, tt := range tests {
		if got := Blocked(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("Blocked(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func TestRetryAfterParse(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"-5", 0}, {"12", 12 * time.Second}, {" 3 ", 3 * time.Second},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0}, {"soon", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.v, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestRunLimits runs jobs on two hosts and checks the global and per-host
// limits, and that every job gets exactly one outcome.
func TestRunLimits(t *testing.T) {
	var mu sync.Mutex
	inflight := map[string]int{}
	peak := map[string]int{}
	total, peakTotal := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, _, _ := strings.Cut(r.Host, ":")
		mu.Lock()
		inflight[h]++
		total++
		peak[h] = max(peak[h], inflight[h])
		peakTotal = max(peakTotal, total)
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		inflight[h]--
		total--
		mu.Unlock()
		w.Write(encode(t, "png"))
	}))
	defer srv.Close()
	port := netip.MustParseAddrPort(srv.Listener.Addr().String()).Port()
	opts := testOptions()
	opts.Concurrency, opts.PerHost = 5, 2
	opts.Resolver = mapResolver{"a.test": addrs("127.0.0.1"), "b.test": addrs("127.0.0.1"), "c.test": addrs("127.0.0.1")}
	c := New(opts)
	defer c.Close()
	jobs := make(chan Job)
	results := make(chan Outcome)
	var want []Job
	for i := range 30 {
		h := []string{"a", "a", "a", "a", "b", "c"}[i%6]
		want = append(want, Job{ID: int64(i), URL: fmt.Sprintf("http://%s.test:%d/%d.png", h, port, i)})
	}
	go func() {
		defer close(jobs)
		for _, j := range want {
			jobs <- j
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- c.Run(context.Background(), jobs, results) }()
	seen := map[int64]int{}
	for out := range results {
		seen[out.Job.ID]++
		if out.Status != "ok" || out.Job.URL != want[out.Job.ID].URL {
			t.Errorf("Run outcome for %s = %s (%v), want ok", out.Job.URL, out.Status, out.Err)
		}
	}
	if err := <-errc; err != nil {
		t.Errorf("Run() = %v, want nil", err)
	}
	if len(seen) != len(want) {
		t.Errorf("Run gave outcomes for %d jobs, want %d", len(seen), len(want))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("job %d got %d outcomes, want 1", id, n)
		}
	}
	for h, p := range peak {
		if p > 2 {
			t.Errorf("host %s peaked at %d requests in flight, want at most 2", h, p)
		}
	}
	if peakTotal > 5 {
		t.Errorf("peaked at %d requests in flight, want at most 5", peakTotal)
	}
	if peak["a.test"] != 2 || peakTotal < 4 {
		t.Errorf("peaks a.test=%d total=%d, want the limits reached (2, ≥4)", peak["a.test"], peakTotal)
	}
}

func TestRunCancel(t *testing.T) {
	f := newFaultServer(t)
	c := New(testOptions())
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	jobs := make(chan Job, 100)
	for i := range 100 {
		jobs <- Job{ID: int64(i), URL: fmt.Sprintf("%s/slow/%d", f.URL, i)}
	}
	close(jobs)
	results := make(chan Outcome)
	errc := make(chan error, 1)
	go func() { errc <- c.Run(ctx, jobs, results) }()
	n := 0
	for out := range results {
		if out.Status != "ok" {
			t.Errorf("Run outcome %s, want ok (cancelled fetches send none)", out.Status)
		}
		if n++; n == 10 {
			cancel()
		}
	}
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Run() after cancel = %v, want context.Canceled", err)
	}
	if n >= 100 {
		t.Errorf("Run sent %d outcomes after cancel, want fewer than 100", n)
	}
}

func TestUserAgent(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("User-Agent")
		w.Write(encode(t, "png"))
	}))
	defer srv.Close()
	c := New(testOptions())
	defer c.Close()
	if out := c.Fetch(context.Background(), srv.URL+"/a.png"); out.Status != "ok" {
		t.Fatalf("Fetch() = %s (%v)", out.Status, out.Err)
	}
	if !strings.HasPrefix(got, "Mozilla/5.0") || !strings.Contains(got, "motif") {
		t.Errorf("User-Agent = %q, want a browser-like string naming motif", got)
	}
}

// TestRunSlowHostDoesNotStallOthers queues a slow host's jobs ahead of a
// fast host's: with one slot per host, the fast host's jobs must all finish
// while the slow host is still working through its queue.
func TestRunSlowHostDoesNotStallOthers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Host, "slow.test") {
			time.Sleep(150 * time.Millisecond)
		}
		w.Write(encode(t, "png"))
	}))
	defer srv.Close()
	port := netip.MustParseAddrPort(srv.Listener.Addr().String()).Port()
	opts := testOptions()
	opts.Concurrency, opts.PerHost = 4, 1
	opts.Resolver = mapResolver{"slow.test": addrs("127.0.0.1"), "fast.test": addrs("127.0.0.1")}
	c := New(opts)
	defer c.Close()
	jobs := make(chan Job, 10)
	for i := range 5 {
		jobs <- Job{ID: int64(i), URL: fmt.Sprintf("http://slow.test:%d/%d.png", port, i)}
	}
	for i := 5; i < 10; i++ {
		jobs <- Job{ID: int64(i), URL: fmt.Sprintf("http://fast.test:%d/%d.png", port, i)}
	}
	close(jobs)
	results := make(chan Outcome)
	go c.Run(context.Background(), jobs, results)
	var order []int64
	for out := range results {
		if out.Status != "ok" {
			t.Errorf("Run outcome %s for %s, want ok", out.Status, out.Job.URL)
		}
		order = append(order, out.Job.ID)
	}
	if len(order) != 10 || order[9] >= 5 {
		t.Fatalf("Run finished jobs in order %v, want 10 with a slow one last", order)
	}
	fastDone, slowDone := 0, 0
	for _, id := range order {
		if id >= 5 {
			fastDone++
		} else if slowDone++; slowDone == 2 && fastDone < 5 {
			t.Errorf("Run finished jobs in order %v: the fast host waited behind the slow one", order)
			break
		}
	}
}
