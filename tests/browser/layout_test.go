package browser

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/benchsite/benchsite/internal/cli"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
	"github.com/benchsite/benchsite/internal/storage"
)

// viewport is a screen the layout test reads the site on.
type viewport struct {
	name          string
	width, height int64
	mobile, dark  bool
}

var viewports = []viewport{
	{name: "phone", width: 390, height: 844, mobile: true},
	{name: "phone-dark", width: 390, height: 844, mobile: true, dark: true},
	{name: "desktop", width: 1400, height: 900},
}

// layoutReport is what the page says about its own layout.
type layoutReport struct {
	// PageWidth and ViewWidth: the page scrolls sideways when PageWidth >
	// ViewWidth.
	PageWidth, ViewWidth float64
	// Scrollers are table wrappers whose content is wider than they are.
	Scrollers []string
	// Rows counts the rows of benchmark tables; Hidden lists every name,
	// figure or verdict cell that is not wholly on the screen.
	Rows   int
	Hidden []string
	// Clipped lists cells of the runs table whose text is cut.
	Clipped []string
	// Wide names elements reaching past the right edge when the page
	// scrolls sideways.
	Wide []string
}

// layoutJS measures the layout: it is the test's definition of "every
// table shows the name, the figure and the verdict of each row at once".
const layoutJS = `(function () {
  var vw = document.documentElement.clientWidth;
  var out = { PageWidth: document.documentElement.scrollWidth, ViewWidth: vw, Scrollers: [], Rows: 0, Hidden: [], Clipped: [], Wide: [] };
  if (out.PageWidth > vw) document.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.right > vw + 0.5 && out.Wide.length < 5) out.Wide.push(e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(r.left) + '–' + Math.round(r.right) + ' px');
  });
  document.querySelectorAll('.table-wrap').forEach(function (w, i) {
    if (w.scrollWidth > w.clientWidth + 1) out.Scrollers.push('table ' + i + ': ' + w.scrollWidth + ' px in ' + w.clientWidth + ' px');
  });
  document.querySelectorAll('.doc table').forEach(function (w, i) {
    if (w.scrollWidth > w.clientWidth + 1) out.Scrollers.push('doc table ' + i + ': ' + w.scrollWidth + ' px in ' + w.clientWidth + ' px');
  });
  document.querySelectorAll('table.grid tbody tr').forEach(function (tr) {
    if (tr.hidden || tr.getClientRects().length === 0) return; // not shown
    out.Rows++;
    var cells = tr.querySelectorAll('td.name, td.key');
    if (cells.length < 2) out.Hidden.push('row "' + tr.textContent.trim().slice(0, 40) + '" marks ' + cells.length + ' key cells');
    cells.forEach(function (td) {
      if (td.childNodes.length === 0) return; // nothing to show yet (a browser run's figures before it ran)
      var r = td.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0 && r.left >= -0.5 && r.right <= vw + 0.5)) {
        out.Hidden.push((td.getAttribute('data-label') || 'name') + ' "' + td.textContent.trim().slice(0, 30) + '" at ' + Math.round(r.left) + '–' + Math.round(r.right) + ' px');
      }
    });
  });
  document.querySelectorAll('table.runs td, table.runs th').forEach(function (c) {
    if (getComputedStyle(c).display === 'none') return;
    var r = c.getBoundingClientRect();
    if (c.scrollWidth > c.clientWidth + 1 || r.right > vw + 0.5) out.Clipped.push('"' + c.textContent.trim().slice(0, 20) + '"');
  });
  return out;
})()`

