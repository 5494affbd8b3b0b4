package compare

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

// BenchmarkCompare measures a comparison of two runs of 100 benchmarks
// with 50 rounds each (every row gets a Mann-Whitney test).
func BenchmarkCompare(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	mk := func(shift float64) *result.File {
		f := &result.File{}
		for i := 0; i < 100; i++ {
			f.Benchmarks = append(f.Benchmarks, bench(fmt.Sprintf("BenchmarkB%03d", i), noisy(rng, 50, 1e-3*shift, 2e-5)...))
		}
		return f
	}
	base, cur := mk(1), mk(1.05)
	checks, _ := ParseChecks("mean:10%,median:3%,stddev:50%")
	b.ResetTimer()
	for b.Loop() {
		Compare(base, cur, "0001_baseline", "0002_comparison", Options{Checks: checks})
	}
}
