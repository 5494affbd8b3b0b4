// Package retrieval computes leave-one-out self-retrieval metrics over
// embeddings.
//
// Given n embeddings (rows of an n×d row-major slice, normally
// L2-normalised) and their labels, every item is a query in turn: the other
// n−1 items are ranked by descending dot-product similarity, ties broken by
// the lower index first, and an item is relevant when its label equals the
// query's. Per query, with r_1 < r_2 < … < r_R the 1-based ranks of the R
// relevant items:
//
//   - recall@k = 1 if r_1 ≤ k, precision@k = #{r_i ≤ k}/k   (k = 1, 5, 10)
//   - reciprocal rank = 1/r_1
//   - average precision = (1/R)·Σ_i i/r_i
//   - nDCG@10 = Σ_{r_i ≤ 10} 1/log2(r_i+1) divided by the ideal
//     Σ_{i ≤ min(R,10)} 1/log2(i+1)
//
// and a query with no relevant item scores 0 on all of them. Metrics are the
// means over queries. Similarities are computed in the embeddings' precision
// (float32 or float64); the metrics in float64.
//
// Every metric depends only on the ranks of the relevant items, so instead
// of sorting all n−1 items per query the evaluator sorts the relevant ones
// and counts, by a merge against the sorted similarities of the others, how
// many non-relevant items precede each.
package retrieval

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/floats"
)

// Float is the element type of the embeddings.
type Float interface{ float32 | float64 }

// Ks are the cut-offs of recall@k and precision@k, indexing Metrics.Recall
// and Metrics.Precision.
var Ks = [3]int{1, 5, 10}

// Metrics are the mean metrics over all queries.
type Metrics struct {
	Recall    [3]float64 // recall@1, @5, @10
	Precision [3]float64 // precision@1, @5, @10
	MRR       float64
	MAP       float64
	NDCG10    float64
}

// Map returns the metrics keyed as in the reference files: "recall@1",
// "precision@1", …, "mrr", "map", "ndcg@10".
func (m Metrics) Map() map[string]float64 {
	out := map[string]float64{"mrr": m.MRR, "map": m.MAP, "ndcg@10": m.NDCG10}
	for i, k := range Ks {
		out[fmt.Sprintf("recall@%d", k)] = m.Recall[i]
		out[fmt.Sprintf("precision@%d", k)] = m.Precision[i]
	}
	return out
}

// Evaluate computes the metrics of n = len(labels) embeddings of size dim.
func Evaluate[T Float](emb []T, dim int, labels []int) (Metrics, error) {
	var ev Evaluator[T]
	return ev.Evaluate(emb, dim, labels)
}

// Evaluator computes metrics reusing its buffers across calls. It is not safe
// for concurrent use.
type Evaluator[T Float] struct {
	sims     []T       // n×n similarities
	perQuery []Metrics // summed in query order, so the result does not depend on the worker count
	workers  []worker[T]
}

// worker holds one goroutine's per-query buffers.
type worker[T Float] struct {
	rel    []item[T]
	others []T
}

type item[T Float] struct {
	sim T
	idx int
}

// ahead reports whether a ranks before b.
func ahead[T Float](a, b item[T]) bool {
	return a.sim > b.sim || (a.sim == b.sim && a.idx < b.idx)
}

// Evaluate computes the metrics of n = len(labels) embeddings of size dim
// (emb is n×dim row-major).
func (ev *Evaluator[T]) Evaluate(emb []T, dim int, labels []int) (Metrics, error) {
	n := len(labels)
	switch {
	case dim <= 0:
		return Metrics{}, fmt.Errorf("retrieval: embedding size %d, want > 0", dim)
	case n < 2:
		return Metrics{}, fmt.Errorf("retrieval: %d items, want at least 2 (each query needs another item)", n)
	case len(emb) != n*dim:
		return Metrics{}, fmt.Errorf("retrieval: %d embedding values for %d labels of size %d, want %d", len(emb), n, dim, n*dim)
	}
	if cap(ev.sims) < n*n {
		ev.sims = make([]T, n*n)
	}
	sims := ev.sims[:n*n]
	workers := max(1, min(runtime.GOMAXPROCS(0), n/32))
	for len(ev.workers) < workers {
		ev.workers = append(ev.workers, worker[T]{})
	}

	// Upper triangle of the similarities, mirrored; the rows are split so
	// that each worker gets about the same number of dot products.
	dot := dotFor[T]()
	bounds := func(w int) int { return int(float64(n) * (1 - math.Sqrt(1-float64(w)/float64(workers)))) }
	run(workers, func(w int) {
		for i := bounds(w); i < bounds(w+1); i++ {
			ei := emb[i*dim : (i+1)*dim]
			for j := i + 1; j < n; j++ {
				s := dot(ei, emb[j*dim:(j+1)*dim])
				sims[i*n+j], sims[j*n+i] = s, s
			}
		}
	})
	for _, s := range sims {
		if s != s || math.IsInf(float64(s), 0) {
			return Metrics{}, errors.New("retrieval: embeddings give a NaN or infinite similarity; check them for NaN/Inf")
		}
	}

	if cap(ev.perQuery) < n {
		ev.perQuery = make([]Metrics, n)
	}
	per := ev.perQuery[:n]
	run(workers, func(w int) {
		wk := &ev.workers[w]
		for q := w * n / workers; q < (w+1)*n/workers; q++ {
			per[q] = wk.query(q, sims[q*n:(q+1)*n], labels)
		}
	})
	var m Metrics
	for _, pq := range per {
		m.add(pq)
	}
	m.scale(1 / float64(n))
	return m, nil
}

