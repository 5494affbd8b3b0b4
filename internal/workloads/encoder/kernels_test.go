package encoder

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernels checks the target's kernels (gonum natively, plain loops on
// js/wasm) against the obvious loops, over lengths and row counts that hit
// every unrolled block and remainder.
func TestKernels(t *testing.T) {
	testKernels[float32](t, 1e-5)
	testKernels[float64](t, 1e-13)
}

func testKernels[T Float](t *testing.T, tol float64) {
	k := kernelsFor[T]()
	rng := rand.New(rand.NewPCG(1, 2))
	const nRows = 40
	for _, n := range []int{1, 3, 4, 7, 8, 13, 128, 256} {
		rows := make([]T, nRows*n)
		for i := range rows {
			rows[i] = T(2*rng.Float64() - 1)
		}
		for _, m := range []int{0, 1, 3, 4, 7, 8, 9, 12, 15, 16, 17, 31, nRows} {
			idx := make([]int32, m)
			val := make([]T, m)
			for j := range idx {
				idx[j] = int32(rng.IntN(nRows))
				val[j] = T(2*rng.Float64() - 1)
			}
			// axpyRows
			out := make([]T, n)
			want := make([]float64, n)
			for i := range out {
				out[i] = T(rng.Float64())
				want[i] = float64(out[i])
			}
			for j, r := range idx {
				for i := range want {
					want[i] += float64(val[j]) * float64(rows[int(r)*n+i])
				}
			}
			k.axpyRows(val, idx, rows, out)
			for i := range out {
				if d := math.Abs(float64(out[i]) - want[i]); d > tol*float64(m+1) {
					t.Fatalf("%T axpyRows n=%d m=%d: out[%d] = %v, want %v", out[0], n, m, i, out[i], want[i])
				}
			}
			// dotRows on distinct rows
			x := rows[:n]
			dots := make([]T, nRows)
			ids := rng.Perm(nRows)[:min(m, nRows)]
			idx32 := make([]int32, len(ids))
			for j, r := range ids {
				idx32[j] = int32(r)
			}
			k.dotRows(idx32, rows, x, dots)
			seen := make([]bool, nRows)
			for _, r := range ids {
				seen[r] = true
				var w float64
				for i := range n {
					w += float64(x[i]) * float64(rows[r*n+i])
				}
				if d := math.Abs(float64(dots[r]) - w); d > tol*float64(n) {
					t.Fatalf("%T dotRows n=%d: row %d = %v, want %v", x[0], n, r, dots[r], w)
				}
			}
			for r, s := range seen {
				if !s && dots[r] != 0 {
					t.Fatalf("%T dotRows wrote row %d, not in idx", x[0], r)
				}
			}
		}
	}
	// relu is max(v, 0) exactly, bit for bit.
	in := []float64{-2, math.Copysign(0, -1), 0, 1.5, math.Inf(-1), math.Inf(1), math.NaN(), -math.SmallestNonzeroFloat64, 3}
	x := make([]T, len(in))
	for i, v := range in {
		x[i] = T(v)
	}
	k.relu(x)
	for i, v := range in {
		want := max(T(v), 0)
		if got := x[i]; math.Float64bits(float64(got)) != math.Float64bits(float64(want)) && !(got != got && want != want) {
			t.Errorf("%T relu(%v) = %v, want %v", got, v, got, want)
		}
	}
}
