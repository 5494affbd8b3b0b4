package tiny

import "testing"

func BenchmarkRoot(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = make([]int, 8)
	}
	b.SetBytes(64)
}
