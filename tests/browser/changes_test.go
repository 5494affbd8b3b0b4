package browser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/history/historytest"
	"github.com/benchsite/benchsite/internal/site"
	"github.com/chromedp/chromedp"
)

// TestChangePoints builds a site from a history with known steps and
// checks in headless Chromium what a reader sees of the change points: the
// mark line on the history chart (at the right run, with the commit's URL)
// and the step in that run's tooltip, the Changes page and its filter, and
// the SVG badges as the browser renders them. A hostile benchmark name
// must stay text everywhere.
func TestChangePoints(t *testing.T) {
	tb := newBrowser(t)
	shots := screenshotDir(t)
	spec := historytest.Spec{Machine: "m1", Runs: 40, Seed: 9, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkUp", Median: 1e-3, Steps: map[int]float64{31: 1.5}},
		{Name: "BenchmarkDown", Median: 4e-6, Steps: map[int]float64{33: 0.6}},
		{Name: "BenchmarkEvil/" + pwnSVG, Median: 2e-3, Steps: map[int]float64{21: 1.5}},
	}}
	url, out := historySite(t, spec, site.Options{RepoURL: "https://github.com/example/project"})
	slugOf := func(prefix string) string { return benchSlug(t, out, prefix) }

	// The history chart of BenchmarkUp.
	tb.visit(url + "/bench/" + slugOf("benchmarkup") + ".html")
	tb.chartsRendered("benchmark page")
	tb.waitFor("the history chart", `!!(window.echarts && echarts.getInstanceByDom(document.querySelector('[data-chart="history"]')))`, 30*time.Second)
	// The mark is at run 0031's x: on the time axis, the run's time (the x
	// its point has), with the commit's URL and the step as its label.
	marks := eval[string](tb, `(function () {
  var c = echarts.getInstanceByDom(document.querySelector('[data-chart="history"]'));
  var o = c.getOption();
  var row = o.dataset[0].source.filter(function (r) { return r.n === '0031'; })[0];
  var s = o.series.filter(function (x) { return x.id === 'median'; })[0];
  return JSON.stringify(((s.markLine && s.markLine.data) || []).filter(function (d) { return d.name === 'change'; })
    .map(function (d) { return [d.xAxis === row.t ? 'at 0031' : 'at ' + d.xAxis, d.url || '', d.label.formatter]; }));
})()`)
	wantURL := "https://github.com/example/project/commit/" + spec.CommitID(31)
	if !strings.HasPrefix(marks, `[["at 0031","`+wantURL+`","+`) || strings.Count(marks, "[") != 2 {
		t.Errorf("change marks on the chart: %s, want one at run 0031's time linking %s", marks, wantURL)
	}
	// The mark is drawn: ECharts placed a vertical line at the x of run
	// 0031's point (the pixel its median is drawn at), inside the grid.
	drawn := eval[string](tb, `(function () {
  var c = echarts.getInstanceByDom(document.querySelector('[data-chart="history"]'));
  var o = c.getOption();
  var si = o.series.map(function (x) { return x.id; }).indexOf('median');
  var row = o.dataset[0].source.filter(function (r) { return r.n === '0031'; })[0];
  var p = c.convertToPixel({seriesIndex: si}, [row.t, row.median]);
  if (!p || !isFinite(p[0])) return 'run 0031 has no pixel';
  if (p[0] < 0 || p[0] > c.getWidth()) return 'run 0031 is off the chart at x ' + p[0];
  var found = false;
  c.getZr().storage.getDisplayList().forEach(function (el) {
    if (el.type === 'ec-line' && el.shape && Math.abs(el.shape.x1 - p[0]) < 1.5 && Math.abs(el.shape.x2 - p[0]) < 1.5 && Math.abs(el.shape.y1 - el.shape.y2) > 20) found = true;
  });
  return found ? 'drawn' : 'no vertical line at x ' + p[0];
})()`)
	if drawn != "drawn" {
		t.Errorf("change mark of run 0031: %s", drawn)
	}
	// The newest baseline's line (run 0001, the only baseline; its colour,
	// so not an axis line) is drawn at that run's x on the same axis.
	base := eval[string](tb, `(function () {
  var c = echarts.getInstanceByDom(document.querySelector('[data-chart="history"]'));
  var o = c.getOption();
  var si = o.series.map(function (x) { return x.id; }).indexOf('median');
  var row = o.dataset[0].source.filter(function (r) { return r.n === '0001'; })[0];
  var p = c.convertToPixel({seriesIndex: si}, [row.t, row.median]);
  var found = false;
  c.getZr().storage.getDisplayList().forEach(function (el) {
    if (el.type === 'ec-line' && el.shape && el.style && String(el.style.stroke).toLowerCase() === '#d97706' && Math.abs(el.shape.x1 - p[0]) < 1.5 && Math.abs(el.shape.x2 - p[0]) < 1.5 && Math.abs(el.shape.y1 - el.shape.y2) > 20) found = true;
  });
  return found ? 'drawn' : 'no vertical line at x ' + p[0];
})()`)
	if base != "drawn" {
		t.Errorf("newest baseline line of run 0001: %s", base)
	}
	// The run's tooltip states the step.
	tb.do("show the tooltip of run 0031", chromedp.Evaluate[chromedp.Void](`(function () {
  var c = echarts.getInstanceByDom(document.querySelector('[data-chart="history"]'));
  var s = c.getOption().series.map(function (x) { return x.id; }).indexOf('median');
  c.dispatchAction({type: 'showTip', seriesIndex: s, dataIndex: 30});
})()`))
	tb.waitFor("the tooltip to show the change point", `document.querySelector('[data-chart="history"]').innerText.indexOf('change point: regression +') >= 0`, 10*time.Second)
	tb.screenshot(shots, "change-point-chart")
	if n := eval[int](tb, `document.querySelectorAll('[data-change-points] a[href^="../changes.html#change-"]').length`); n != 1 {
		t.Errorf("%d change-point links under the chart, want 1", n)
	}
	tb.noProblems("benchmark page")

	// The Changes page and its filter.
	tb.visit(url + "/changes.html")
	tb.waitFor("the filter's count", `document.getElementById('changes-count').textContent === '3 change points'`, 10*time.Second)
	tb.do("filter by name", chromedp.Evaluate[chromedp.Void](`(function () {
  var f = document.getElementById('changes-filter'); f.value = 'evil'; f.dispatchEvent(new Event('input'));
})()`))
	visible := eval[string](tb, `Array.from(document.querySelectorAll('table[data-changes] tbody tr')).filter(function (tr) { return !tr.hidden; })
  .map(function (tr) { return tr.querySelector('td.name').textContent; }).join('|')`)
	if visible != "BenchmarkEvil/"+pwnSVG {
		t.Errorf("rows shown for 'evil': %q", visible)
	}
	if !strings.Contains(eval[string](tb, `location.hash`), "q=evil") {
		t.Error("the filter is not kept in the URL")
	}
	tb.screenshot(shots, "changes-page")
	tb.noProblems("changes page")

	// The badges, as Chromium renders SVG documents.
	for _, b := range []string{"status", slugOf("benchmarkup"), slugOf("benchmarkevil")} {
		tb.visit(url + "/badges/" + b + ".svg")
		root := eval[string](tb, `document.documentElement.namespaceURI + ' ' + document.documentElement.localName`)
		if root != "http://www.w3.org/2000/svg svg" || eval[bool](tb, `!!document.querySelector('parsererror')`) {
			t.Errorf("badges/%s.svg: root %q or a parse error", b, root)
		}
		if w := eval[float64](tb, `document.documentElement.getBBox().width`); w < 60 {
			t.Errorf("badges/%s.svg renders %g px wide", b, w)
		}
		tb.screenshot(shots, "badge-"+b)
	}
	if label := eval[string](tb, `document.documentElement.getAttribute('aria-label')`); !strings.HasPrefix(label, "BenchmarkEvil/"+pwnSVG[:20]) {
		t.Errorf("hostile badge label %q", label)
	}
	if eval[bool](tb, `!!window.__pwned`) {
		t.Error("a payload ran")
	}
	// A bare SVG document cannot name an icon, so Chromium asks for
	// /favicon.ico, which a static site need not have; anything else is a
	// problem.
	time.Sleep(300 * time.Millisecond)
	for _, p := range tb.problems() {
		if !strings.Contains(p, "/favicon.ico") {
			t.Errorf("badges: %s", p)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "changes.xml")); err != nil {
		t.Error(err)
	}
}

