package browser

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/cli"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/chromedp/chromedp"
)

// serveProject runs the real `benchsite serve` (the CLI, in-process) on a
// free loopback port in dir and returns the site's URL and a function that
// returns the server's log so far. It stops at the end of the test and must
// exit cleanly.
func serveProject(t *testing.T, dir string) (string, func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var mu sync.Mutex
	var log strings.Builder
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		re := regexp.MustCompile(`serving the site at (http://127\.0\.0\.1:\d+/)`)
		for sc.Scan() {
			mu.Lock()
			log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
	}()
	done := make(chan int, 1)
	var stdout strings.Builder
	go func() {
		done <- cli.MainContext(ctx, dir, []string{"serve", "--addr", "127.0.0.1:0"}, &stdout, pw)
		pw.Close()
	}()
	logText := func() string {
		mu.Lock()
		defer mu.Unlock()
		return log.String()
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("benchsite serve exited with %d after Ctrl-C; log:\n%s", code, logText())
			}
		case <-time.After(20 * time.Second):
			t.Errorf("benchsite serve did not stop within 20 s of cancellation; log:\n%s", logText())
		}
	})
	select {
	case u := <-urls:
		return u, logText
	case code := <-done:
		t.Fatalf("benchsite serve exited with %d; stdout %q; log:\n%s", code, stdout.String(), logText())
	case <-time.After(3 * time.Minute): // a cold wasm build on a busy machine
		t.Fatalf("benchsite serve printed no URL within 3 minutes; log:\n%s", logText())
	}
	return "", nil
}

// browserEntry is an element of the site's data/browser.json.
type browserEntry struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// visit opens url, waits for the page's scripts to settle and returns
// whatever went wrong on the way (console errors, failed requests, dialogs).
func (tb *tab) visit(url string) {
	tb.t.Helper()
	tb.do("open "+url, chromedp.Navigate(url))
	tb.waitFor("the page to load", `document.readyState === 'complete'`, 30*time.Second)
}

// chartsRendered waits until the page has at least one chart canvas of
// non-zero size and returns how many it has.
func (tb *tab) chartsRendered(what string) int {
	tb.t.Helper()
	tb.waitFor(what+": a chart canvas of non-zero size", `Array.from(document.querySelectorAll('canvas')).some(function (c) {
  var r = c.getBoundingClientRect(); return c.width > 0 && c.height > 0 && r.width > 0 && r.height > 0; })`, 30*time.Second)
	return eval[int](tb, `document.querySelectorAll('canvas').length`)
}

func (tb *tab) noProblems(what string) {
	tb.t.Helper()
	// Late console messages and failed loads arrive asynchronously.
	time.Sleep(300 * time.Millisecond)
	if p := tb.problems(); len(p) > 0 {
		tb.t.Errorf("%s: %d problems:\n  %s", what, len(p), strings.Join(p, "\n  "))
	}
}