// query returns the metrics of query q; row holds its similarities.
func (wk *worker[T]) query(q int, row []T, labels []int) (s Metrics) {
	rel, others := wk.rel[:0], wk.others[:0]
	for k, s := range row {
		switch {
		case k == q:
		case labels[k] == labels[q]:
			rel = append(rel, item[T]{s, k})
		default:
			others = append(others, s)
		}
	}
	wk.rel, wk.others = rel, others
	if len(rel) == 0 {
		return s
	}
	sortItems(rel)
	slices.Sort(others)
	// others ascending; walk it from the top while walking rel downwards.
	top := len(others) // others[top:] are the non-relevant items ranked ahead
	var ap, dcg float64
	for i, it := range rel {
		for top > 0 && others[top-1] > it.sim {
			top--
		}
		nAhead := len(others) - top
		if top > 0 && others[top-1] == it.sim {
			nAhead += tiesAhead(row, labels, q, it)
		}
		rank := i + 1 + nAhead
		if i == 0 {
			s.MRR += 1 / float64(rank)
		}
		for j, k := range Ks {
			if rank <= k {
				s.Precision[j] += 1 / float64(k)
				if i == 0 {
					s.Recall[j]++
				}
			}
		}
		if rank <= 10 {
			dcg += 1 / math.Log2(float64(rank)+1)
		}
		ap += float64(i+1) / float64(rank)
	}
	s.MAP += ap / float64(len(rel))
	s.NDCG10 += dcg / idealDCG[min(len(rel), 10)]
	return s
}

// tiesAhead counts the non-relevant items with the same similarity as it and
// a lower index (they rank ahead of it). Exact ties are rare, so this scans.
func tiesAhead[T Float](row []T, labels []int, q int, it item[T]) int {
	c := 0
	for k := range it.idx {
		if k != q && labels[k] != labels[q] && row[k] == it.sim {
			c++
		}
	}
	return c
}

// sortItems sorts by rank: insertion sort for the short lists of a typical
// query, the standard library beyond.
func sortItems[T Float](x []item[T]) {
	if len(x) > 24 {
		slices.SortFunc(x, func(a, b item[T]) int {
			if ahead(a, b) {
				return -1
			}
			return 1 // indices differ, so no two items are equal
		})
		return
	}
	for i := 1; i < len(x); i++ {
		v := x[i]
		j := i
		for ; j > 0 && ahead(v, x[j-1]); j-- {
			x[j] = x[j-1]
		}
		x[j] = v
	}
}

// idealDCG[r] is the DCG of r relevant items at the top (r ≤ 10).
var idealDCG = func() (d [11]float64) {
	for r := 1; r <= 10; r++ {
		d[r] = d[r-1] + 1/math.Log2(float64(r)+1)
	}
	return d
}()

func (m *Metrics) add(o Metrics) {
	for i := range m.Recall {
		m.Recall[i] += o.Recall[i]
		m.Precision[i] += o.Precision[i]
	}
	m.MRR += o.MRR
	m.MAP += o.MAP
	m.NDCG10 += o.NDCG10
}

func (m *Metrics) scale(f float64) {
	for i := range m.Recall {
		m.Recall[i] *= f
		m.Precision[i] *= f
	}
	m.MRR *= f
	m.MAP *= f
	m.NDCG10 *= f
}

// run calls f(0..workers-1), all but the first on new goroutines.
func run(workers int, f func(w int)) {
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w)
		}()
	}
	f(0)
	wg.Wait()
}

var blas gonum.Implementation

// dotFor returns gonum's dot product for T (assembly on amd64).
func dotFor[T Float]() func(x, y []T) T {
	var f any
	switch any(T(0)).(type) {
	case float32:
		f = func(x, y []float32) float32 { return blas.Sdot(len(x), x, 1, y, 1) }
	case float64:
		f = floats.Dot
	}
	return f.(func(x, y []T) T)
}
