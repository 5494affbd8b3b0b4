// Package hotbench is a benchmark written to spend its time in known
// functions, so tests of package profile can check that a real profile
// names them.
package hotbench

import "testing"

var sink uint64
var sinkBytes [][]byte

// spinHot burns CPU: nearly all of BenchmarkHot's time is spent here.
//
//go:noinline
func spinHot(n int) uint64 {
	x := uint64(n)
	for i := 0; i < 200000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 17
	}
	return x
}

// coldHelper costs little next to spinHot.
//
//go:noinline
func coldHelper(n int) uint64 { return uint64(n) * 3 }

// allocHeavy allocates nearly all the bytes BenchmarkAlloc allocates.
//
//go:noinline
func allocHeavy(n int) []byte { return make([]byte, 64<<10+n%7) }

func BenchmarkHot(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += spinHot(i) + coldHelper(i)
	}
}

func BenchmarkAlloc(b *testing.B) {
	for i := 0; i < b.N; i++ {
		buf := allocHeavy(i)
		if i%64 == 0 {
			sinkBytes = append(sinkBytes[:0], buf)
		}
	}
}
