package compare

import (
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// rate is a benchmark of ops/s (higher is better), as package harness
// imports JMH or benchmark.js figures.
func rate(name string, data ...float64) result.Benchmark {
	return result.Benchmark{Name: name, Fullname: name, Stats: stats.Compute(data, 1),
		ExtraInfo: map[string]any{result.KeyUnit: "ops/s", result.KeyHigherIsBetter: true}}
}

func TestHigherIsBetter(t *testing.T) {
	checks, _ := ParseChecks("mean:10%")
	opt := Options{Checks: checks}
	base := &result.File{Benchmarks: []result.Benchmark{
		rate("drops", 100, 101, 99, 100, 102, 98),
		rate("rises", 100, 101, 99, 100, 102, 98),
		rate("single", 100),
	}}
	cur := &result.File{Benchmarks: []result.Benchmark{
		rate("drops", 80, 81, 79, 80, 82, 78), // 20 % fewer ops/s: slower
		rate("rises", 120, 121, 119, 120, 122, 118),
		rate("single", 85),
	}}
	r := Compare(base, cur, "0001_base", "0002_cur", opt)
	got := map[string]Row{}
	for _, row := range r.Rows {
		got[row.Name] = row
	}
	if row := got["drops"]; row.Status != Regression || !row.Significant ||
		len(row.Failures) != 1 || !strings.Contains(row.Failures[0], "PercentageRegressionCheck: 20.") {
		t.Errorf("a 20%% drop of ops/s: %s %v %v", row.Status, row.Failures, row.Notes)
	}
	if row := got["rises"]; row.Status != Improvement || len(row.Failures) != 0 {
		t.Errorf("a 20%% rise of ops/s: %s %v", row.Status, row.Failures)
	}
	if row := got["single"]; row.Status != Regression {
		t.Errorf("15%% drop without samples (plain rule): %s", row.Status)
	}
	// The same numbers as times: the rise is the regression.
	tb := &result.File{Benchmarks: []result.Benchmark{{Name: "t", Fullname: "t", Stats: stats.Compute([]float64{100, 101, 99, 100, 102, 98}, 1)}}}
	tc := &result.File{Benchmarks: []result.Benchmark{{Name: "t", Fullname: "t", Stats: stats.Compute([]float64{120, 121, 119, 120, 122, 118}, 1)}}}
	if row := Compare(tb, tc, "a", "b", opt).Rows[0]; row.Status != Regression {
		t.Errorf("a 20%% rise of a time: %s", row.Status)
	}
}

func TestUnitsDifferAndEstimates(t *testing.T) {
	checks, _ := ParseChecks("mean:10%")
	base := &result.File{Benchmarks: []result.Benchmark{
		{Name: "x", Fullname: "x", Stats: result.Stats{Mean: 1e-6, Rounds: 1}},
		{Name: "e", Fullname: "e", Stats: result.Stats{Mean: 1e-6, Rounds: 100}, ExtraInfo: map[string]any{"estimate": "mean ± std dev"}},
	}}
	cur := &result.File{Benchmarks: []result.Benchmark{
		rate("x", 5),
		{Name: "e", Fullname: "e", Stats: result.Stats{Mean: 2e-6, Rounds: 100}, ExtraInfo: map[string]any{"estimate": "mean ± std dev"}},
	}}
	r := Compare(base, cur, "a", "b", Options{Checks: checks})
	for _, row := range r.Rows {
		notes := strings.Join(row.Notes, "; ")
		switch row.Name {
		case "x":
			if row.Status != Same || !strings.Contains(notes, "seconds") || !strings.Contains(notes, "ops/s") {
				t.Errorf("seconds vs ops/s: %s %q", row.Status, notes)
			}
		case "e":
			if row.Status != Regression || !strings.Contains(notes, "plain threshold rule") || !strings.Contains(notes, "mean ± std dev") {
				t.Errorf("estimates: %s %q", row.Status, notes)
			}
		}
	}
}