// TestSite drives the real preview server in headless Chromium: pages and
// charts, a browser run with a responsive page, the run page, live reload on
// a content edit, and a hostile history.
func TestSite(t *testing.T) {
	tb := newBrowser(t)
	shots := screenshotDir(t)
	root := repoRoot(t)
	wasmDir := filepath.Join(root, "wasm")

	proj := t.TempDir()
	writeProject(t, proj, wasmDir, false)
	base, serverLog := serveProject(t, proj)

	var list []browserEntry
	getJSON(t, base+"data/browser.json", &list)
	pageOf := map[string]string{}
	for _, e := range list {
		pageOf[e.Name] = e.URL
	}
	forward := pageOf["BenchmarkForward/batch=32"]
	small := pageOf["BenchmarkGeneratePatients/n=10"]
	if forward == "" || small == "" {
		t.Fatalf("data/browser.json lacks the browser benchmarks: %+v", list)
	}

	t.Run("pages", func(t *testing.T) {
		tb.t = t
		for _, p := range []struct {
			name, path string
			charts     bool
		}{
			{"home", "", true},
			{"benchmark", forward, true},
			{"compare", "compare.html", true},
			{"docs", "guide.html", false},
		} {
			tb.visit(base + p.path)
			if p.charts {
				n := tb.chartsRendered(p.name)
				t.Logf("%s: %d chart canvases", p.name, n)
			}
			tb.screenshot(shots, "page-"+p.name)
			tb.noProblems(p.name + " (" + base + p.path + ")")
		}
	})

	t.Run("run in browser", func(t *testing.T) {
		tb.t = t
		tb.visit(base + small)
		tb.waitFor("the run button", `!!document.querySelector('[data-benchsite-run] .br-run-all') && document.querySelector('[data-benchsite-run]').getAttribute('data-state') === 'idle'`, 20*time.Second)
		// A timer on the page's own thread: its largest gap while the run
		// goes on shows whether the page kept answering.
		eval[chromedp.Void](tb, `window.__ticks = 0; window.__maxGap = 0; window.__last = performance.now();
window.__tick = setInterval(function () { var n = performance.now(); window.__maxGap = Math.max(window.__maxGap, n - window.__last); window.__last = n; window.__ticks++; }, 20)`)
		tb.do("click Run in your browser", chromedp.Click(chromedp.CSS("[data-benchsite-run] .br-run-all")))
		tb.waitFor("the run to start", `document.querySelector('[data-benchsite-run]').getAttribute('data-state') === 'running'`, 10*time.Second)
		tb.waitFor("the run to finish", `(function () { var r = document.querySelector('[data-benchsite-run] tbody tr');
  return r && (r.getAttribute('data-state') === 'done' || r.getAttribute('data-state') === 'error'); })()`, 2*time.Minute)
		rows := eval[[]panelRow](tb, readRows)
		ticks := eval[int](tb, `window.__ticks`)
		gap := eval[float64](tb, `window.__maxGap`)
		tb.screenshot(shots, "run-benchmark-page")
		if len(rows) != 1 || rows[0].State != "done" {
			t.Fatalf("panel rows %+v", rows)
		}
		r := rows[0]
		t.Logf("%s in the browser: median %s, published %s, ratio %.2f×; page timer ticked %d times, largest gap %.0f ms", r.Name, fmtSec(r.Median), fmtSec(r.Published), r.Ratio, ticks, gap)
		if !(r.Median > 0 && r.Median < 1) || !(r.Ratio > 0) || r.Published <= 0 {
			t.Errorf("median %v, ratio %v, published %v: want finite positive figures", r.Median, r.Ratio, r.Published)
		}
		if ticks < 20 || gap > 1000 {
			t.Errorf("the page's timer ticked %d times with a largest gap of %.0f ms during the run: the page did not keep answering", ticks, gap)
		}
		if !strings.Contains(r.Text, "×") {
			t.Errorf("row text %q shows no ratio", r.Text)
		}
		tb.noProblems("browser run")
	})

	t.Run("run page", func(t *testing.T) {
		tb.t = t
		tb.visit(base + "run.html")
		tb.waitFor("the panel", `document.querySelector('[data-benchsite-run][data-state="idle"]') !== null`, 20*time.Second)
		names := eval[[]string](tb, `Array.from(document.querySelectorAll('[data-benchsite-run] tbody tr')).map(function (r) { return r.getAttribute('data-name'); })`)
		if len(names) != len(list) {
			t.Errorf("run page lists %v, want the %d of data/browser.json", names, len(list))
		}
		timer := eval[string](tb, `document.querySelector('.br-timer').textContent`)
		if !strings.Contains(timer, "cross-origin isolated") {
			t.Errorf("timer note %q does not state the isolation", timer)
		}

		// Cancel stops a run-all at once and leaves the panel usable.
		tb.do("run all", chromedp.Click(chromedp.CSS("[data-benchsite-run] .br-run-all")))
		tb.waitFor("a run to start", `document.querySelector('[data-benchsite-run] tr[data-state="running"]') !== null`, 20*time.Second)
		tb.do("cancel", chromedp.Click(chromedp.CSS("[data-benchsite-run] .br-cancel")))
		states := eval[[]string](tb, `Array.from(document.querySelectorAll('[data-benchsite-run] tbody tr')).map(function (r) { return r.getAttribute('data-state') || ''; })`)
		panelState := eval[string](tb, `document.querySelector('[data-benchsite-run]').getAttribute('data-state')`)
		if panelState != "idle" || !slices.Contains(states, "cancelled") || slices.Contains(states, "running") || slices.Contains(states, "queued") {
			t.Errorf("after Cancel: panel %q, rows %v", panelState, states)
		}

		// One row runs on its own after that, and Download JSON saves it as
		// a pytest-benchmark file that says it comes from a browser.
		eval[chromedp.Void](tb, `window.__blobs = []; (function (orig) { URL.createObjectURL = function (b) { window.__blobs.push(b); return orig.call(URL, b); }; })(URL.createObjectURL)`)
		tb.do("run one", chromedp.Click(chromedp.CSS(`[data-benchsite-run] tr[data-name="BenchmarkSetDeterminism"] .br-run`)))
		tb.waitFor("the run to finish", `document.querySelector('[data-benchsite-run] tr[data-name="BenchmarkSetDeterminism"]').getAttribute('data-state') === 'done'`, time.Minute)
		tb.do("download", chromedp.Click(chromedp.CSS("[data-benchsite-run] .br-download")))
		tb.waitFor("the download", `window.__blobs.length > 0`, 20*time.Second)
		ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__blobs[0].text()`, chromedp.EvalAwaitPromise))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		f, err := result.Decode([]byte(text), "browser-run.json")
		if err != nil {
			t.Fatalf("the download is not a readable result file: %v\n%s", err, text)
		}
		rows := eval[[]panelRow](tb, readRows)
		var median float64
		for _, r := range rows {
			if r.Name == "BenchmarkSetDeterminism" {
				median = r.Median
			}
		}
		mi := f.MachineInfo
		if len(f.Benchmarks) != 1 || f.Benchmarks[0].Fullname != "tests/benchmarks::BenchmarkSetDeterminism" || f.Benchmarks[0].Stats.Median != median ||
			mi.String("goos") != "js" || mi.String("system") != "Browser" || !strings.Contains(mi.String("user_agent"), "Chrome") {
			t.Errorf("downloaded file: machine_info %v, benchmarks %+v (panel median %v)", mi, f.Benchmarks, median)
		}
		tb.screenshot(shots, "run-page")
		tb.noProblems("run page")
	})

	t.Run("GitHub Pages (not cross-origin isolated)", func(t *testing.T) {
		tb.t = t
		// The built site behind a plain static server, which sends no
		// COOP/COEP headers, as GitHub Pages does.
		out := filepath.Join(t.TempDir(), "public")
		var stdout, stderr strings.Builder
		if code := cli.MainContext(context.Background(), proj, []string{"build", "--out", out}, &stdout, &stderr); code != 0 {
			t.Fatalf("benchsite build: exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
		srv := httptest.NewServer(http.FileServer(http.Dir(out)))
		defer srv.Close()
		tb.visit(srv.URL + "/run.html")
		tb.waitFor("the panel", `document.querySelector('[data-benchsite-run][data-state="idle"]') !== null`, 20*time.Second)
		if eval[bool](tb, `window.crossOriginIsolated`) {
			t.Fatal("a page without COOP/COEP headers is crossOriginIsolated")
		}
		tb.do("run one", chromedp.Click(chromedp.CSS(`[data-benchsite-run] tr[data-name="BenchmarkSetDeterminism"] .br-run`)))
		tb.waitFor("the run to finish", `document.querySelector('[data-benchsite-run] tr[data-name="BenchmarkSetDeterminism"]').getAttribute('data-state') === 'done'`, time.Minute)
		timer := eval[string](tb, `document.querySelector('[data-benchsite-run] .br-timer').textContent`)
		res := eval[string](tb, `document.querySelector('[data-benchsite-run]').getAttribute('data-timer-resolution')`)
		rows := eval[[]panelRow](tb, readRows)
		t.Logf("timer note: %s", timer)
		for _, r := range rows {
			if r.Name == "BenchmarkSetDeterminism" {
				t.Logf("not isolated: median %s, ratio %.2f×, measured timer step %s s", fmtSec(r.Median), r.Ratio, res)
				if !(r.Median > 0) || !(r.Ratio > 0) {
					t.Errorf("row %+v", r)
				}
			}
		}
		for _, want := range []string{"not cross-origin isolated", "GitHub Pages", "coarsens"} {
			if !strings.Contains(timer, want) {
				t.Errorf("the timer note does not say %q: %s", want, timer)
			}
		}
		tb.screenshot(shots, "github-pages-run")
		tb.noProblems("GitHub Pages run")
	})

	t.Run("live reload", func(t *testing.T) {
		tb.t = t
		tb.visit(base + "guide.html")
		eval[chromedp.Void](tb, `window.__notReloaded = true`)
		marker := fmt.Sprintf("Edited by the browser test at %d.", time.Now().UnixNano())
		f, err := os.OpenFile(filepath.Join(proj, "content", "guide.md"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "\n%s\n", marker)
		f.Close()
		start := time.Now()
		tb.waitFor("the page to reload with the edit", fmt.Sprintf(`!window.__notReloaded && document.readyState === 'complete' && document.body.textContent.indexOf(%q) >= 0`, marker), 60*time.Second)
		t.Logf("the page reloaded with the edit %v after it; server log:\n%s", time.Since(start).Round(time.Millisecond), serverLog())
		tb.screenshot(shots, "live-reload")
		tb.noProblems("live reload")
	})
}

// TestHostileHistory serves a history whose names, params, groups, commit
// fields, machine_info, extra_info and site title carry script, attribute
// and URL injections, visits every page (hovering and focusing every
// element), runs the browser panel on the hostile name it lists, and checks
// that no dialog opened and no payload ran — after checking that the
// detectors do notice a payload that runs.
func TestHostileHistory(t *testing.T) {
	tb := newBrowser(t)
	shots := screenshotDir(t)
	proj := t.TempDir()
	writeProject(t, proj, filepath.Join(repoRoot(t), "wasm"), true)
	base, _ := serveProject(t, proj)

	// The detectors work: a payload that does run is seen.
	tb.visit(base + "machines.html")
	eval[chromedp.Void](tb, `setTimeout(function () { window.__pwned = 1; alert('probe'); }, 0)`)
	tb.waitFor("the probe to run", `window.__pwned === 1`, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	if p := tb.problems(); !slices.ContainsFunc(p, func(s string) bool { return strings.Contains(s, "dialog alert: probe") }) {
		t.Fatalf("the dialog listener missed an alert: %q", p)
	}

	tb.visit(base)
	if !eval[bool](tb, fmt.Sprintf(`document.body.textContent.indexOf(%q) >= 0`, pwnScript)) {
		t.Errorf("the hostile site title is not shown as text on the home page")
	}
	links := eval[[]string](tb, `Array.from(document.querySelectorAll('a[href]')).map(function (a) { return a.href; })`)
	pages := []string{base, base + "run.html"}
	for _, l := range links {
		l, _, _ = strings.Cut(l, "#")
		if strings.HasPrefix(l, base) && strings.HasSuffix(l, ".html") && !slices.Contains(pages, l) {
			pages = append(pages, l)
		}
	}
	slices.Sort(pages)
	var benchPages int
	for _, p := range pages {
		if strings.Contains(p, "/bench/") {
			benchPages++
		}
	}
	if want := len(projectBenchmarks(true)); benchPages != want {
		t.Errorf("the home page links %d benchmark pages, want %d: %v", benchPages, want, pages)
	}
	t.Logf("visiting %d pages (%d benchmark pages)", len(pages), benchPages)
	for _, p := range pages {
		start := time.Now()
		tb.visit(p)
		// Give injected handlers every chance: hover, focus and click all
		// elements but links.
		eval[chromedp.Void](tb, `Array.from(document.querySelectorAll('body *')).forEach(function (e) {
  ['mouseover', 'mouseenter', 'focus'].forEach(function (t) { try { e.dispatchEvent(new Event(t)); } catch (x) {} });
  if (e.tagName !== 'A' && e.tagName !== 'BUTTON') { try { e.click(); } catch (x) {} } })`)
		time.Sleep(150 * time.Millisecond)
		if eval[bool](tb, `window.__pwned === 1`) {
			t.Errorf("%s: an injected payload ran", p)
		}
		refs := eval[[]string](tb, `Array.from(document.querySelectorAll('[href],[src],[action],[formaction]')).map(function (a) {
  return a.getAttribute('href') || a.getAttribute('src') || a.getAttribute('action') || a.getAttribute('formaction'); })`)
		for _, l := range refs {
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(l)), "javascript:") {
				t.Errorf("%s: a link or source %q", p, l)
			}
		}
		for _, pr := range tb.problems() {
			if strings.HasPrefix(pr, "dialog") {
				t.Errorf("%s: %s", p, pr)
			}
		}
		if strings.Contains(p, "benchmarkevil") {
			tb.screenshot(shots, "hostile-benchmark")
		}
		t.Logf("%s: %v", strings.TrimPrefix(p, base), time.Since(start).Round(time.Millisecond))
	}

	// The panel lists the hostile browser benchmark by its literal name,
	// and a run of it fails with a message, as text.
	tb.visit(base + "run.html")
	tb.waitFor("the panel", `document.querySelector('[data-benchsite-run][data-state="idle"]') !== null`, 20*time.Second)
	names := eval[[]string](tb, `Array.from(document.querySelectorAll('[data-benchsite-run] tbody tr td.name')).map(function (td) { return td.textContent; })`)
	if !slices.Contains(names, hostileNames[0]) {
		t.Errorf("the run page's panel does not list %q as text: %q", hostileNames[0], names)
	}
	eval[chromedp.Void](tb, fmt.Sprintf(`Array.from(document.querySelectorAll('[data-benchsite-run] tbody tr')).filter(function (r) {
  return r.getAttribute('data-name') === %q; })[0].querySelector('.br-run').click()`, hostileNames[0]))
	tb.waitFor("the run to fail", `Array.from(document.querySelectorAll('[data-benchsite-run] tbody tr')).some(function (r) { return r.getAttribute('data-state') === 'error'; })`, time.Minute)
	errText := eval[string](tb, `document.querySelector('[data-benchsite-run] tr[data-state="error"] .br-state').textContent`)
	if !strings.Contains(errText, "no browser benchmark named") || eval[bool](tb, `window.__pwned === 1`) {
		t.Errorf("hostile run: %q, pwned %v", errText, eval[bool](tb, `window.__pwned === 1`))
	}
	tb.screenshot(shots, "hostile-run-page")
	for _, pr := range tb.problems() {
		if strings.HasPrefix(pr, "dialog") {
			t.Errorf("run page: %s", pr)
		}
	}
}
