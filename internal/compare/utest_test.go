package compare

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"golang.org/x/perf/benchmath"
)

// The memoised U test gives benchmath's outcome exactly, whether it is
// computed or recalled: samples of many sizes, with and without ties,
// shifted or not, each pair tested twice and in both orders.
func TestUTestMemoised(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	thr := &benchmath.Thresholds{CompareAlpha: 0.05}
	memoised := 0
	for trial := range 3000 {
		n1, n2 := 1+rng.IntN(30), 1+rng.IntN(30)
		shift := []float64{0, 0.01, 0.5}[trial%3]
		quantum := 0.0
		if trial%4 == 0 {
			quantum = 0.02 // timer-like rounding: ties
		}
		gen := func(n int, level float64) []float64 {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = level * (1 + 0.02*rng.NormFloat64())
				if quantum > 0 {
					xs[i] = math.Round(xs[i]/quantum) * quantum
				}
			}
			return xs
		}
		a, b := gen(n1, 1), gen(n2, 1+shift)
		for _, pair := range [][2][]float64{{a, b}, {b, a}} {
			s1 := benchmath.NewSample(append([]float64(nil), pair[0]...), thr)
			s2 := benchmath.NewSample(append([]float64(nil), pair[1]...), thr)
			want := fmt.Sprint(benchmath.AssumeNothing.Compare(s1, s2))
			for range 2 {
				if got := fmt.Sprint(uTest(s1, s2, 0.05)); got != want {
					t.Fatalf("samples %v and %v: memoised %s, benchmath %s", pair[0], pair[1], got, want)
				}
			}
			if _, ok := uKeyOf(s1.Values, s2.Values, 0.05); ok {
				memoised++
			}
		}
	}
	if memoised < 1000 {
		t.Errorf("only %d of 6000 comparisons could be memoised; the test does not cover the memo", memoised)
	}
	// A tie between the samples, or within one, is never memoised.
	for _, c := range [][2][]float64{{{1, 2, 3}, {3, 4, 5}}, {{1, 1, 2}, {3, 4, 5}}, {{1, 2}, {4, 5, 5}}} {
		if _, ok := uKeyOf(c[0], c[1], 0.05); ok {
			t.Errorf("%v and %v: a tie, memoised", c[0], c[1])
		}
	}
	if !reflect.DeepEqual(uKey{n1: 2, n2: 2, rankSum: 1 + 3, alpha: 0.05}, must(uKeyOf([]float64{1, 3}, []float64{2, 4}, 0.05))) {
		t.Error("rank sum of {1, 3} among {1, 2, 3, 4} is not 4")
	}
}

func must(k uKey, ok bool) uKey {
	if !ok {
		panic("no key")
	}
	return k
}
