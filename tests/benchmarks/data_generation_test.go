package benchmarks

import "testing"

// Determinism setup overhead.
func BenchmarkSetDeterminism(b *testing.B) { run(b, "BenchmarkSetDeterminism") }

// Determinism info collection.
func BenchmarkDeterminismInfo(b *testing.B) { run(b, "BenchmarkDeterminismInfo") }

// Synthetic data generation, small (n=10) and large (n=1000, slow).
func BenchmarkGeneratePatients(b *testing.B) { runSubs(b, "BenchmarkGeneratePatients") }
