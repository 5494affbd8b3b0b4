//go:build js

package retrieval

// The js/wasm kernels are plain Go loops. gonum's dot products have
// assembly only for native targets; on wasm they fall back to pure Go
// behind a BLAS wrapper (argument checks, stride handling) that about
// doubles their cost at these lengths. WebAssembly here has no SIMD, so
// what helps is fewer loads and fewer loop iterations per multiply-add:
// dotRowsGo takes four rows at a time, so each x[k] is loaded once for four
// products, and four k per iteration (Go's wasm back end sends every loop
// back-edge through a br_table dispatch, which is dear next to a few
// multiply-adds). Slices are resliced to a common length first so the
// compiler drops the bounds checks in the inner loops. Summation order
// differs from gonum's, within rounding.

func dotRows32(x, rows, out []float32) { dotRowsGo(x, rows, out) }

func dotRows64(x, rows, out []float64) { dotRowsGo(x, rows, out) }

func dotRowsGo[T Float](x, rows, out []T) {
	d := len(x)
	j := 0
	for ; j < len(out)-3; j += 4 {
		r0 := rows[j*d:][:d]
		r1 := rows[(j+1)*d:][:d]
		r2 := rows[(j+2)*d:][:d]
		r3 := rows[(j+3)*d:][:d]
		var s0, s1, s2, s3 T
		k := 0
		for ; k < d-3; k += 4 {
			x0, x1, x2, x3 := x[k], x[k+1], x[k+2], x[k+3]
			s0 += (x0*r0[k] + x1*r0[k+1]) + (x2*r0[k+2] + x3*r0[k+3])
			s1 += (x0*r1[k] + x1*r1[k+1]) + (x2*r1[k+2] + x3*r1[k+3])
			s2 += (x0*r2[k] + x1*r2[k+1]) + (x2*r2[k+2] + x3*r2[k+3])
			s3 += (x0*r3[k] + x1*r3[k+1]) + (x2*r3[k+2] + x3*r3[k+3])
		}
		for ; k < d; k++ {
			xk := x[k]
			s0 += xk * r0[k]
			s1 += xk * r1[k]
			s2 += xk * r2[k]
			s3 += xk * r3[k]
		}
		out[j], out[j+1], out[j+2], out[j+3] = s0, s1, s2, s3
	}
	for ; j < len(out); j++ {
		r := rows[j*d:][:d]
		var s T
		for k, xk := range x {
			s += xk * r[k]
		}
		out[j] = s
	}
}
