package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/harness"
	"github.com/benchsite/benchsite/internal/result"
)

// Imported throughput figures are shown in their unit, and rows compared
// by the plain rule because the harness printed no samples are named.
func TestComparisonUnitsAndPlainRule(t *testing.T) {
	b := func(mean float64) *result.File {
		return &result.File{Benchmarks: []result.Benchmark{{Name: "fib(20)", Fullname: "fib(20)",
			Stats:     result.Stats{Mean: mean, Median: mean, Min: mean, Max: mean, Rounds: 96},
			ExtraInfo: map[string]any{result.KeyUnit: "ops/s", result.KeyHigherIsBetter: true, "estimate": "ops/sec ± rme"}}}}
	}
	checks, _ := compare.ParseChecks("mean:10%")
	r := compare.Compare(b(12146), b(10146), "0001_base", "0002_cur", compare.Options{Checks: checks})
	for _, format := range []string{"table", "markdown"} {
		var out bytes.Buffer
		if err := Comparison(&out, r, format); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		if !strings.Contains(s, "12.15k ops/s") || !strings.Contains(s, "10.15k ops/s") ||
			!strings.Contains(s, "plain threshold rule") || !strings.Contains(s, "regression") {
			t.Errorf("%s:\n%s", format, s)
		}
	}
}

// A benchmark whose unit differs between the two files (req/s in the
// baseline, ms in the current run: github-action-benchmark's custom JSON,
// its tool changed) is not compared, and the output says so: each side in
// its own unit, no change, a verdict and a line naming it; never the
// baseline's req/s printed as seconds.
func TestComparisonUnitsDiffer(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "harness", "testdata", "github-action-benchmark", "customBiggerIsBetter_output.json"))
	if err != nil {
		t.Fatal(err)
	}
	base, err := harness.Read(data, "base.json", "customBiggerIsBetter")
	if err != nil {
		t.Fatal(err)
	}
	cur, err := harness.Read([]byte(strings.Replace(string(data), `"req/s"`, `"ms"`, 1)), "cur.json", "customSmallerIsBetter")
	if err != nil {
		t.Fatal(err)
	}
	checks, _ := compare.ParseChecks("mean:10%")
	r := compare.Compare(&result.File{Benchmarks: base.Benchmarks}, &result.File{Benchmarks: cur.Benchmarks}, "base", "cur", compare.Options{Checks: checks})
	for _, format := range []string{"table", "markdown"} {
		var out bytes.Buffer
		if err := Comparison(&out, r, format); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		row := ""
		for _, line := range strings.Split(s, "\n") {
			if strings.Contains(line, "Throughput") && strings.Contains(line, "mean") {
				row = line
			}
		}
		if !strings.Contains(row, "70.00 req/s") || !strings.Contains(row, "70.00 ms") || strings.Contains(row, "%") || !strings.Contains(row, "not compared") ||
			!strings.Contains(strings.ReplaceAll(s, `\`, ""), "Throughput: the baseline is in req/s, the current run in seconds") {
			t.Errorf("%s:\n%s", format, s)
		}
	}
}
