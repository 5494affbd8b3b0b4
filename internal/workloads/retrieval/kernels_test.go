package retrieval

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDotRows checks the target's similarity kernel (gonum natively, plain
// loops on js/wasm) against the obvious loop, over sizes that hit every
// unrolled block and remainder.
func TestDotRows(t *testing.T) {
	testDotRows[float32](t, 1e-5)
	testDotRows[float64](t, 1e-13)
}

func testDotRows[T Float](t *testing.T, tol float64) {
	dotRows := dotRowsFor[T]()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{1, 2, 3, 4, 5, 7, 8, 128, 130} {
		for _, m := range []int{0, 1, 3, 4, 5, 8, 11} {
			x := make([]T, d)
			rows := make([]T, (m+1)*d) // one row more than out asks for
			for i := range x {
				x[i] = T(2*rng.Float64() - 1)
			}
			for i := range rows {
				rows[i] = T(2*rng.Float64() - 1)
			}
			out := make([]T, m+1)
			out[m] = 42
			dotRows(x, rows, out[:m])
			for j := range m {
				var want float64
				for k := range d {
					want += float64(x[k]) * float64(rows[j*d+k])
				}
				if diff := math.Abs(float64(out[j]) - want); diff > tol*float64(d) {
					t.Fatalf("%T d=%d m=%d: out[%d] = %v, want %v", x[0], d, m, j, out[j], want)
				}
			}
			if out[m] != 42 {
				t.Fatalf("%T d=%d m=%d: wrote past len(out)", x[0], d, m)
			}
		}
	}
}
