// Package server is motif's explorer: a JSON API over a project's catalog
// and run artifacts, the project's images and thumbnails, and the embedded
// web UI that draws the map.
//
// The server only reads what the pipeline wrote; the one thing it changes is
// the names and notes of clusters. It never runs a pipeline stage.
package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"motif/internal/pipeline"
)

// Options configure the explorer. The zero value serves the newest results
// to a browser on the same machine.
type Options struct {
	// Set is the embedding set shown when a request names none; default:
	// the newest set.
	Set string
	// Run is the map or cluster run shown when a request names none;
	// default: the newest cluster run of the set and its layout, else the
	// newest 2-D map run (pipeline.FindResults).
	Run int64
	// Hosts are host names accepted in the Host header besides "localhost"
	// and IP addresses; default: none. Any other name is refused, which
	// keeps pages on other sites from reaching the server through DNS
	// rebinding.
	Hosts []string
	// Neighbours is how many nearest neighbours in embedding space an item
	// lists; default 12.
	Neighbours int
	// SearchLimit caps the rows a search returns; default 100,000.
	SearchLimit int
	// Log receives errors that a request could not be answered for
	// (status 500); default: discarded.
	Log *slog.Logger
}

// Server serves one project. It is an http.Handler.
type Server struct {
	p     *pipeline.Project
	opts  Options
	log   *slog.Logger
	token string // CSRF token, random per server
	mux   *http.ServeMux
	hosts map[string]bool

	// setsMu guards sets (and their lower-cased columns) and serialises
	// their loading; viewsMu does the same for views. Two locks, so that
	// the map's points need not wait for the embeddings to load.
	setsMu  sync.Mutex
	sets    map[int64]*setData
	viewsMu sync.Mutex
	views   map[viewKey]*view
}

// Cookie and header that carry the CSRF token. The UI reads the cookie and
// echoes it in the header of every POST; a page of another origin can do
// neither.
const (
	CSRFCookie = "motif_csrf"
	CSRFHeader = "X-Motif-CSRF"
)

// ContentSecurityPolicy is sent with every response. Scripts come only from
// the server's own files, never inline; 'unsafe-eval' is there because the
// WebGL library (regl) compiles its draw calls with the Function
// constructor. regl-scatterplot's spatial index comes from the server
// (/api/points/index), or else is built on the page's main thread, so no
// blob: worker is needed.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"frame-ancestors 'none'; form-action 'self'"

// New returns the explorer of project p.
func New(p *pipeline.Project, opts Options) *Server {
	if opts.Neighbours <= 0 {
		opts.Neighbours = 12
	}
	if opts.SearchLimit <= 0 {
		opts.SearchLimit = 100_000
	}
	lg := opts.Log
	if lg == nil {
		lg = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	s := &Server{
		p: p, opts: opts, log: lg, token: hex.EncodeToString(b[:]),
		hosts: map[string]bool{"localhost": true},
		sets:  map[int64]*setData{}, views: map[viewKey]*view{},
	}
	for _, h := range opts.Hosts {
		s.hosts[strings.ToLower(h)] = true
	}
	s.mux = http.NewServeMux()
	s.routes()
	return s
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /api/sets", s.handleSets)
	m.HandleFunc("GET /api/runs", s.handleRuns)
	m.HandleFunc("GET /api/view", s.handleView)
	m.HandleFunc("GET /api/points", s.handlePoints)
	m.HandleFunc("GET /api/points/index", s.handlePointsIndex)
	m.HandleFunc("GET /api/labels", s.handleLabels)
	m.HandleFunc("GET /api/clusters", s.handleClusters)
	m.HandleFunc("POST /api/clusters/{run}/{label}", s.handleNameCluster)
	m.HandleFunc("GET /api/item/{row}", s.handleItem)
	m.HandleFunc("GET /api/search", s.handleSearch)
	m.HandleFunc("GET /api/sweep", s.handleSweep)
	m.HandleFunc("GET /api/sweep/chart", s.handleSweepChart)
	m.HandleFunc("GET /api/rows", s.handleRows)
	m.HandleFunc("GET /api/column", s.handleColumn)
	m.HandleFunc("POST /api/export", s.handleExport)
	m.HandleFunc("GET /thumbs/{file}", s.handleThumb)
	m.HandleFunc("GET /images/{key}", s.handleImage)
	m.HandleFunc("GET /api/clusters/{run}/{label}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "rename a cluster with POST")
	})
	m.HandleFunc("GET /api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API route: %s", r.URL.Path)
	})
	m.Handle("GET /", s.uiHandler())
}

