//go:build !js

package retrieval

import (
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats"
)

// The native kernels are gonum's dot products, whose amd64 (and arm64)
// assembly is several times faster than a Go loop: the Go compiler does not
// vectorise.

var blas gonum.Implementation

func dotRows32(x, rows, out []float32) {
	d := len(x)
	for j := range out {
		out[j] = blas.Sdot(d, x, 1, rows[j*d:(j+1)*d], 1)
	}
}

func dotRows64(x, rows, out []float64) {
	d := len(x)
	for j := range out {
		out[j] = floats.Dot(x, rows[j*d:(j+1)*d])
	}
}
