package benchmarks

import "testing"

// Forward pass (the embedding), small (batch=32) and large (batch=1024, slow)
// batches.
func BenchmarkForward(b *testing.B) { runSubs(b, "BenchmarkForward") }

// One training step: loss, backward pass and Adam update, batch 32.
func BenchmarkTrainingStep(b *testing.B) { runSubs(b, "BenchmarkTrainingStep") }

// Retrieval metrics over 100 embeddings.
func BenchmarkRetrievalMetrics(b *testing.B) { runSubs(b, "BenchmarkRetrievalMetrics") }