// TestChangesLongName: a 900-character benchmark name wraps on the Changes
// page at 1400 px; every column of the table stays on screen. A step from a
// median of 0 s shows as +∞ in its run's tooltip.
func TestChangesLongName(t *testing.T) {
	tb := newBrowser(t)
	// No noise: exactly three steps (with noise, the series that starts at
	// 0 s could have a second, small change, and the count would vary).
	spec := historytest.Spec{Machine: "m1", Runs: 30, Seed: 9, RunNoise: -1, RoundNoise: -1, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkLong/" + strings.Repeat("x", 900), Median: 1e-3, Steps: map[int]float64{21: 1.5}},
		{Name: "BenchmarkShort", Median: 1e-3, Steps: map[int]float64{11: 0.6}},
		{Name: "BenchmarkZero", Median: 0, Levels: map[int]float64{16: 1e-9}},
	}}
	url, out := historySite(t, spec, site.Options{})
	tb.do("set the viewport", chromedp.EmulateViewport(1400, 900))
	tb.visit(url + "/changes.html")
	tb.waitFor("the filter's count", `document.getElementById('changes-count').textContent === '3 change points'`, 10*time.Second)
	off := eval[string](tb, `(function () {
  var w = document.documentElement.clientWidth, bad = [];
  document.querySelectorAll('table[data-changes] th, table[data-changes] td').forEach(function (c) {
    var r = c.getBoundingClientRect();
    if (r.right > w + 1) bad.push(c.textContent.slice(0, 30) + ' ends at ' + Math.round(r.right));
  });
  if (document.documentElement.scrollWidth > w + 1) bad.push('page scrolls sideways to ' + document.documentElement.scrollWidth);
  return bad.join('; ');
})()`)
	if off != "" {
		t.Errorf("off screen at 1400 px: %s", off)
	}
	tb.screenshot(screenshotDir(t), "changes-long-name")
	tb.noProblems("changes page")

	tb.visit(url + "/bench/" + benchSlug(t, out, "benchmarkzero") + ".html")
	tb.chartsRendered("benchmark page")
	// The chart may still be loading its data: ask for the tooltip until
	// it shows.
	tb.waitFor("the tooltip of run 0016 to show the step from 0", `(function () {
  var el = document.querySelector('[data-chart="history"]');
  var c = window.echarts && echarts.getInstanceByDom(el);
  if (!c) return false;
  var s = c.getOption().series.map(function (x) { return x.id; }).indexOf('median');
  if (s < 0) return false;
  c.dispatchAction({type: 'showTip', seriesIndex: s, dataIndex: 15});
  return el.innerText.indexOf('change point: regression +∞') >= 0;
})()`, 30*time.Second)
}

