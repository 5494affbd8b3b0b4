package report

import (
	"bytes"
	"testing"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/golden"
	"github.com/benchsite/benchsite/internal/result"
)

// The comparison of the test report (a regression, noise, an added and a
// removed benchmark, a hostile name, a machine warning) in each format.
func TestGoldenComparison(t *testing.T) {
	r := testReport(t)
	for _, c := range []struct{ format, file string }{
		{FormatTable, "comparison.txt"},
		{FormatMarkdown, "comparison.md"},
		{FormatJSON, "comparison.json"},
	} {
		var buf bytes.Buffer
		if err := Comparison(&buf, r, c.format); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, c.file, buf.Bytes())
	}
}

// The run table of pytest-benchmark's two upstream files at full width
// (what a pipe gets) and fitted to an 80-column terminal.
func TestGoldenRunTable(t *testing.T) {
	a := readFixture(t, "0001_*.json")
	b := readFixture(t, "0030_*.json")
	a.Benchmarks[0].Name = "test_xfast_parametrized[0] (0001)"
	b.Benchmarks[0].Name = "test_xfast_parametrized[0] (NOW)"
	b.Benchmarks[0].ExtraInfo = map[string]any{result.KeyBytesPerOp: 231456.0, result.KeyAllocsPerOp: 4.0}
	f := &result.File{Benchmarks: []result.Benchmark{b.Benchmarks[0], a.Benchmarks[0]}}
	for _, c := range []struct {
		width int
		file  string
	}{{0, "runtable.txt"}, {80, "runtable-80.txt"}, {120, "runtable-120.txt"}} {
		var buf bytes.Buffer
		RunTableFit(&buf, f, c.width)
		if c.width > 0 {
			for i, line := range bytes.Split(buf.Bytes(), []byte("\n")) {
				if n := width(string(line)); n > c.width {
					t.Errorf("%s: line %d is %d columns wide, more than %d: %q", c.file, i+1, n, c.width, line)
				}
			}
		}
		golden.Check(t, c.file, buf.Bytes())
	}
}

// A paired verdict compares the per-process medians (Hodges–Lehmann of the
// log ratios), not the pooled means: every format names it so, and shows
// the medians it compares beside the change.
func TestGoldenPairedComparison(t *testing.T) {
	mk := func(name string, mean, median float64) result.Benchmark {
		return result.Benchmark{Name: name, Fullname: "pkg." + name, Stats: result.Stats{Mean: mean, Median: median, Min: median, Max: mean * 3, Rounds: 10, Iterations: 1}}
	}
	base := &result.File{CommitInfo: result.CommitInfo{ID: "abc"}, Benchmarks: []result.Benchmark{mk("BenchmarkP", 2e-3, 1e-3)}}
	cur := &result.File{Benchmarks: []result.Benchmark{mk("BenchmarkP", 1.5e-3, 1.04e-3)}}
	lo, hi := 1.5, 6.5
	cur.Paired = &result.Paired{Baseline: base.CommitInfo, Label: "baseline", Method: "test", Confidence: 0.95, Check: "mean:10%",
		Benchmarks: map[string]result.PairedBenchmark{"pkg.BenchmarkP": {Name: "BenchmarkP", Field: "mean", Verdict: "same", Pairs: 12,
			ChangePercent: 4, CILowPercent: &lo, CIHighPercent: &hi, ThresholdPercent: 10, Base: 2e-3, Cur: 1.5e-3,
			BaseValues: []float64{0.9e-3, 1e-3, 1.1e-3}, CurValues: []float64{0.95e-3, 1.04e-3, 1.2e-3}}}}
	checks, err := compare.ParseChecks("mean:10%")
	if err != nil {
		t.Fatal(err)
	}
	r := compare.Compare(base, cur, "0001_baseline", "0002_comparison", compare.Options{Checks: checks})
	if !r.Paired || len(r.Rows) != 1 || r.Rows[0].Field != "median (paired)" || r.Rows[0].Base != 1e-3 || r.Rows[0].Cur != 1.04e-3 {
		t.Fatalf("paired row: %+v", r.Rows)
	}
	// The check's figures are those the change compares, not the pooled
	// means (2 ms → 1.5 ms, a fall, beside a change of +4 %).
	if c := r.Rows[0].Checks; len(c) == 0 || c[0].Baseline != 1e-3 || c[0].Current != 1.04e-3 {
		t.Errorf("paired check's figures: %+v, want baseline 0.001 and current 0.00104 as the row", c)
	}
	for _, c := range []struct{ format, file string }{
		{FormatTable, "comparison-paired.txt"},
		{FormatMarkdown, "comparison-paired.md"},
		{FormatJSON, "comparison-paired.json"},
	} {
		var buf bytes.Buffer
		if err := Comparison(&buf, r, c.format); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, c.file, buf.Bytes())
	}
}

// The comparison table fitted to an 80-column terminal: no line wider,
// long names cut with "…" and a line saying how to get them whole.
func TestGoldenComparisonFit(t *testing.T) {
	r := testReport(t)
	var buf bytes.Buffer
	if err := ComparisonFit(&buf, r, FormatTable, 80); err != nil {
		t.Fatal(err)
	}
	for i, line := range bytes.Split(buf.Bytes(), []byte("\n")) {
		if n := width(string(line)); n > 80 && !bytes.HasPrefix(line, []byte("\t")) && !bytes.Contains(line, []byte(": ")) {
			t.Errorf("line %d is %d columns wide, more than 80: %q", i+1, n, line)
		}
	}
	if !bytes.Contains(buf.Bytes(), []byte("…")) || !bytes.Contains(buf.Bytes(), []byte("--wide")) {
		t.Errorf("no name cut, or no word of --wide:\n%s", buf.Bytes())
	}
	golden.Check(t, "comparison-80.txt", buf.Bytes())
}
