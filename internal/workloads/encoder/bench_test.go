package encoder_test

import (
	"testing"

	"github.com/benchsite/benchsite/internal/workloads/determinism"
	"github.com/benchsite/benchsite/internal/workloads/encoder"
)

// Benchmarks of the parts of a training step, for profiling; the suites in
// tests/benchmarks time the workloads themselves.

func benchBatch[T encoder.Float](batch int) ([]T, []int) {
	x64, y := patientBatch(42, batch)
	x := make([]T, len(x64))
	for i, v := range x64 {
		x[i] = T(v)
	}
	return x, y
}

func BenchmarkAdamStep32(b *testing.B) {
	enc := encoder.New[float32](determinism.New(42, determinism.Model))
	x, y := benchBatch[float32](32)
	enc.Gradients(x, y)
	for b.Loop() {
		enc.AdamStep()
	}
}

func BenchmarkGradients32(b *testing.B) {
	enc := encoder.New[float32](determinism.New(42, determinism.Model))
	x, y := benchBatch[float32](32)
	b.ReportAllocs()
	for b.Loop() {
		enc.Gradients(x, y)
	}
}

func BenchmarkForward1024x64(b *testing.B) {
	enc := encoder.New[float64](determinism.New(42, determinism.Model))
	x, _ := benchBatch[float64](1024)
	b.ReportAllocs()
	for b.Loop() {
		enc.Forward(x)
	}
}

func BenchmarkForward1024x32(b *testing.B) {
	enc := encoder.New[float32](determinism.New(42, determinism.Model))
	x, _ := benchBatch[float32](1024)
	b.ReportAllocs()
	for b.Loop() {
		enc.Forward(x)
	}
}
