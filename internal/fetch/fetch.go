// Package fetch downloads images over HTTP politely and defensively: bounded
// concurrency overall and per host, retries with exponential backoff and
// jitter for transient failures, Retry-After honoured, strict timeouts, a
// body size limit enforced while streaming, at most a few redirects, and a
// guard that refuses to connect to loopback, private, link-local and other
// non-public addresses, checked on the resolved address at dial time.
//
// Every fetch ends in exactly one Outcome whose Status names what happened
// (ok, http_404, timeout, too_large, blocked_address, ...). Fetch never
// decodes images: a caller-supplied Validate hook classifies the bytes.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultUserAgent is sent when Options.UserAgent is empty: a browser-like
// string, since some image hosts refuse unknown clients, that names motif.
const DefaultUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) " +
	"Chrome/126.0 Safari/537.36 motif/1 (image research tool)"

// Options configure a Client. The zero value means the defaults.
type Options struct {
	// Concurrency is the most downloads in flight at once; default 16.
	Concurrency int
	// PerHost is the most downloads in flight to one host; default 4.
	PerHost int
	// Retries is how many times a transient failure (timeout, connection
	// reset or refused, truncated body, HTTP 408, 429, 5xx) is retried;
	// default 3. Negative means no retries.
	Retries int
	// BackoffBase is the wait before the first retry, doubled before each
	// further one, with jitter (a uniformly random 50–100 % of it);
	// default 1 s.
	BackoffBase time.Duration
	// BackoffMax caps the wait between retries; default 30 s.
	BackoffMax time.Duration
	// MaxRetryAfter is the longest Retry-After (on 429 or 503) waited for;
	// a server asking for more ends the fetch with a retryable outcome.
	// Default 60 s.
	MaxRetryAfter time.Duration
	// ConnectTimeout bounds DNS lookup, TCP connect and TLS handshake;
	// default 10 s.
	ConnectTimeout time.Duration
	// HeaderTimeout bounds the wait for response headers once the request
	// is sent; default 20 s.
	HeaderTimeout time.Duration
	// Timeout bounds one whole attempt, redirects and body included;
	// default 60 s.
	Timeout time.Duration
	// MaxRedirects is the most redirects followed; default 5. A redirect to
	// a URL already visited is reported as redirect_loop.
	MaxRedirects int
	// MaxBytes is the largest body accepted, in bytes; default 50 MiB. A
	// larger Content-Length is refused unread, and a body is never read
	// past MaxBytes+1 bytes.
	MaxBytes int64
	// UserAgent is sent with every request; default DefaultUserAgent.
	UserAgent string
	// AllowPrivate permits connections to loopback, private, link-local and
	// other non-public addresses (for local testing); default false.
	AllowPrivate bool
	// Resolver resolves host names; default net.DefaultResolver.
	Resolver Resolver
	// Validate, if set, classifies a complete 200 response body. A non-nil
	// error makes the outcome fail with the status given by the error's
	// Status() string method if it has one, else "invalid_content".
	Validate func(body []byte) error
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.PerHost <= 0 {
		o.PerHost = 4
	}
	if o.Retries == 0 {
		o.Retries = 3
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	def(&o.BackoffBase, time.Second)
	def(&o.BackoffMax, 30*time.Second)
	def(&o.MaxRetryAfter, 60*time.Second)
	def(&o.ConnectTimeout, 10*time.Second)
	def(&o.HeaderTimeout, 20*time.Second)
	def(&o.Timeout, 60*time.Second)
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 5
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 50 << 20
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	return o
}

// Outcome statuses other than http_NNN and those a Validate hook returns.
const (
	StatusOK               = "ok"
	StatusInvalidURL       = "invalid_url"
	StatusTimeout          = "timeout"
	StatusTooLarge         = "too_large"
	StatusBlocked          = "blocked_address"
	StatusTooManyRedirects = "too_many_redirects"
	StatusRedirectLoop     = "redirect_loop"
	StatusBadRedirect      = "bad_redirect"
	StatusDNS              = "dns_error"
	StatusRefused          = "connection_refused"
	StatusReset            = "connection_reset"
	StatusTruncated        = "truncated"
	StatusTLS              = "tls_error"
	StatusConnection       = "connection_error"
	StatusInvalidContent   = "invalid_content"
	StatusCanceled         = "canceled"
)

// Outcome is the result of fetching one URL.
type Outcome struct {
	Job         Job
	Status      string        // StatusOK, "http_404", StatusTimeout, ...
	HTTPStatus  int           // status code of the last response, 0 if none
	ContentType string        // as the server claimed it (never trusted)
	FinalURL    string        // the URL after redirects
	Bytes       int64         // body bytes read in the last attempt
	Duration    time.Duration // from the first attempt to the end, waits included
	Attempts    int           // requests made, counting retries
	Retryable   bool          // whether a later try might succeed
	Err         error         // what went wrong, nil when Status is ok
	Body        []byte        // the body when Status is ok, else nil
}

// Job is one URL to fetch; ID is the caller's, carried to its Outcome.
type Job struct {
	ID  int64
	URL string
}

// Client fetches URLs. It is safe for concurrent use.
type Client struct {
	opts   Options
	http   *http.Client
	dialer *dialer

	mu    sync.Mutex
	hosts map[string]*host
}

type queued struct {
	job Job
	u   *url.URL
}

type host struct {
	slots      chan struct{}
	pauseUntil time.Time // guarded by Client.mu
	waiting    []queued  // guarded by Client.mu; jobs Run deferred for a free slot
}

var (
	errTooManyRedirects = errors.New("too many redirects")
	errRedirectLoop     = errors.New("redirect loop")
	errBadRedirect      = errors.New("redirect to a non-http(s) URL")
	errTooLarge         = errors.New("body exceeds the size limit")
)

// New returns a Client with the given options.
func New(opts Options) *Client {
	opts = opts.withDefaults()
	d := &dialer{resolver: opts.Resolver, allowPrivate: opts.AllowPrivate}
	d.net = net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second, Control: d.control}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would connect on our behalf, past the guard
		DialContext:            d.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    opts.ConnectTimeout,
		ResponseHeaderTimeout:  opts.HeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           2 * opts.Concurrency,
		MaxIdleConnsPerHost:    opts.PerHost,
		MaxResponseHeaderBytes: 1 << 20,
		IdleConnTimeout:        90 * time.Second,
	}
	c := &Client{opts: opts, dialer: d, hosts: map[string]*host{}}
	c.http = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c
}

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return errBadRedirect
	}
	u := req.URL.String()
	for _, v := range via {
		if v.URL.String() == u {
			return errRedirectLoop
		}
	}
	if len(via) > c.opts.MaxRedirects {
		return errTooManyRedirects
	}
	return nil
}

