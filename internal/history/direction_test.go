package history

import (
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
