package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitTimeout bounds every wait for something asynchronous (a rebuild, an
// event); a healthy run takes a few hundred milliseconds.
const waitTimeout = 10 * time.Second

// lockedBuffer is the server's Log in tests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// harness runs Serve on 127.0.0.1:0 with its temporary directories under a
// test directory (TMPDIR), so tests can check where the site lives and that
// everything is removed at shutdown.
type harness struct {
	t      testing.TB
	url    string
	addr   string
	tmp    string
	log    *lockedBuffer
	cancel context.CancelFunc
	done   chan error

	mu      sync.Mutex
	outDirs []string
}

func startServer(t testing.TB, watch []string, build func(ctx context.Context, out string) error) *harness {
	t.Helper()
	return startServerAt(t, "127.0.0.1:0", watch, build)
}

func startServerAt(t testing.TB, addr string, watch []string, build func(ctx context.Context, out string) error) *harness {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	h := &harness{t: t, tmp: tmp, log: &lockedBuffer{}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	ready := make(chan string, 1)
	opt := Options{
		Addr:  addr,
		Watch: watch,
		Log:   h.log,
		Build: func(ctx context.Context, out string) error {
			h.mu.Lock()
			h.outDirs = append(h.outDirs, out)
			h.mu.Unlock()
			return build(ctx, out)
		},
		Ready: func(u string) { ready <- u },
	}
	go func() { h.done <- Serve(ctx, opt) }()
	select {
	case h.url = <-ready:
	case err := <-h.done:
		t.Fatalf("Serve returned before Ready: %v\nlog:\n%s", err, h.log)
	case <-time.After(waitTimeout):
		t.Fatalf("Ready not called within %v\nlog:\n%s", waitTimeout, h.log)
	}
	u, err := url.Parse(h.url)
	if err != nil {
		t.Fatal(err)
	}
	h.addr = u.Host
	t.Cleanup(h.stop)
	return h
}

// stop cancels Serve, waits for it and checks that its temporary
// directories are gone.
func (h *harness) stop() {
	h.t.Helper()
	h.cancel()
	select {
	case err, ok := <-h.done:
		if ok && err != nil {
			h.t.Errorf("Serve: %v", err)
		}
		if ok {
			close(h.done)
		}
	case <-time.After(waitTimeout):
		h.t.Fatalf("Serve did not return within %v of cancel", waitTimeout)
	}
	left, _ := os.ReadDir(h.tmp)
	for _, e := range left {
		if strings.HasPrefix(e.Name(), "benchsite-serve-") {
			h.t.Errorf("temporary directory %s left behind after shutdown", e.Name())
		}
	}
}

func (h *harness) builds() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.outDirs...)
}

func (h *harness) get(path string) (*http.Response, string) {
	h.t.Helper()
	return h.do(http.MethodGet, path, nil)
}

func (h *harness) do(method, path string, hdr http.Header) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, strings.TrimSuffix(h.url, "/")+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	// Redirects are part of what is tested; do not follow them.
	c := &http.Client{Timeout: waitTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := c.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp, string(b)
}

// raw sends a hand-written request line, so the target reaches the server
// exactly as written (net/http clients clean paths).
func (h *harness) raw(target string) (int, http.Header, string) {
	h.t.Helper()
	conn, err := net.DialTimeout("tcp", h.addr, waitTimeout)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(waitTimeout))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, h.addr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		h.t.Fatalf("GET %q: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

type event struct{ name, data string }

func (e event) field(k string) string {
	var m map[string]string
	if err := json.Unmarshal([]byte(e.data), &m); err != nil {
		return "<bad json: " + e.data + ">"
	}
	return m[k]
}

// stream is an open connection to the live-reload endpoint.
type stream struct {
	t      testing.TB
	resp   *http.Response
	events chan event
	cancel context.CancelFunc
}

func (h *harness) subscribe() *stream {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.url+"__benchsite/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		h.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		h.t.Fatalf("events Content-Type = %q", ct)
	}
	s := &stream{t: h.t, resp: resp, events: make(chan event, 64), cancel: cancel}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var ev event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					s.events <- ev
				}
				ev = event{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	h.t.Cleanup(s.close)
	return s
}

func (s *stream) close() {
	s.cancel()
	s.resp.Body.Close()
}

// next returns the next event, failing the test after waitTimeout.
func (s *stream) next() event {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			s.t.Fatal("event stream ended")
		}
		return ev
	case <-time.After(waitTimeout):
		s.t.Fatalf("no event within %v", waitTimeout)
	}
	return event{}
}

// expect returns the next event and fails unless it is named name.
func (s *stream) expect(name string) event {
	s.t.Helper()
	ev := s.next()
	if ev.name != name {
		s.t.Fatalf("got event %q %s, want %q", ev.name, ev.data, name)
	}
	return ev
}

// quiet fails if an event arrives within d.
func (s *stream) quiet(d time.Duration) {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if ok {
			s.t.Fatalf("unexpected event %q %s", ev.name, ev.data)
		}
	case <-time.After(d):
	}
}

// settle drains events until none has come for 5 debounce periods, so
// that no build is pending or running.
func (s *stream) settle() {
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-time.After(5 * debounce):
			return
		}
	}
}

// copyBuild returns a Build that copies the tree src into the output and
// fails, like a real template error would, when a file contains "BROKEN";
// the error quotes the file's first line.
func copyBuild(src string) func(ctx context.Context, out string) error {
	return func(ctx context.Context, out string) error {
		return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(out, rel), 0o755)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte("BROKEN")) {
				first, _, _ := strings.Cut(string(b), "\n")
				return errors.New(rel + ": template error: " + first)
			}
			return os.WriteFile(filepath.Join(out, rel), b, 0o644)
		})
	}
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func page(body string) string {
	return "<!doctype html><html><head><title>t</title></head><body>" + body + "</body></html>\n"
}
