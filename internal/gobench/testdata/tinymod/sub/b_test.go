package sub

import (
	"fmt"
	"testing"
)

func BenchmarkSum(b *testing.B) {
	s := 0
	for i := 0; i < b.N; i++ {
		s += i
	}
	_ = s
}

func BenchmarkSize(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = make([]byte, n)
			}
			b.ReportMetric(float64(n), "things/op")
		})
	}
}

func BenchmarkSkip(b *testing.B) { b.Skip("not today") }