func (c *Client) host(key string) *host {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.hosts[key]
	if h == nil {
		h = &host{slots: make(chan struct{}, c.opts.PerHost)}
		c.hosts[key] = h
	}
	return h
}

// Fetch downloads one URL, retrying transient failures, and waits for a
// free slot of its host first. It returns the outcome; a cancelled ctx ends
// it with StatusCanceled.
func (c *Client) Fetch(ctx context.Context, rawURL string) Outcome {
	return c.fetchJob(ctx, Job{URL: rawURL})
}

func (c *Client) fetchJob(ctx context.Context, job Job) Outcome {
	u, err := parseURL(job.URL)
	if err != nil {
		return Outcome{Job: job, Status: StatusInvalidURL, Err: err, Attempts: 0}
	}
	h := c.host(u.Host)
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return Outcome{Job: job, Status: StatusCanceled, Retryable: true, Err: ctx.Err()}
	}
	defer func() { <-h.slots }()
	return c.do(ctx, job, u, h)
}

// parseURL accepts absolute http and https URLs with a host.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("no host")
	}
	return u, nil
}

// do runs the attempts of one job while its host slot is held.
func (c *Client) do(ctx context.Context, job Job, u *url.URL, h *host) Outcome {
	start := time.Now()
	var out Outcome
	for attempt := 0; ; attempt++ {
		if err := c.waitHost(ctx, h); err != nil {
			out = Outcome{Status: StatusCanceled, Retryable: true, Err: err}
			break
		}
		var retryAfter time.Duration
		out, retryAfter = c.attempt(ctx, u)
		out.Attempts = attempt + 1
		if !out.Retryable || out.Status == StatusCanceled || attempt >= c.opts.Retries {
			break
		}
		wait := c.backoff(attempt)
		if retryAfter > 0 {
			if retryAfter > c.opts.MaxRetryAfter {
				c.pauseHost(h, c.opts.MaxRetryAfter)
				break
			}
			c.pauseHost(h, retryAfter)
			wait = retryAfter
		}
		if err := sleep(ctx, wait); err != nil {
			out = Outcome{Status: StatusCanceled, Retryable: true, Err: err, Attempts: out.Attempts}
			break
		}
	}
	out.Job = job
	out.Duration = time.Since(start)
	return out
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.opts.BackoffBase << min(attempt, 30)
	if d <= 0 || d > c.opts.BackoffMax {
		d = c.opts.BackoffMax
	}
	return d/2 + rand.N(d/2+1)
}

