// Package benchmarks holds benchsite's own Go benchmark suites, the
// counterparts of the seed's tests/benchmarks/test_data_generation.py
// (data_generation_test.go) and test_model_performance.py
// (model_performance_test.go). The bodies live in internal/suite, shared with
// the browser build; the functions here only drive them:
//
//	go test ./tests/benchmarks -run '^$' -bench . -benchmem         # all
//	go test ./tests/benchmarks -run '^$' -bench . -benchmem -short  # without the slow ones
package benchmarks

import (
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/suite"
)

// run times the registered benchmark name: Prepare outside the timed loop,
// op inside it, then check on the last result.
func run(b *testing.B, name string) {
	bm, ok := suite.Lookup(name)
	if !ok {
		b.Fatalf("benchmark %q is not in internal/suite's registry", name)
	}
	if bm.Slow && testing.Short() {
		b.Skip("slow benchmark (the seed's @pytest.mark.slow); skipped under -short")
	}
	op, check := bm.Prepare()
	b.ReportAllocs()
	for b.Loop() {
		op()
	}
	if err := check(); err != nil {
		b.Fatalf("%s: result check failed: %v", name, err)
	}
}

// runSubs runs every registered sub-benchmark of parent ("BenchmarkForward")
// as b.Run("batch=32"), ….
func runSubs(b *testing.B, parent string) {
	n := 0
	for _, bm := range suite.All() {
		sub, ok := strings.CutPrefix(bm.Name, parent+"/")
		if !ok {
			continue
		}
		n++
		b.Run(sub, func(b *testing.B) { run(b, bm.Name) })
	}
	if n == 0 {
		b.Fatalf("no sub-benchmarks of %s in internal/suite's registry", parent)
	}
}

// benchmarks maps each top-level benchmark function to its name, so that
// TestEveryRegistryEntryIsRun can tell whether a registry entry would be
// left out of the suites.
var benchmarks = map[string]func(*testing.B){
	"BenchmarkSetDeterminism":   BenchmarkSetDeterminism,
	"BenchmarkDeterminismInfo":  BenchmarkDeterminismInfo,
	"BenchmarkGeneratePatients": BenchmarkGeneratePatients,
	"BenchmarkForward":          BenchmarkForward,
	"BenchmarkTrainingStep":     BenchmarkTrainingStep,
	"BenchmarkRetrievalMetrics": BenchmarkRetrievalMetrics,
}

func TestEveryRegistryEntryIsRun(t *testing.T) {
	for _, bm := range suite.All() {
		top, _, _ := strings.Cut(bm.Name, "/")
		if benchmarks[top] == nil {
			t.Errorf("registry entry %s has no benchmark function %s in this package", bm.Name, top)
		}
	}
}
