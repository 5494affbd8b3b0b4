package browser

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"

	"github.com/benchsite/benchsite/internal/history/historytest"
	"github.com/benchsite/benchsite/internal/site"
	"github.com/chromedp/chromedp"
)

// TestLongHistory checks in headless Chromium how a benchmark page with a
// long history loads: the history chart first draws the downsampled series
// of the data file and fetches no period file; zooming into an old range
// fetches that range's period file and draws every run of it; picking a run
// whose samples the data file lacks draws its distribution from its result
// file.
func TestLongHistory(t *testing.T) {
	tb := newBrowser(t)
	shots := screenshotDir(t)
	const runs = 1300
	spec := historytest.Spec{Machine: "m1", Runs: runs, Seed: 4, BaselineEvery: 100, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkLong", Median: 1e-3, Steps: map[int]float64{700: 1.3}},
	}}
	url, out := historySite(t, spec, site.Options{})
	slug := benchSlug(t, out, "benchmarklong")

	tb.visit(url + "/bench/" + slug + ".html")
	tb.chartsRendered("benchmark page")
	tb.waitFor("the history chart", `!!(window.echarts && echarts.getInstanceByDom(document.querySelector('[data-chart="history"]')))`, 30*time.Second)
	rows := `echarts.getInstanceByDom(document.querySelector('[data-chart="history"]')).getOption().dataset[0].source.length`
	periods := `performance.getEntriesByType('resource').filter(function (e) { return e.name.indexOf('/data/` + slug + `/m1/') >= 0; }).map(function (e) { return e.name.replace(/^.*\/data\//, ''); }).join(' ')`
	first := eval[int](tb, rows)
	if first >= runs || first < 100 {
		t.Errorf("the history chart first draws %d rows, want a downsampled series of fewer than %d and at least the newest 100", first, runs)
	}
	if got := eval[string](tb, periods); got != "" {
		t.Errorf("period files fetched before any zoom: %s", got)
	}

	// Zoom into runs ~520–580 (the second period, 500–999).
	tb.do("zoom into an old range", chromedp.Evaluate[chromedp.Void](`(function () {
  var c = echarts.getInstanceByDom(document.querySelector('[data-chart="history"]'));
  c.dispatchAction({type: 'dataZoom', start: 40, end: 44.5});
})()`))
	tb.waitFor("every run of the zoomed period to be drawn", `echarts.getInstanceByDom(document.querySelector('[data-chart="history"]')).getOption().dataset[0].source
  .filter(function (r) { return r.i >= 500 && r.i < 1000; }).length === 500`, 20*time.Second)
	if n := eval[int](tb, rows); n >= runs {
		t.Errorf("after the zoom the chart draws %d rows, want only the zoomed period's in full", n)
	}
	if got := eval[string](tb, periods); got != slug+"/m1/0001.json" {
		t.Errorf("period files fetched for the zoom: %q, want only %s/m1/0001.json", got, slug)
	}
	tb.screenshot(shots, "long-history-zoomed")

	// Pick run 1250: its row has no samples; they come from its file.
	tb.do("pick run 1250", chromedp.Evaluate[chromedp.Void](`(function () {
  var s = document.querySelector('select[data-run-select]'); s.value = '1249'; s.dispatchEvent(new Event('change'));
})()`))
	tb.waitFor("the distribution of run 1250", `(function () {
  var c = echarts.getInstanceByDom(document.querySelector('[data-chart="distribution"]'));
  if (!c) return false;
  var s = c.getOption().series;
  return s.some(function (x) { return /1250_comparison/.test(x.name) && x.data.length > 0; }) &&
    s.some(function (x) { return /1201_baseline/.test(x.name) && x.data.length > 0; });
})()`, 20*time.Second)
	if !eval[bool](tb, `performance.getEntriesByType('resource').some(function (e) { return /\/results\/m1\/1250_comparison\.json$/.test(e.name); })`) {
		t.Error("run 1250's samples were not read from its result file")
	}
	tb.noProblems("long history page")

	// On a 390 px phone: the benchmark page's runs table is the newest
	// page (runs 1201–1300); its "older runs" link, a plain link, leads to
	// runs 1101–1200, newest first, and on to the oldest page and back.
	// Each page fits the screen as the layout test requires.
	tb.do("set a phone's viewport", chromedp.EmulateViewport(390, 844, func(p *emulation.SetDeviceMetricsOverrideParams, q *emulation.SetTouchEmulationEnabledParams) {
		p.Mobile, q.Enabled = true, true
	}))
	layout := func(where string) {
		time.Sleep(300 * time.Millisecond)
		r := eval[layoutReport](tb, layoutJS)
		if r.PageWidth > r.ViewWidth {
			t.Errorf("%s: the page scrolls sideways (%v px of content in %v px): %s", where, r.PageWidth, r.ViewWidth, strings.Join(r.Wide, "; "))
		}
		if len(r.Scrollers) > 0 {
			t.Errorf("%s: tables scroll sideways: %s", where, strings.Join(r.Scrollers, "; "))
		}
		if len(r.Clipped) > 0 {
			t.Errorf("%s: runs table cells cut: %s", where, strings.Join(r.Clipped, ", "))
		}
		tb.noProblems(where)
	}
	firstRun := `document.querySelector('table.runs td.run a').textContent + ' ' + document.querySelectorAll('table.runs tbody tr').length`
	tb.visit(url + "/bench/" + slug + ".html")
	if got := eval[string](tb, firstRun); got != "1300_comparison 100" {
		t.Errorf("benchmark page's runs table: first run and rows %q, want 1300_comparison 100", got)
	}
	layout("benchmark page with older runs at 390 px")
	tb.screenshot(shots, "runs-newest-phone")
	tb.do("follow the older runs link", chromedp.Click(chromedp.CSS(`nav.pager a[rel="prev"]`)))
	tb.waitFor("the older page", `/\/m1\/runs-0012\.html$/.test(location.pathname) && document.readyState === 'complete'`, 20*time.Second)
	if got := eval[string](tb, firstRun); got != "1200_comparison 100" {
		t.Errorf("runs-0012: first run and rows %q, want 1200_comparison 100", got)
	}
	layout("older runs page at 390 px")
	tb.screenshot(shots, "runs-older-phone")
	tb.do("follow the oldest runs link", chromedp.Click(chromedp.CSS(`nav.pager a[href="runs-0001.html"]`)))
	tb.waitFor("the oldest page", `/\/runs-0001\.html$/.test(location.pathname) && document.readyState === 'complete'`, 20*time.Second)
	if got := eval[string](tb, firstRun); got != "0100_comparison 100" {
		t.Errorf("runs-0001: first run and rows %q, want 0100_comparison 100", got)
	}
	tb.do("follow the newer runs link", chromedp.Click(chromedp.CSS(`nav.pager a[rel="next"]`)))
	tb.waitFor("the second page", `/\/runs-0002\.html$/.test(location.pathname) && document.readyState === 'complete'`, 20*time.Second)
	layout("second runs page at 390 px")
}