// TestChangePointEvidence: a change point's mark and its run's tooltip say
// what besides the medians bears on it: a slow drift (labelled "drift",
// the tooltip naming its last run) and a paired verdict that makes a step
// doubtful (labelled "(doubtful)", a dashed line, the tooltip naming the
// paired run).
func TestChangePointEvidence(t *testing.T) {
	tb := newBrowser(t)
	shots := screenshotDir(t)
	// 40 flat runs, then +0.3 % per run for 100 runs (+35 %): one drift.
	drift := map[int]float64{}
	for r := 41; r <= 140; r++ {
		drift[r] = 1.003
	}
	spec := historytest.Spec{Machine: "m1", Runs: 140, Seed: 9, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkDrift", Median: 1e-3, Steps: drift},
		// +50 % at run 31; run 32's paired run against run 1 found no
		// change, with an interval far from +50 %.
		{Name: "BenchmarkStep", Median: 1e-3, Steps: map[int]float64{31: 1.5},
			Paired: map[int]historytest.Paired{32: {Verdict: "same", Change: 0.5, CILow: -1, CIHigh: 2}}},
	}}
	url, out := historySite(t, spec, site.Options{})
	for _, c := range []struct {
		slug, label, style, tip string
	}{
		{"benchmarkdrift", "drift +", "solid", "drift to 0"},
		{"benchmarkstep", "(doubtful)", "dashed", "doubtful: paired same +0.5% [−1.0, +2.0] in 0032_comparison"},
	} {
		tb.visit(url + "/bench/" + benchSlug(t, out, c.slug) + ".html")
		tb.chartsRendered(c.slug)
		tb.waitFor("the history chart", `!!(window.echarts && echarts.getInstanceByDom(document.querySelector('[data-chart="history"]')))`, 30*time.Second)
		marks := eval[string](tb, `(function () {
  var c = echarts.getInstanceByDom(document.querySelector('[data-chart="history"]'));
  var s = c.getOption().series.filter(function (x) { return x.id === 'median'; })[0];
  return JSON.stringify(((s.markLine && s.markLine.data) || []).filter(function (d) { return d.name === 'change'; })
    .map(function (d) { return [d.run, d.label.formatter, d.lineStyle.type]; }));
})()`)
		if strings.Count(marks, "[") != 2 || !strings.Contains(marks, c.label) || !strings.Contains(marks, `"`+c.style+`"`) {
			t.Errorf("%s: change marks %s; want one labelled %q, %s", c.slug, marks, c.label, c.style)
			continue
		}
		// The tooltip of the mark's run.
		tb.do("show the tooltip of the change's run", chromedp.Evaluate[chromedp.Void](`(function () {
  var c = echarts.getInstanceByDom(document.querySelector('[data-chart="history"]'));
  var o = c.getOption();
  var s = o.series.map(function (x) { return x.id; }).indexOf('median');
  var run = o.series[s].markLine.data.filter(function (d) { return d.name === 'change'; })[0].run;
  var i = o.dataset[0].source.map(function (r) { return r.n; }).indexOf(run);
  c.dispatchAction({type: 'showTip', seriesIndex: s, dataIndex: i});
})()`))
		tb.waitFor("the tooltip to show the evidence", `document.querySelector('[data-chart="history"]').innerText.indexOf(`+jsString(c.tip)+`) >= 0`, 10*time.Second)
		tb.screenshot(shots, "evidence-"+c.slug)
		tb.noProblems(c.slug)
	}
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