func (c *Client) pauseHost(h *host, d time.Duration) {
	c.mu.Lock()
	if until := time.Now().Add(d); until.After(h.pauseUntil) {
		h.pauseUntil = until
	}
	c.mu.Unlock()
}

func (c *Client) waitHost(ctx context.Context, h *host) error {
	c.mu.Lock()
	d := time.Until(h.pauseUntil)
	c.mu.Unlock()
	if d > 0 {
		return sleep(ctx, d)
	}
	return ctx.Err()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// attempt makes one request (following redirects) and reads the body. It
// also returns the Retry-After delay of a 429 or 503 response.
func (c *Client) attempt(parent context.Context, u *url.URL) (Outcome, time.Duration) {
	ctx, cancel := context.WithTimeout(parent, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Outcome{Status: StatusInvalidURL, Err: err}, 0
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", "image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8,*/*;q=0.5")
	resp, err := c.http.Do(req)
	if err != nil {
		return classify(parent, err), 0
	}
	defer resp.Body.Close()
	out := Outcome{HTTPStatus: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		FinalURL: resp.Request.URL.String()}
	if resp.StatusCode != http.StatusOK {
		out.Status = "http_" + strconv.Itoa(resp.StatusCode)
		out.Err = fmt.Errorf("server answered %s", resp.Status)
		switch code := resp.StatusCode; {
		case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
			out.Retryable = true
			return out, retryAfter(resp.Header.Get("Retry-After"), time.Now())
		case code == http.StatusRequestTimeout || code >= 500:
			out.Retryable = true
		}
		return out, 0
	}
	if resp.ContentLength > c.opts.MaxBytes {
		out.Status, out.Err = StatusTooLarge, fmt.Errorf("content length %d: %w", resp.ContentLength, errTooLarge)
		return out, 0
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, c.opts.MaxBytes+1))
	out.Bytes = n
	if n > c.opts.MaxBytes {
		out.Status, out.Err = StatusTooLarge, fmt.Errorf("more than %d bytes: %w", c.opts.MaxBytes, errTooLarge)
		return out, 0
	}
	if err != nil {
		o := classify(parent, err)
		out.Status, out.Err, out.Retryable = o.Status, o.Err, o.Retryable
		return out, 0
	}
	if c.opts.Validate != nil {
		if err := c.opts.Validate(buf.Bytes()); err != nil {
			out.Status, out.Err = StatusInvalidContent, err
			var s interface{ Status() string }
			if errors.As(err, &s) {
				out.Status = s.Status()
			}
			return out, 0
		}
	}
	out.Status, out.Body = StatusOK, buf.Bytes()
	return out, 0
}

// classify names a transport or body-read error.
func classify(parent context.Context, err error) Outcome {
	out := Outcome{Err: err}
	var (
		blocked *BlockedError
		dnsErr  *net.DNSError
		netErr  net.Error
	)
	switch {
	case parent.Err() != nil:
		out.Status, out.Retryable = StatusCanceled, true
	case errors.As(err, &blocked):
		out.Status = StatusBlocked
	case errors.Is(err, errTooManyRedirects):
		out.Status = StatusTooManyRedirects
	case errors.Is(err, errRedirectLoop):
		out.Status = StatusRedirectLoop
	case errors.Is(err, errBadRedirect):
		out.Status = StatusBadRedirect
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		out.Status, out.Retryable = StatusTimeout, true
	case errors.As(err, &dnsErr):
		out.Status, out.Retryable = StatusDNS, !dnsErr.IsNotFound
	case errors.Is(err, syscall.ECONNREFUSED):
		out.Status, out.Retryable = StatusRefused, true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF):
		// io.EOF: the server closed the connection without answering.
		out.Status, out.Retryable = StatusReset, true
	case errors.Is(err, io.ErrUnexpectedEOF):
		out.Status, out.Retryable = StatusTruncated, true
	case isTLS(err):
		out.Status = StatusTLS
	default:
		out.Status, out.Retryable = StatusConnection, true
	}
	return out
}

func isTLS(err error) bool {
	return strings.Contains(err.Error(), "tls: ") || strings.Contains(err.Error(), "x509: ")
}

// retryAfter parses a Retry-After header (seconds or an HTTP date); 0 if
// absent or unparsable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(min(s, 1<<30)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// Run fetches every job received from jobs, at most Concurrency at once and
// PerHost per host, and sends one outcome per job to results; it closes
// results when it returns. Jobs whose host is saturated wait in a per-host
// queue while other hosts proceed, so one slow host does not stall the rest.
// If ctx is cancelled, Run stops taking jobs, sends no outcome for unfinished
// ones, and returns ctx.Err() once the fetches in flight have ended. The
// receiver must drain results until it is closed.
func (c *Client) Run(ctx context.Context, jobs <-chan Job, results chan<- Outcome) error {
	defer close(results)
	var wg sync.WaitGroup
	for range c.opts.Concurrency {
		wg.Go(func() {
			for {
				var job Job
				var ok bool
				select {
				case job, ok = <-jobs:
				case <-ctx.Done():
				}
				if !ok || ctx.Err() != nil {
					return
				}
				c.runJob(ctx, job, results)
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// runJob fetches job if its host has a free slot, then keeps that slot to
// work through the host's queue; otherwise it queues job for whoever holds
// a slot of that host.
func (c *Client) runJob(ctx context.Context, job Job, results chan<- Outcome) {
	u, err := parseURL(job.URL)
	if err != nil {
		results <- Outcome{Job: job, Status: StatusInvalidURL, Err: err}
		return
	}
	h := c.host(u.Host)
	c.mu.Lock()
	select {
	case h.slots <- struct{}{}:
	default:
		h.waiting = append(h.waiting, queued{job, u})
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	for {
		if out := c.do(ctx, job, u, h); out.Status != StatusCanceled || ctx.Err() == nil {
			results <- out
		}
		c.mu.Lock()
		if len(h.waiting) == 0 || ctx.Err() != nil {
			<-h.slots
			c.mu.Unlock()
			return
		}
		job, u = h.waiting[0].job, h.waiting[0].u
		h.waiting = h.waiting[1:]
		c.mu.Unlock()
	}
}
