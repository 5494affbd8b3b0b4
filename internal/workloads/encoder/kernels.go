package encoder

// kernels are the two loops every layer reduces to. Each takes a whole list
// of rows so that the generic code makes one indirect call per layer and
// row, not one per vector operation. Their implementations depend on the
// target (kernels_native.go, kernels_js.go); the algorithm around them is
// shared.
type kernels[T Float] struct {
	// axpyRows: out += Σ_j val[j]·rows[idx[j]] (rows of len(out)).
	axpyRows func(val []T, idx []int32, rows, out []T)
	// dotRows: out[idx[j]] = x·rows[idx[j]] (rows of len(x)).
	dotRows func(idx []int32, rows, x, out []T)
	// relu: x[i] = max(x[i], 0).
	relu func(x []T)
}

func kernelsFor[T Float]() kernels[T] {
	var k any
	switch any(T(0)).(type) {
	case float32:
		k = kernels[float32]{axpyRows: axpyRows32, dotRows: dotRows32, relu: relu32}
	case float64:
		k = kernels[float64]{axpyRows: axpyRows64, dotRows: dotRows64, relu: relu64}
	}
	return k.(kernels[T])
}

// sparse is scratch for the non-zero entries of a vector: positions and
// values.
type sparse[T Float] struct {
	idx []int32
	val []T
}

func newSparse[T Float](n int) sparse[T] {
	return sparse[T]{idx: make([]int32, n), val: make([]T, n)}
}

// gather collects the entries of x (read with stride) that are non-zero, or
// positive if positive is set, and returns how many. It has no branch on the
// values: about half of them are zero in no predictable pattern, and a
// mispredicted branch per entry costs as much as a short AXPY.
func (s *sparse[T]) gather(x []T, start, stride, n int, positive bool) int {
	idx, val := s.idx[:n], s.val[:n]
	k := 0
	for i := range n {
		v := x[start+i*stride]
		idx[k], val[k] = int32(i), v
		if positive {
			k += b2i(v > 0)
		} else {
			k += b2i(v != 0)
		}
	}
	return k
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
