//go:build !js

package encoder

import (
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats"
)

// The native kernels are gonum's AXPY and dot product, whose amd64 (and
// arm64) assembly is several times faster than a Go loop: the Go compiler
// does not vectorise.

var blas gonum.Implementation

func axpyRows32(val []float32, idx []int32, rows, out []float32) {
	n := len(out)
	for j, r := range idx[:len(val)] {
		blas.Saxpy(n, val[j], rows[int(r)*n:int(r+1)*n], 1, out, 1)
	}
}

func dotRows32(idx []int32, rows, x, out []float32) {
	n := len(x)
	for _, r := range idx {
		out[r] = blas.Sdot(n, x, 1, rows[int(r)*n:int(r+1)*n], 1)
	}
}

func axpyRows64(val []float64, idx []int32, rows, out []float64) {
	n := len(out)
	for j, r := range idx[:len(val)] {
		floats.AddScaled(out, val[j], rows[int(r)*n:int(r+1)*n])
	}
}

func dotRows64(idx []int32, rows, x, out []float64) {
	n := len(x)
	for _, r := range idx {
		out[r] = floats.Dot(x, rows[int(r)*n:int(r+1)*n])
	}
}

// relu is branch-free: max compiles to MAXSS/MAXSD, an if to a jump that
// mispredicts on about half the entries.
func relu[T Float](x []T) {
	for i, v := range x {
		x[i] = max(v, 0)
	}
}

func relu32(x []float32) { relu(x) }

func relu64(x []float64) { relu(x) }
