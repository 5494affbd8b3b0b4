// Package server is benchsite's local preview server (`benchsite serve`),
// in the manner of `hugo server`.
//
// Contract:
//
//   - Serve listens on Options.Addr, builds the site once with Options.Build
//     into a fresh empty temporary directory, then serves that directory and
//     calls Options.Ready with the real URL (also printed to Options.Log).
//   - It watches Options.Watch (files and directories, recursively, including
//     directories created later, and paths that do not exist yet), ignores
//     editor temporary files (*.swp, *~, .#*, #*#, ...), debounces bursts of
//     changes (100 ms), and rebuilds into another fresh directory. A successful
//     build is swapped in atomically and the previous directory is removed once
//     no request uses it; a failed build is printed to Log, the last good site
//     stays served, and open pages show the error in an overlay until the next
//     good build. If even the first build fails, every page shows the error
//     until a change fixes it.
//   - Live reload: HTML responses (never the built files) get
//     <script src="/__benchsite/reload.js" data-build="ID"></script> inserted
//     before the last </body>; ID names the build the page came from. The
//     script listens to /__benchsite/events (server-sent events): "hello"
//     {"build": id, "error": text} on connect, "reload" {"build": id} after a
//     good build, "builderror" {"error": text} after a failed one. A page
//     whose hello names another build than its own (rebuilt or restarted
//     server) reloads. Once connected the script sets data-benchsite-build on
//     <html>, which browser tests can wait for. Paths under /__benchsite/ are
//     reserved.
//   - Every response carries Cross-Origin-Opener-Policy: same-origin,
//     Cross-Origin-Embedder-Policy: require-corp (so pages are
//     crossOriginIsolated and get fine timers), Cross-Origin-Resource-Policy:
//     same-origin, X-Content-Type-Options: nosniff and Cache-Control: no-cache.
//     Content types come from a fixed table (application/wasm for .wasm, so
//     WebAssembly.instantiateStreaming works), never from sniffing.
//   - Only requests whose Host header names the bound address are answered
//     (127.0.0.1, localhost or [::1] as the listener allows, with its port;
//     see hostAllowed); any other Host, the event stream's included, gets
//     421 Misdirected Request. This defeats DNS rebinding, where a page on
//     another site reads the preview through a name of its own.
//   - Only GET and HEAD. A directory serves its index.html (a path without the
//     trailing slash is redirected to it); there are no listings; a missing
//     file gets the site's /404.html with status 404 if it has one.
//   - Nothing outside the built site is ever served: paths with "." or ".."
//     segments (also when percent-encoded), backslashes or NUL are refused with
//     403, and files are opened through an os.Root, which refuses symlinks that
//     leave the site; only regular files are served.
//   - When ctx is cancelled Serve stops watching, cancels a running build,
//     ends live-reload streams, shuts the HTTP server down (5 s grace),
//     removes its temporary directories and returns nil.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
)

// Options configures Serve.
type Options struct {
	// Addr is the TCP address to listen on; default "127.0.0.1:8000".
	// A port of 0 picks a free port; Ready and Log get the real one.
	Addr string
	// Watch lists files and directories to watch (directories recursively).
	// Paths that do not exist yet are picked up when they appear.
	Watch []string
	// Build builds the whole site into outDir, a fresh empty directory made
	// by the server. It must return soon after ctx is cancelled.
	Build func(ctx context.Context, outDir string) error
	// Log receives progress and build errors; nil discards them.
	Log io.Writer
	// Ready, if set, is called once the server accepts requests, with its
	// URL, e.g. "http://127.0.0.1:8000/".
	Ready func(url string)
}

const (
	defaultAddr     = "127.0.0.1:8000"
	debounce        = 100 * time.Millisecond
	shutdownTimeout = 5 * time.Second
)

// Serve builds and serves the site until ctx is cancelled; see the package
// comment for the full contract. It returns nil after a clean shutdown, or
// an error if it cannot start (address in use, no temporary directory,
// watcher failure) or the HTTP server fails.
func Serve(ctx context.Context, opt Options) error {
	if opt.Build == nil {
		return errors.New("server: Options.Build is nil; pass the function that builds the site")
	}
	if opt.Addr == "" {
		opt.Addr = defaultAddr
	}
	logw := &syncWriter{w: opt.Log}
	if opt.Log == nil {
		logw.w = io.Discard
	}

	// Listen before building, so a busy port fails at once rather than after
	// a build; early connections wait in the backlog until serving starts.
	ln, err := net.Listen("tcp", opt.Addr)
	if err != nil {
		return fmt.Errorf("serve: cannot listen on %s: %w (choose another address with --addr)", opt.Addr, err)
	}
	defer ln.Close()
	url := siteURL(ln.Addr())

	tmp, err := os.MkdirTemp("", "benchsite-serve-")
	if err != nil {
		return fmt.Errorf("serve: cannot create a temporary directory for the built site: %w", err)
	}
	defer os.RemoveAll(tmp)

	s := &server{
		opt:     opt,
		log:     logw,
		tmp:     tmp,
		nonce:   newNonce(),
		subs:    make(map[chan struct{}]struct{}),
		closing: make(chan struct{}),
	}
	s.bound, _ = ln.Addr().(*net.TCPAddr)
	defer s.closeSite()

	// Watch before the first build so that edits made during it are not lost.
	w, err := newWatcher(opt.Watch, s.logf)
	if err != nil {
		return err
	}
	defer w.close()

	bctx, cancelBuilds := context.WithCancel(ctx)
	defer cancelBuilds()

	s.logf("building the site ...\n")
	s.build(bctx)
	if ctx.Err() != nil {
		return nil
	}

	var wg sync.WaitGroup
	trigger := make(chan struct{}, 1)
	wg.Go(func() { s.watchLoop(bctx, w, trigger) })
	wg.Go(func() {
		for {
			select {
			case <-bctx.Done():
				return
			case <-trigger:
				s.build(bctx)
			}
		}
	})

	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(logw, "serve: http: ", 0),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	s.logf("serving the site at %s (Ctrl-C to stop)\n", url)
	if ta, ok := ln.Addr().(*net.TCPAddr); ok && !ta.IP.IsLoopback() {
		s.logf("note: listening on %s, so other machines can reach this preview too\n", ln.Addr())
	}
	if opt.Ready != nil {
		opt.Ready(url)
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
		serveErr = fmt.Errorf("serve: HTTP server on %s stopped: %w", url, serveErr)
	}

	// Live-reload streams never go idle on their own; end them first so
	// that Shutdown can finish.
	close(s.closing)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.logf("serve: shutdown: %v; closing the remaining connections\n", err)
		srv.Close()
	}
	cancelBuilds()
	wg.Wait()
	return serveErr
}

