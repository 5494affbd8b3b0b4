package server

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/browsertest"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserLiveReload drives the injected reload.js in headless Chromium:
// the page is crossOriginIsolated, loads the script under a strict CSP, reloads
// on an edit, shows a build error (as text, never as markup) over the last
// good page, clears it on the fix, and reloads after a server restart.
// Chromium is found as package browsertest says; the screenshot of the
// error overlay goes to browsertest.ScreenshotDir.
func TestBrowserLiveReload(t *testing.T) {
	exe := browsertest.Chromium(t)

	src := t.TempDir()
	csp := `<meta http-equiv="Content-Security-Policy" content="default-src 'self'">`
	edit := func(body string) {
		writeFile(t, filepath.Join(src, "index.html"),
			"<!doctype html><html><head>"+csp+"<title>t</title></head><body><p id=v>"+body+"</p></body></html>\n")
	}
	edit("version one")
	// The browser asks for it; without one the console logs a 404.
	writeFile(t, filepath.Join(src, "favicon.ico"), "\x00\x00\x01\x00")
	h := startServer(t, []string{src}, copyBuild(src))

	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox)...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	var (
		mu       sync.Mutex
		messages []string
		dialogs  []string
	)
	console := chromedp.Console(ctx)
	if err := chromedp.Listen(ctx, func(ev any) {
		if r, ok := ev.(*network.EventResponseReceived); ok {
			t.Logf("response %d %s", r.Response.Status, r.Response.URL) // shown on failure
		}
		if d, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs = append(dialogs, d.Message)
			mu.Unlock()
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
		}
	}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == "error" || m.Type == "warning" || m.IsException() {
				mu.Lock()
				messages = append(messages, m.String()+" "+m.URL)
				mu.Unlock()
			}
		}
	}()
	checkClean := func(when string) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if len(messages) > 0 || len(dialogs) > 0 {
			t.Errorf("%s: console %q, dialogs %q", when, messages, dialogs)
		}
		messages = nil
	}

	eval := func(expr string) (string, error) {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return chromedp.Run(c, chromedp.Evaluate[string](expr))
	}
	// waitEval polls expr until it returns want; the page may be reloading
	// in between, which makes single evaluations fail.
	waitEval := func(expr, want string) {
		t.Helper()
		deadline := time.Now().Add(waitTimeout)
		var got string
		var err error
		for time.Now().Before(deadline) {
			if got, err = eval(expr); err == nil && got == want {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		html, _ := eval(`location.href + "\n" + document.documentElement.outerHTML`)
		t.Fatalf("%s = %q (err %v), want %q; page:\n%s\nserver log:\n%s", expr, got, err, want, html, h.log)
	}
	const (
		text    = `document.getElementById("v") ? document.getElementById("v").textContent : ""`
		build   = `document.documentElement.dataset.benchsiteBuild || ""`
		overlay = `(document.getElementById("benchsite-build-error") || {}).textContent || ""`
	)

	if err := chromedp.Do(ctx, chromedp.Navigate(h.url)); err != nil {
		t.Fatal(err)
	}
	waitEval(text, "version one")
	deadline := time.Now().Add(waitTimeout)
	first := ""
	for first == "" && time.Now().Before(deadline) {
		first, _ = eval(build)
		time.Sleep(20 * time.Millisecond)
	}
	if first == "" {
		t.Fatal("reload.js never connected (no data-benchsite-build)")
	}
	waitEval(`String(self.crossOriginIsolated)`, "true")
	checkClean("first load")

	edit("version two")
	waitEval(text, "version two")

	edit(`BROKEN <img src=x onerror=alert(1)>`)
	waitEval(`String((`+overlay+`).includes("template error: ") && (`+overlay+`).includes("BROKEN <img src=x onerror=alert(1)>"))`, "true")
	waitEval(text, "version two") // the last good page is still underneath
	if dir := browsertest.ScreenshotDir(t); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "server-build-error-overlay.png"), png, 0o644)
		}
		if err != nil {
			t.Errorf("screenshot: %v", err)
		}
	}

	edit("version three")
	waitEval(text, "version three")
	waitEval(overlay, "")
	checkClean("edits and build error")

	// Restart the server on the same address with other content: the page
	// reconnects, sees a new build id and reloads.
	h.stop()
	edit("after restart")
	h2 := startServerAt(t, h.addr, []string{src}, copyBuild(src))
	if h2.url != h.url {
		t.Fatalf("restarted at %s, want %s", h2.url, h.url)
	}
	h = h2
	waitEval(text, "after restart")
	mu.Lock()
	for _, m := range messages {
		// While the server was down the browser logs failed requests
		// (refused, or cut off by the shutdown); anything else is an error.
		if !strings.Contains(m, "__benchsite/events") && !strings.Contains(m, "net::ERR_") {
			t.Errorf("console after restart: %s", m)
		}
	}
	mu.Unlock()
	if err := chromedp.Cancel(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Logf("closing the browser: %v", err)
	}
}
