// Package browser holds benchsite's real-browser tests: Debian's chromium,
// driven headless through the DevTools protocol (chromedp), against the real
// preview server.
//
// Environment:
//
//	BENCHSITE_NO_BROWSER=1    skip these tests (stated as the skip reason);
//	                          without it a missing Chromium is a failure that
//	                          says to run `apt-get install chromium`
//	BENCHSITE_SCREENSHOTS=dir keep the screenshots of the pages there
//	                          (default: a temporary directory, removed)
//	BENCHSITE_MEASURE=1       also run TestMeasureBrowserVsNative, which logs
//	                          the browser/native ratio of every browser benchmark
//
// With -short the tests are skipped (they start a browser and build the
// wasm module).
package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/browsertest"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// repoRoot is the module's root directory.
func repoRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test's source file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// chromiumPath finds the browser, or ends the test (package browsertest).
func chromiumPath(t testing.TB) string {
	t.Helper()
	return browsertest.Chromium(t)
}

// tab is one browser tab with everything it logged.
type tab struct {
	t   testing.TB
	ctx context.Context

	mu       sync.Mutex
	console  []string // errors and warnings from the console, exceptions
	failed   []string // failed requests and HTTP errors
	dialogs  []string
	requests int
}

// newBrowser starts a fresh headless Chromium (own profile directory) and
// returns its first tab. It is closed at the end of the test.
func newBrowser(t testing.TB) *tab {
	t.Helper()
	exe := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", exe, err)
	}
	tb := &tab{t: t, ctx: ctx}
	tb.listen()
	return tb
}

func (tb *tab) listen() {
	console := chromedp.Console(tb.ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" || m.Type == "assert" {
				tb.mu.Lock()
				tb.console = append(tb.console, fmt.Sprintf("%s %s:%d: %s", m.Type, m.URL, m.Line+1, m))
				tb.mu.Unlock()
			}
		}
	}()
	dialogs := chromedp.Events(tb.ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, string(ev.Type)+": "+ev.Message)
			tb.mu.Unlock()
			chromedp.Call(tb.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	if err := chromedp.Listen(tb.ctx, func(ev any) {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			tb.requests++
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				tb.failed = append(tb.failed, fmt.Sprintf("HTTP %d %s", ev.Response.Status, ev.Response.URL))
			}
		case *network.EventLoadingFailed:
			if !ev.Canceled {
				tb.failed = append(tb.failed, fmt.Sprintf("failed %s (%s)", ev.ErrorText, ev.RequestID))
			}
		}
	}); err != nil {
		tb.t.Fatal(err)
	}
}

// problems returns and clears what went wrong since the last call.
func (tb *tab) problems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	out = append(out, tb.console...)
	out = append(out, tb.failed...)
	for _, d := range tb.dialogs {
		out = append(out, "dialog "+d)
	}
	tb.console, tb.failed, tb.dialogs = nil, nil, nil
	return out
}

func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is true. Errors while the
// page navigates (a reload, a new page) are retried, not fatal.
func (tb *tab) waitFor(what, predicate string, timeout time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](predicate))
		cancel()
		if err == nil && ok {
			return
		}
		if err != nil {
			last = err
		}
		time.Sleep(50 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 2000)`))
	tb.t.Fatalf("waiting for %s: not true within %v: %s (last error: %v); console and network problems so far: %q; the page:\n%s", what, timeout, predicate, last, tb.problems(), text)
}

// screenshotDir is where screenshots go (package browsertest).
func screenshotDir(t testing.TB) string { return browsertest.ScreenshotDir(t) }

// screenshot saves the whole page as dir/name.png.
func (tb *tab) screenshot(dir, name string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, strings.TrimSuffix(name, ".png")+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
}