// addAutosavedRun saves a copy of the newest run under a long automatic
// name (as --autosave names runs), a day later, with a six-figure B/op and
// one benchmark's rounds spread widely: the widest cells the tables get.
func addAutosavedRun(t *testing.T, root string) {
	t.Helper()
	store := storage.Store{Root: root}
	ms, err := store.Machines()
	if err != nil || len(ms) != 1 {
		t.Fatalf("machines %v: %v", ms, err)
	}
	e, ok, err := store.Newest(ms[0])
	if err != nil || !ok {
		t.Fatalf("newest run: %v", err)
	}
	f, err := result.ReadFile(e.Path)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := f.Time()
	if err != nil {
		t.Fatal(err)
	}
	f.Datetime = tm.Add(24 * time.Hour).Format(time.RFC3339)
	for i := range f.Benchmarks {
		b := &f.Benchmarks[i]
		b.ExtraInfo = map[string]any{result.KeyBytesPerOp: 888399.0 + float64(i), result.KeyAllocsPerOp: 12.0}
		if i == 0 {
			m := b.Stats.Median
			b.Stats = stats.Compute([]float64{m, 1.1 * m, 30 * m, m, 0.9 * m, 12 * m, m, 1.05 * m, 25 * m, m}, b.Stats.Iterations)
		}
	}
	// Measured in pairs against the newest baseline's revision, with an
	// interval for BenchmarkForward/batch=32.
	be, ok, err := store.NewestBaseline(ms[0])
	if err != nil || !ok {
		t.Fatalf("newest baseline: %v", err)
	}
	bf, err := result.ReadFile(be.Path)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := 1.5, 6.5
	f.Paired = &result.Paired{Baseline: bf.CommitInfo, Label: "baseline", Method: "test", Confidence: 0.95, Check: "mean:10%",
		Benchmarks: map[string]result.PairedBenchmark{}}
	for _, b := range f.Benchmarks {
		if b.Name == "BenchmarkForward/batch=32" {
			f.Paired.Benchmarks[b.Fullname] = result.PairedBenchmark{Name: b.Name, Field: "mean", Verdict: "same", Pairs: 12,
				ChangePercent: 4, CILowPercent: &lo, CIHighPercent: &hi, ThresholdPercent: 10, Base: b.Stats.Mean / 1.04, Cur: b.Stats.Mean}
		}
	}
	// A long name with no / or = to break at.
	long := f.Benchmarks[len(f.Benchmarks)-1]
	long.Name = "BenchmarkJoinAVeryLongBenchmarkNameThatKeepsGoingOnAndOnWithoutSlashes"
	long.Fullname = "example/" + long.Name
	f.Benchmarks = append(f.Benchmarks, long)
	if _, err := store.Save(ms[0], "069aa496e47d_20261125_212343_uncommitted-changes", f); err != nil {
		t.Fatal(err)
	}
}