// siteURL is the URL to open for a listener address; an unspecified host
// (":0", "0.0.0.0", "[::]") is shown as 127.0.0.1, which it includes.
func siteURL(a net.Addr) string {
	host, port := "127.0.0.1", "0"
	if ta, ok := a.(*net.TCPAddr); ok {
		port = strconv.Itoa(ta.Port)
		if !ta.IP.IsUnspecified() && ta.IP != nil {
			host = ta.IP.String()
		}
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

func newNonce() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// server holds the served site and the live-reload subscribers.
type server struct {
	opt     Options
	log     *syncWriter
	tmp     string       // parent of all build directories; removed by Serve
	nonce   string       // tells builds of one server process from another's
	bound   *net.TCPAddr // the listener's address, which Host headers must name
	closing chan struct{}

	mu       sync.Mutex
	cur      *site // last good build; nil until one succeeds
	gen      uint64
	buildErr string // error of the latest build, "" if it succeeded
	subs     map[chan struct{}]struct{}
}

// site is one built directory. It is removed when it has been replaced and
// the last request using it is done (refs counts those requests).
type site struct {
	dir     string
	root    *os.Root
	gen     uint64
	refs    int
	retired bool
}

func (st *site) destroy(logf func(string, ...any)) {
	st.root.Close()
	if err := os.RemoveAll(st.dir); err != nil {
		logf("serve: cannot remove old build %s: %v\n", st.dir, err)
	}
}

func (s *server) logf(format string, args ...any) {
	fmt.Fprintf(s.log, format, args...)
}

func (s *server) buildID(gen uint64) string {
	return s.nonce + "-" + strconv.FormatUint(gen, 10)
}

// acquire returns the current site (nil if none) with a reference that the
// caller must release, and the latest build error.
func (s *server) acquire() (*site, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil {
		s.cur.refs++
	}
	return s.cur, s.buildErr
}

func (s *server) release(st *site) {
	if st == nil {
		return
	}
	s.mu.Lock()
	st.refs--
	dead := st.retired && st.refs == 0
	s.mu.Unlock()
	if dead {
		st.destroy(s.logf)
	}
}

// state is what live-reload streams report: the current build generation
// and the latest build error.
func (s *server) state() (uint64, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen, s.buildErr
}

func (s *server) swap(st *site) {
	s.mu.Lock()
	old := s.cur
	s.gen++
	st.gen = s.gen
	s.cur = st
	s.buildErr = ""
	dead := false
	if old != nil {
		old.retired = true
		dead = old.refs == 0
	}
	s.notifyLocked()
	s.mu.Unlock()
	if dead {
		old.destroy(s.logf)
	}
}

func (s *server) fail(msg string) {
	s.mu.Lock()
	s.buildErr = msg
	s.notifyLocked()
	s.mu.Unlock()
}

// closeSite drops the current site at shutdown, after all handlers ended.
func (s *server) closeSite() {
	s.mu.Lock()
	st := s.cur
	s.cur = nil
	s.mu.Unlock()
	if st != nil {
		st.destroy(s.logf)
	}
}

// build runs Options.Build into a fresh directory and swaps it in on success.
func (s *server) build(ctx context.Context) {
	start := time.Now()
	dir, err := os.MkdirTemp(s.tmp, "site-")
	if err != nil {
		s.reportFailure(fmt.Sprintf("cannot create a build directory: %v", err), start)
		return
	}
	err = s.runBuild(ctx, dir)
	if ctx.Err() != nil {
		os.RemoveAll(dir)
		return
	}
	if err != nil {
		os.RemoveAll(dir)
		s.reportFailure(err.Error(), start)
		return
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		os.RemoveAll(dir)
		s.reportFailure(fmt.Sprintf("cannot open the built site: %v", err), start)
		return
	}
	s.swap(&site{dir: dir, root: root})
	s.logf("site built in %v\n", time.Since(start).Round(time.Millisecond))
}

// runBuild calls Options.Build, turning a panic into a build error: a bug in
// a template helper should show in the page, not kill the preview.
func (s *server) runBuild(ctx context.Context, dir string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("build panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return s.opt.Build(ctx, dir)
}

func (s *server) reportFailure(msg string, start time.Time) {
	s.mu.Lock()
	served := "the last good site is still served"
	if s.cur == nil {
		served = "pages show this error until a change fixes it"
	}
	s.mu.Unlock()
	s.logf("build failed after %v (%s):\n%s\n",
		time.Since(start).Round(time.Millisecond), served, msg)
	s.fail(msg)
}

// syncWriter serializes writes to the log from the builder, the watcher and
// the HTTP server.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
