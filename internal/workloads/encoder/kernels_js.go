//go:build js

package encoder

import "math"

// The js/wasm kernels are plain Go loops. gonum's AXPY and dot product have
// assembly only for native targets; on wasm they fall back to pure Go
// behind a BLAS wrapper (argument checks, stride handling) that about
// doubles their cost at these lengths (128–256). WebAssembly here has no
// SIMD, so what helps is fewer memory operations per multiply-add:
// axpyRows adds four scaled rows per pass over out (one load and one store
// of out per four products instead of per one), and dotRows keeps four
// independent sums. Slices are resliced to a common length first so the
// compiler drops the bounds checks in the inner loops. Summation order
// differs from gonum's, within rounding.

func axpyRows32(val []float32, idx []int32, rows, out []float32) {
	axpyRowsGo(val, idx, rows, out)
}

func dotRows32(idx []int32, rows, x, out []float32) { dotRowsGo(idx, rows, x, out) }

func axpyRows64(val []float64, idx []int32, rows, out []float64) {
	axpyRowsGo(val, idx, rows, out)
}

func dotRows64(idx []int32, rows, x, out []float64) { dotRowsGo(idx, rows, x, out) }

// On wasm, max(v, 0) is a call into the runtime (there is no min/max
// intrinsic) and an if is a jump that mispredicts on about half the entries;
// relu32 and relu64 clear the bits of every v ≤ 0 instead, which is
// max(v, 0) exactly: −0 and negatives become +0, NaN stays NaN.

func relu32(x []float32) {
	for i, v := range x {
		x[i] = math.Float32frombits(math.Float32bits(v) &^ -uint32(b2i(v <= 0)))
	}
}

func relu64(x []float64) {
	for i, v := range x {
		x[i] = math.Float64frombits(math.Float64bits(v) &^ -uint64(b2i(v <= 0)))
	}
}

func axpyRowsGo[T Float](val []T, idx []int32, rows, out []T) {
	n := len(out)
	idx = idx[:len(val)]
	j := 0
	for ; j+8 <= len(val); j += 8 {
		a0, a1, a2, a3 := val[j], val[j+1], val[j+2], val[j+3]
		a4, a5, a6, a7 := val[j+4], val[j+5], val[j+6], val[j+7]
		r0 := rows[int(idx[j])*n:][:n]
		r1 := rows[int(idx[j+1])*n:][:n]
		r2 := rows[int(idx[j+2])*n:][:n]
		r3 := rows[int(idx[j+3])*n:][:n]
		r4 := rows[int(idx[j+4])*n:][:n]
		r5 := rows[int(idx[j+5])*n:][:n]
		r6 := rows[int(idx[j+6])*n:][:n]
		r7 := rows[int(idx[j+7])*n:][:n]
		i := 0
		for ; i < len(out)-3; i += 4 {
			out[i] += (a0*r0[i] + a1*r1[i] + a2*r2[i] + a3*r3[i]) + (a4*r4[i] + a5*r5[i] + a6*r6[i] + a7*r7[i])
			out[i+1] += (a0*r0[i+1] + a1*r1[i+1] + a2*r2[i+1] + a3*r3[i+1]) + (a4*r4[i+1] + a5*r5[i+1] + a6*r6[i+1] + a7*r7[i+1])
			out[i+2] += (a0*r0[i+2] + a1*r1[i+2] + a2*r2[i+2] + a3*r3[i+2]) + (a4*r4[i+2] + a5*r5[i+2] + a6*r6[i+2] + a7*r7[i+2])
			out[i+3] += (a0*r0[i+3] + a1*r1[i+3] + a2*r2[i+3] + a3*r3[i+3]) + (a4*r4[i+3] + a5*r5[i+3] + a6*r6[i+3] + a7*r7[i+3])
		}
		for ; i < len(out); i++ {
			out[i] += (a0*r0[i] + a1*r1[i] + a2*r2[i] + a3*r3[i]) + (a4*r4[i] + a5*r5[i] + a6*r6[i] + a7*r7[i])
		}
	}
	for ; j+4 <= len(val); j += 4 {
		a0, a1, a2, a3 := val[j], val[j+1], val[j+2], val[j+3]
		r0 := rows[int(idx[j])*n:][:n]
		r1 := rows[int(idx[j+1])*n:][:n]
		r2 := rows[int(idx[j+2])*n:][:n]
		r3 := rows[int(idx[j+3])*n:][:n]
		for i := range out {
			out[i] += a0*r0[i] + a1*r1[i] + a2*r2[i] + a3*r3[i]
		}
	}
	for ; j < len(val); j++ {
		a, r := val[j], rows[int(idx[j])*n:][:n]
		for i := range out {
			out[i] += a * r[i]
		}
	}
}

func dotRowsGo[T Float](idx []int32, rows, x, out []T) {
	n := len(x)
	for _, r := range idx {
		out[r] = dot(x, rows[int(r)*n:][:n])
	}
}

// dot is x·y with four partial sums (len(y) ≥ len(x)).
func dot[T Float](x, y []T) T {
	var s0, s1, s2, s3 T
	for len(x) >= 4 && len(y) >= 4 {
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		x, y = x[4:], y[4:]
	}
	for i, v := range x {
		s0 += v * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}
