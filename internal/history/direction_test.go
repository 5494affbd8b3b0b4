package history

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/history/historytest"
	"github.com/benchsite/benchsite/internal/result"
)

// For a rate imported from another harness (ops/s, higher is better) a
// rise of the median is an improvement and a drop a regression.
func TestChangesHigherIsBetter(t *testing.T) {
	root := t.TempDir()
	write(t, root, historytest.Spec{Runs: 40, Seed: 3, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkUp", Median: 1000, Steps: map[int]float64{21: 1.5}},
		{Name: "BenchmarkDown", Median: 1000, Steps: map[int]float64{21: 0.6}},
	}})
	// Mark every benchmark as ops/s, as package harness imports JMH's.
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".json") {
			return err
		}
		f, err := result.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i := range f.Benchmarks {
			f.Benchmarks[i].ExtraInfo = map[string]any{result.KeyUnit: "ops/s", result.KeyHigherIsBetter: true}
		}
		data, err := result.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		return os.WriteFile(p, data, 0o644)
	})
	h, err := Load(Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Direction{}
	for _, c := range h.Changes() {
		got[c.Series.Benchmark.Name] = c.Direction
	}
	if got["BenchmarkUp"] != Improvement || got["BenchmarkDown"] != Regression {
		t.Errorf("directions %v; want BenchmarkUp improvement (more ops/s), BenchmarkDown regression", got)
	}
}

// A series whose unit changed (a benchmark measured in ops/s, then in
// seconds: its harness or metric changed) has no change point across the
// change of unit: 1000 ops/s and 10 ms are not levels of one figure. Each
// stretch of one unit is searched on its own, so a step inside one is
// still found.
func TestChangesAcrossAUnitChange(t *testing.T) {
	root := t.TempDir()
	write(t, root, historytest.Spec{Runs: 40, Seed: 5, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkUnit", Median: 1000, Steps: map[int]float64{20: 0.01}},
		{Name: "BenchmarkStep", Median: 1000, Steps: map[int]float64{10: 0.6, 20: 0.01}},
	}})
	// Runs 1-19 (before the step of both) in ops/s, as package harness
	// imports a throughput; the rest in seconds.
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".json") {
			return err
		}
		var n int
		if _, err := fmt.Sscanf(filepath.Base(p), "%04d", &n); err != nil || n >= 20 {
			return err
		}
		f, err := result.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i := range f.Benchmarks {
			f.Benchmarks[i].ExtraInfo = map[string]any{result.KeyUnit: "ops/s", result.KeyHigherIsBetter: true}
		}
		data, err := result.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		return os.WriteFile(p, data, 0o644)
	})
	h, err := Load(Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, c := range h.Changes() {
		got[c.Series.Benchmark.Name] = append(got[c.Series.Benchmark.Name], fmt.Sprintf("%s at %s", c.Direction, c.Run.Label))
	}
	if len(got["BenchmarkUnit"]) != 0 || len(got["BenchmarkStep"]) != 1 || !strings.HasPrefix(got["BenchmarkStep"][0], "regression at 0010") {
		t.Errorf("changes %v; want none for BenchmarkUnit, one regression (fewer ops/s) at run 0010 for BenchmarkStep", got)
	}
}