// TestLayout reads the built site on a 390 px phone (light and dark) and a
// 1,400 px desktop in headless Chromium: no page scrolls sideways, every
// row of a benchmark table shows its name, figure and verdict on the
// screen at once, the runs table fits, and the history charts are on a
// time axis. Screenshots of every page and size go to the screenshot
// directory.
func TestLayout(t *testing.T) {
	tb := newBrowser(t)
	shots := screenshotDir(t)
	proj := t.TempDir()
	writeProject(t, proj, filepath.Join(repoRoot(t), "wasm"), false)
	addAutosavedRun(t, filepath.Join(proj, ".benchmarks"))
	// The project's real Benchmark guide: its tables hold long commands.
	guide, err := os.ReadFile(filepath.Join(repoRoot(t), "content", "benchmarks.md"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(proj, "content", "benchmarks.md"), string(guide))
	out := filepath.Join(t.TempDir(), "public")
	var stdout, stderr strings.Builder
	if code := cli.MainContext(context.Background(), proj, []string{"build", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("benchsite build: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()
	base := srv.URL + "/"

	var list []browserEntry
	getJSON(t, base+"data/browser.json", &list)
	var forward string
	for _, e := range list {
		if e.Name == "BenchmarkForward/batch=32" {
			forward = e.URL
		}
	}
	if forward == "" {
		t.Fatalf("data/browser.json lacks BenchmarkForward/batch=32: %+v", list)
	}

	pages := []struct {
		name, path string
		rows       bool // has a benchmark table
	}{
		{"home", "index.html", true},
		{"benchmark", forward, false},
		{"compare", "compare.html", true},
		{"targets", "targets.html", true},
		{"changes", "changes.html", false},
		{"run", "run.html", false},
		{"machines", "machines.html", false},
		{"guide", "guide.html", false},
		{"benchmark guide", "benchmarks.html", false},
	}
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			tb.t = t
			scheme := "light"
			if vp.dark {
				scheme = "dark"
			}
			tb.do("set the viewport",
				chromedp.EmulateViewport(vp.width, vp.height, func(p *emulation.SetDeviceMetricsOverrideParams, q *emulation.SetTouchEmulationEnabledParams) {
					p.Mobile, q.Enabled = vp.mobile, vp.mobile
				}),
			)
			if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
				t.Fatal(err)
			}
			for _, p := range pages {
				tb.visit(base + p.path)
				if p.name == "benchmark" {
					tb.chartsRendered(p.name)
					// Every chart drawn (history, distribution, memory).
					tb.waitFor("three charts", `document.querySelectorAll('[data-chart] canvas').length >= 3`, 20*time.Second)
					axis := eval[string](tb, `echarts.getInstanceByDom(document.querySelector('[data-chart="history"]')).getOption().xAxis[0].type`)
					if axis != "time" {
						t.Errorf("the history chart's x axis is %q, want a time axis", axis)
					}
					// The tooltip of a run names its date and commit.
					tip := eval[string](tb, `(function () { var el = document.querySelector('[data-chart="history"]');
  var c = echarts.getInstanceByDom(el); c.dispatchAction({ type: 'showTip', seriesIndex: 4, dataIndex: 1 });
  var t = el.querySelector('div[style*="position: absolute"]:not(:empty)'); var text = t ? t.textContent : '';
  c.dispatchAction({ type: 'hideTip' }); return text; })()`)
					if !strings.Contains(tip, "0002_run") || !strings.Contains(tip, "2026-11-02 13:00") || !strings.Contains(tip, "commit ") {
						t.Errorf("history tooltip of the second run: %q", tip)
					}
					// The newest run's rounds are drawn over its baseline's, on
					// more than the 6 bins a fixed rule gave these 10 rounds.
					dist := eval[[]int](tb, `(function () { var o = echarts.getInstanceByDom(document.querySelector('[data-chart="distribution"]')).getOption();
  return [o.series.length, o.xAxis[0].data.length, o.series.filter(function (s) { return /^baseline \(?0001_baseline\)?$/.test(s.name); }).length]; })()`)
					if dist[0] != 2 || dist[1] <= 6 || dist[2] != 1 {
						t.Errorf("distribution chart: %d series (want the run and its baseline 0001_baseline: %d), %d bins (want more than 6)", dist[0], dist[2], dist[1])
					}
					title := eval[string](tb, `(function () { var t = echarts.getInstanceByDom(document.querySelector('[data-chart="distribution"]')).getOption().title;
  return t && t.length ? String(t[0].text) : ''; })()`)
					want := "median (paired) change +4.0%, interval +1.5% to +6.5% (12 pairs)"
					if vp.mobile {
						want = "median (paired) +4.0% [+1.5%, +6.5%], 12 pairs"
					}
					if title != want {
						t.Errorf("distribution of the paired run: title %q, want the paired change and its interval", title)
					}
					memMin := eval[[]float64](tb, `(function () { var c = echarts.getInstanceByDom(document.querySelector('[data-chart="memory"]'));
  return [0, 1].map(function (i) { return c.getModel().getComponent('yAxis', i).axis.scale.getExtent()[0]; }); })()`)
					for i, m := range memMin {
						if m != 0 {
							t.Errorf("memory chart: y axis %d starts at %v, want 0", i, m)
						}
					}
				}
				if p.name == "home" || p.name == "compare" {
					tb.chartsRendered(p.name)
				}
				if p.name == "run" {
					tb.waitFor("the panel", `document.querySelector('[data-benchsite-run][data-state="idle"]') !== null`, 20*time.Second)
					if vp.mobile && !vp.dark {
						// A finished run's figures must show on a phone too.
						tb.do("run one", chromedp.Click(chromedp.CSS(`[data-benchsite-run] tr[data-name="BenchmarkSetDeterminism"] .br-run`)))
						tb.waitFor("the run to finish", `document.querySelector('[data-benchsite-run] tr[data-name="BenchmarkSetDeterminism"]').getAttribute('data-state') === 'done'`, time.Minute)
					}
				}
				time.Sleep(400 * time.Millisecond) // chart animations
				r := eval[layoutReport](tb, layoutJS)
				tb.screenshot(shots, fmt.Sprintf("layout-%s-%s", vp.name, p.name))
				where := fmt.Sprintf("%s at %d px", p.name, vp.width)
				if r.PageWidth > r.ViewWidth {
					t.Errorf("%s: the page scrolls sideways (%v px of content in %v px): %s", where, r.PageWidth, r.ViewWidth, strings.Join(r.Wide, "; "))
				}
				if len(r.Scrollers) > 0 {
					t.Errorf("%s: tables scroll sideways: %s", where, strings.Join(r.Scrollers, "; "))
				}
				if p.rows && r.Rows == 0 {
					t.Errorf("%s: no benchmark rows found", where)
				}
				if len(r.Hidden) > 0 {
					t.Errorf("%s: %d key cells not on the screen: %s", where, len(r.Hidden), strings.Join(r.Hidden, "; "))
				}
				if len(r.Clipped) > 0 {
					t.Errorf("%s: runs table cells cut: %s", where, strings.Join(r.Clipped, ", "))
				}
				tb.noProblems(where)
			}
		})
	}
}
