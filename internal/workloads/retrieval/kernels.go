package retrieval

// dotRowsFor returns the similarity kernel for T: out[j] = x·rows[j] for
// the first len(out) rows of len(x) in rows. Its implementation depends on
// the target (kernels_native.go, kernels_js.go); Evaluate around it is
// shared.
func dotRowsFor[T Float]() func(x, rows, out []T) {
	var f any
	switch any(T(0)).(type) {
	case float32:
		f = dotRows32
	case float64:
		f = dotRows64
	}
	return f.(func(x, rows, out []T))
}