// ServeHTTP applies the security headers and checks to every request, then
// routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !s.hostAllowed(r.Host) {
		writeError(w, http.StatusMisdirectedRequest, "host %q is not served; open the explorer at 127.0.0.1 or localhost, or allow the name with --host", r.Host)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if err := s.checkCSRF(r); err != nil {
			writeError(w, http.StatusForbidden, "%v", err)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// hostAllowed accepts IP addresses, localhost and the configured names.
func (s *Server) hostAllowed(host string) bool {
	if host == "" {
		return false
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	if net.ParseIP(name) != nil {
		return true
	}
	return s.hosts[strings.ToLower(name)]
}

// checkCSRF refuses a state-changing request unless it comes from the
// explorer's own pages: same origin by the browser's word (Sec-Fetch-Site,
// Origin) and carrying the server's token in both cookie and header.
func (s *Server) checkCSRF(r *http.Request) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return fmt.Errorf("cross-site request refused (Sec-Fetch-Site: %s)", site)
	}
	if o := r.Header.Get("Origin"); o != "" {
		if o != "http://"+r.Host && o != "https://"+r.Host {
			return fmt.Errorf("request from origin %q refused", o)
		}
	}
	c, err := r.Cookie(CSRFCookie)
	if err != nil {
		return errors.New("missing CSRF cookie; reload the page")
	}
	hv := r.Header.Get(CSRFHeader)
	if subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.token)) != 1 ||
		subtle.ConstantTimeCompare([]byte(hv), []byte(s.token)) != 1 {
		return errors.New("bad or missing CSRF token; reload the page")
	}
	return nil
}

// setTokenCookie gives the page the CSRF token.
func (s *Server) setTokenCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: CSRFCookie, Value: s.token, Path: "/", SameSite: http.SameSiteStrictMode,
	})
}

// ListenAndServe serves project p on addr (host:port; port 0 picks a free
// one) until ctx is cancelled, then shuts down gracefully, giving requests
// in flight up to 5 seconds. ready, if not nil, is called with the URL to
// open once the server listens.
func ListenAndServe(ctx context.Context, p *pipeline.Project, addr string, opts Options, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve on %s: %w", addr, err)
	}
	h := New(p, opts)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(orDiscard(opts.Log).Handler(), slog.LevelWarn),
	}
	// Load what the first page asks for while the analyst opens it.
	preloaded := make(chan struct{})
	go func() {
		defer close(preloaded)
		h.preload(ctx)
	}()
	defer func() { <-preloaded }()
	if ready != nil {
		ready(URL(ln.Addr()))
	}
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-done
}

// preload loads the map shown by default (its points, their payloads and
// spatial index) and its embedding set, as the first page load would.
// Errors are left for that page's requests to report.
func (s *Server) preload(ctx context.Context) {
	res, err := pipeline.FindResults(ctx, s.p, s.opts.Set, s.opts.Run)
	if err != nil || res.Layout == nil {
		return
	}
	v, err := s.view(ctx, res)
	if err != nil {
		return
	}
	v.payloadOnce.Do(func() { v.payload = pointsPayload(v) })
	v.labelsOnce.Do(func() { v.labelsPayload = labelsPayload(v) })
	v.indexOnce.Do(func() { v.index = kdIndex(mapCoords(v.x, v.y)) })
	if ctx.Err() == nil {
		s.setData(ctx, res.Set)
	}
}

// URL is the address a browser opens for a listener: an unspecified address
// (0.0.0.0, ::) becomes 127.0.0.1.
func URL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return l
}
