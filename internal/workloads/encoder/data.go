package encoder

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Gather copies the given rows of a feature matrix (n × 64, e.g. from
// patients.Generate) into dst as a batch in T, growing dst if needed, and
// returns it. rows == nil takes every row in order.
func Gather[T Float](dst []T, features *mat.Dense, rows []int) []T {
	r, c := features.Dims()
	if c != In {
		panic(fmt.Sprintf("encoder.Gather: feature matrix has %d columns, want %d", c, In))
	}
	raw := features.RawMatrix()
	n := len(rows)
	if rows == nil {
		n = r
	}
	if cap(dst) < n*In {
		dst = make([]T, n*In)
	}
	dst = dst[:n*In]
	for i := range n {
		src := i
		if rows != nil {
			src = rows[i]
		}
		s := raw.Data[src*raw.Stride : src*raw.Stride+In]
		d := dst[i*In : (i+1)*In]
		for j, v := range s {
			d[j] = T(v)
		}
	}
	return dst
}

// Sampler draws mini-batches of indices in [0, n): each epoch is a fresh
// permutation from rng, cut into batches; a remainder shorter than a batch
// is dropped (DataLoader's shuffle=True, drop_last=True).
type Sampler struct {
	rng  *rand.Rand
	perm []int
	pos  int
	out  []int
}

// NewSampler returns a sampler over n items.
func NewSampler(n int, rng *rand.Rand) *Sampler {
	if n <= 0 {
		panic(fmt.Sprintf("encoder.NewSampler: n = %d, want > 0", n))
	}
	s := &Sampler{rng: rng, perm: make([]int, n)}
	s.shuffle()
	return s
}

func (s *Sampler) shuffle() {
	for i := range s.perm {
		s.perm[i] = i
	}
	s.rng.Shuffle(len(s.perm), func(i, j int) { s.perm[i], s.perm[j] = s.perm[j], s.perm[i] })
	s.pos = 0
}

// Next returns the next batch of size indices (valid until the next call).
func (s *Sampler) Next(size int) []int {
	if size <= 0 || size > len(s.perm) {
		panic(fmt.Sprintf("encoder.Sampler.Next: batch %d, want 1..%d", size, len(s.perm)))
	}
	if s.pos+size > len(s.perm) {
		s.shuffle()
	}
	s.out = append(s.out[:0], s.perm[s.pos:s.pos+size]...)
	s.pos += size
	return s.out
}
