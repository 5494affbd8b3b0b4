package encoder

import (
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats"
)

// kernels are the two vector operations every layer reduces to. They come
// from gonum, whose amd64 assembly is several times faster than a Go loop
// (the Go compiler does not vectorise); on other targets (wasm) gonum falls
// back to pure Go.
type kernels[T Float] struct {
	axpy func(alpha T, x, y []T) // y += alpha·x
	dot  func(x, y []T) T
}

var blas gonum.Implementation

func kernelsFor[T Float]() kernels[T] {
	var k any
	switch any(T(0)).(type) {
	case float32:
		k = kernels[float32]{
			axpy: func(alpha float32, x, y []float32) { blas.Saxpy(len(y), alpha, x, 1, y, 1) },
			dot:  func(x, y []float32) float32 { return blas.Sdot(len(y), x, 1, y, 1) },
		}
	case float64:
		k = kernels[float64]{
			axpy: func(alpha float64, x, y []float64) { floats.AddScaled(y, alpha, x) },
			dot:  floats.Dot,
		}
	}
	return k.(kernels[T])
}
