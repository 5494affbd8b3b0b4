package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/benchsite/benchsite/internal/golden"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
	"github.com/benchsite/benchsite/internal/storage"
)

// Three small pages of the test site, whole: the home page (summary grid
// with its phone card labels, spread and field), the compare page and the
// targets page.
func TestGoldenPages(t *testing.T) {
	opt := testOptions(t)
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"index.html", "compare.html", "targets.html"} {
		golden.Check(t, page, []byte(readFile(t, filepath.Join(opt.Out, page))))
	}
}

// Without targets, the nav offers no Targets page (the page is still
// written, so an old link works); with targets it does.
func TestNavTargetsOnlyWithTargets(t *testing.T) {
	opt := testOptions(t)
	navHas := func() bool {
		doc, err := html.Parse(strings.NewReader(readFile(t, filepath.Join(opt.Out, "index.html"))))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		walk(doc, func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "a" && n.Parent != nil && n.Parent.Parent != nil && n.Parent.Parent.Parent != nil &&
				n.Parent.Parent.Parent.Data == "nav" && n.FirstChild != nil && n.FirstChild.Data == "Targets" {
				found = true
			}
		})
		return found
	}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	if !navHas() {
		t.Error("with a target, the nav has no Targets link")
	}
	opt.Targets = nil
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	if navHas() {
		t.Error("without targets, the nav still offers the Targets page")
	}
	if _, err := os.Stat(filepath.Join(opt.Out, "targets.html")); err != nil {
		t.Errorf("targets.html is no longer written: %v", err)
	}
}

// A run whose rounds spread widely is flagged where its figure is shown:
// the benchmark page warns, the home page's row says "noisy" with the
// IQR; a tight run is not flagged.
func TestNoisyRunIsFlagged(t *testing.T) {
	opt := testOptions(t)
	store := storage.Store{Root: opt.Storage}
	// 2.9 µs to 89 µs in one run, as in the report that asked for this.
	wide := []float64{2.9e-6, 3.1e-6, 3.0e-6, 40e-6, 89e-6, 3.2e-6, 60e-6, 3.05e-6, 45e-6, 3.3e-6}
	st := stats.Compute(wide, 100)
	if !stats.Noisy(st) {
		t.Fatalf("test setup: relative IQR %v is not noisy", stats.RelIQR(st))
	}
	f := &result.File{
		MachineInfo: result.MachineInfo{"node": "n", "system": "Linux", "machine": "x86_64", "go_version": "go1.26.8", "goos": "linux", "goarch": "amd64",
			"cpu": map[string]any{"bits": 64}},
		Datetime: "2026-11-20T10:00:00+00:00",
		Benchmarks: []result.Benchmark{
			{Name: "BenchmarkNoisy", Fullname: "pkg::BenchmarkNoisy", Stats: st, Options: map[string]any{}, ExtraInfo: map[string]any{}},
			{Name: "BenchmarkTight", Fullname: "pkg::BenchmarkTight", Stats: stats.Compute([]float64{1e-6, 1.01e-6, 0.99e-6, 1e-6}, 100),
				Options: map[string]any{}, ExtraInfo: map[string]any{}},
		},
	}
	if _, err := store.Save("Noisy-Machine", "baseline", f); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	var noisyPage, tightPage string
	for _, p := range siteFiles(t, opt.Out) {
		switch {
		case strings.HasPrefix(p, "bench/benchmarknoisy-"):
			noisyPage = readFile(t, filepath.Join(opt.Out, p))
		case strings.HasPrefix(p, "bench/benchmarktight-"):
			tightPage = readFile(t, filepath.Join(opt.Out, p))
		}
	}
	if !strings.Contains(noisyPage, "<b>Noisy run.</b>") || !strings.Contains(noisyPage, "min 2.900 to max 89.00 µs") {
		t.Error("the noisy benchmark's page does not warn with the run's range")
	}
	if strings.Contains(tightPage, "Noisy run.") {
		t.Error("a tight run is flagged as noisy")
	}
	home := readFile(t, filepath.Join(opt.Out, "index.html"))
	if !strings.Contains(home, `class="noisy"`) || !strings.Contains(home, "noisy, IQR ") {
		t.Error("the home page's row of the noisy benchmark does not say it is noisy")
	}
}

// A run measured in pairs against its baseline's revision shows the
// paired change with its confidence interval: on the benchmark page
// (tile and runs table) and in the chart data the distribution and the
// tooltips read.
func TestPairedIntervalShown(t *testing.T) {
	opt := testOptions(t)
	store := storage.Store{Root: opt.Storage}
	const machine = "Linux-Go-1.26-64bit"
	base, ok, err := store.NewestBaseline(machine)
	if err != nil || !ok {
		t.Fatalf("newest baseline: %v", err)
	}
	bf, err := result.ReadFile(base.Path)
	if err != nil {
		t.Fatal(err)
	}
	cur, _, err := store.Newest(machine)
	if err != nil {
		t.Fatal(err)
	}
	f, err := result.ReadFile(cur.Path)
	if err != nil {
		t.Fatal(err)
	}
	b := f.Benchmarks[0]
	lo, hi := 1.1, 7.3
	f.Paired = &result.Paired{Baseline: bf.CommitInfo, Label: "baseline", Method: "test", Confidence: 0.95, Check: "mean:10%",
		Benchmarks: map[string]result.PairedBenchmark{b.Fullname: {Name: b.Name, Field: "mean", Verdict: "same", Pairs: 12,
			ChangePercent: 4.2, CILowPercent: &lo, CIHighPercent: &hi, ThresholdPercent: 10, Base: b.Stats.Mean, Cur: b.Stats.Mean * 1.042}}}
	if _, err := store.Save(machine, "paired", f); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	var page, data string
	for _, p := range siteFiles(t, opt.Out) {
		if strings.HasPrefix(p, "bench/"+slug(b.Name, b.Fullname)) {
			page = readFile(t, filepath.Join(opt.Out, p))
		}
		if strings.HasPrefix(p, "data/"+slug(b.Name, b.Fullname)) {
			data = readFile(t, filepath.Join(opt.Out, p))
		}
	}
	if !strings.Contains(html.UnescapeString(page), "paired, 12 pairs: +4.2% [+1.1, +7.3]") {
		i := strings.Index(page, "pairs")
		t.Errorf("the benchmark page does not show the paired interval: %q", page[max(0, i-200):min(len(page), i+300)])
	}
	if !strings.Contains(data, `"ciLow":1.1,"ciHigh":7.3,"pairs":12`) {
		t.Errorf("the chart data lack the interval: %.300s…", data)
	}
}
