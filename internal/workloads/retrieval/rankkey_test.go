package retrieval

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rankKey must order exactly like (similarity descending, index ascending),
// with −0 equal to +0 as == has it.
func TestRankKeyOrder(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	inf := float32(math.Inf(1))
	special := []float32{0, negZero, 1, -1, inf, -inf, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, math.MaxFloat32, 0.5}
	rng := rand.New(rand.NewPCG(1, 1))
	pick := func() (float32, int) {
		if rng.IntN(2) == 0 {
			return special[rng.IntN(len(special))], rng.IntN(5)
		}
		return float32(rng.NormFloat64()), rng.IntN(1 << 20)
	}
	for range 100000 {
		s1, k1 := pick()
		s2, k2 := pick()
		if k1 == k2 {
			continue
		}
		want := s1 > s2 || (s1 == s2 && k1 < k2)
		if got := rankKey(s1, k1) > rankKey(s2, k2); got != want {
			t.Fatalf("(%v, %d) ahead of (%v, %d): key says %v, want %v", s1, k1, s2, k2, got, want)
		}
	}
}
