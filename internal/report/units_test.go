package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/compare"
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
