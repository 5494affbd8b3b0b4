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
// Every metric depends only on the ranks of the relevant items, so no query
// sorts its n−1 items. With R ≤ 64 relevant items, the rank of each is
// 1 + #{items ranked ahead of it}: for float32 similarities a histogram of
// branch-free binary searches of every item among the sorted relevant ones
// (O(n log R)), for float64 direct counting (O(nR)). With more relevant
// items, they are sorted and merged against the sorted similarities of the
// others (O(n log n)). Ties are exact in all three.
package retrieval

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/benchsite/benchsite/internal/workloads/internal/par"
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
	dotRows  func(x, rows, out []T) // see kernels.go
	sims     []T                    // n×n similarities
	perQuery []Metrics              // summed in query order, so the result does not depend on the workers
	workers  []worker[T]
}

// worker holds one goroutine's per-query buffers.
type worker[T Float] struct {
	rel    []item[T]
	others []T
	// float32 path: the relevant items' rank keys and a histogram
	relKeys []uint64
	hist    []int32
	bad     bool // a NaN or ±Inf similarity was seen
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
	for len(ev.workers) < runtime.GOMAXPROCS(0) {
		ev.workers = append(ev.workers, worker[T]{})
	}
	for i := range ev.workers {
		ev.workers[i].bad = false
	}

	// Upper triangle of the similarities, mirrored, in chunks of rows
	// (claimed dynamically, so the shrinking rows balance out). The
	// diagonal is −Inf, so a query never counts itself as ranked ahead.
	if ev.dotRows == nil {
		ev.dotRows = dotRowsFor[T]()
	}
	dotRows := ev.dotRows
	const rowChunk, queryChunk = 4, 8
	par.Do(ceilDiv(n, rowChunk), len(ev.workers), func(w, c int) {
		wk := &ev.workers[w]
		for i := c * rowChunk; i < min((c+1)*rowChunk, n); i++ {
			sims[i*n+i] = T(math.Inf(-1))
			upper := sims[i*n+i+1 : (i+1)*n]
			dotRows(emb[i*dim:(i+1)*dim], emb[(i+1)*dim:], upper)
			for j, s := range upper {
				sims[(i+1+j)*n+i] = s
				if s-s != 0 { // NaN or ±Inf
					wk.bad = true
				}
			}
		}
	})
	for _, wk := range ev.workers {
		if wk.bad {
			return Metrics{}, errors.New("retrieval: embeddings give a NaN or infinite similarity; check them for NaN/Inf")
		}
	}

	if cap(ev.perQuery) < n {
		ev.perQuery = make([]Metrics, n)
	}
	per := ev.perQuery[:n]
	par.Do(ceilDiv(n, queryChunk), len(ev.workers), func(w, c int) {
		wk := &ev.workers[w]
		for q := c * queryChunk; q < min((c+1)*queryChunk, n); q++ {
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

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// query returns the metrics of query q; row holds its similarities (−Inf
// at q).
func (wk *worker[T]) query(q int, row []T, labels []int) Metrics {
	lq := labels[q]
	rel := wk.rel[:0]
	for k, s := range row {
		if labels[k] == lq && k != q {
			rel = append(rel, item[T]{s, k})
		}
	}
	wk.rel = rel
	if len(rel) == 0 {
		return Metrics{}
	}
	if len(rel) > 64 {
		return wk.querySorted(q, row, labels)
	}
	if row32, ok := any(row).([]float32); ok {
		return wk.queryKeys(q, row32)
	}
	// rank_i = 1 + #{k ahead of i}: k < idx_i ties go ahead, k > idx_i
	// must be strictly more similar. pos_i, the position of i among the
	// relevant items, counts the same way within rel.
	var r ranks
	for _, it := range rel {
		nAll := 0
		for _, s := range row[:it.idx] {
			nAll += b2i(s >= it.sim)
		}
		for _, s := range row[it.idx+1:] {
			nAll += b2i(s > it.sim)
		}
		nRel := 0
		for _, o := range rel {
			nRel += b2i(ahead(o, it))
		}
		r.add(nRel+1, nAll+1)
	}
	return r.metrics(len(rel))
}

// queryKeys is query for float32 similarities and a few relevant items
// (wk.rel). A float32 similarity and an index fit in one uint64 whose order
// is the ranking order (see rankKey). With the relevant items' keys sorted
// descending, rk[0] > rk[1] > …, an item with key x ranks ahead of (or is)
// relevant item i exactly when p(x) = #{j: rk[j] > x} ≤ i, so
// rank_i = #{k ≠ q: p(key_k) ≤ i}: a histogram of p over the row and its
// prefix sums. p is a branch-free binary search.
func (wk *worker[T]) queryKeys(q int, row []float32) Metrics {
	nRel := len(wk.rel)
	rk := wk.relKeys[:0]
	for _, it := range wk.rel {
		rk = append(rk, rankKey(row[it.idx], it.idx))
	}
	slices.Sort(rk)
	slices.Reverse(rk)
	// Pad with zeros (below every real key) to a power of two > nRel, so
	// the search needs no bounds logic and ends at most at nRel.
	size, log := 1, 0
	for size <= nRel {
		size *= 2
		log++
	}
	for len(rk) < size {
		rk = append(rk, 0)
	}
	wk.relKeys = rk
	hist := wk.hist[:0]
	for range nRel + 1 {
		hist = append(hist, 0)
	}
	wk.hist = hist
	// c = #{j: rk[j] > x}, without a branch on the comparison (an if
	// compiles to a jump that mispredicts half the time), four items at a
	// time so that their dependent load chains overlap. The query's own
	// similarity is −Inf, below every relevant key, so it lands in
	// hist[nRel], which no rank counts.
	k := 0
	for ; k+4 <= len(row); k += 4 {
		x0, x1, x2, x3 := rankKey(row[k], k), rankKey(row[k+1], k+1), rankKey(row[k+2], k+2), rankKey(row[k+3], k+3)
		c0, c1, c2, c3 := 0, 0, 0, 0
		for sh := log - 1; sh >= 0; sh-- {
			step := 1<<sh - 1
			c0 += b2i(rk[c0+step] > x0) << sh
			c1 += b2i(rk[c1+step] > x1) << sh
			c2 += b2i(rk[c2+step] > x2) << sh
			c3 += b2i(rk[c3+step] > x3) << sh
		}
		hist[c0]++
		hist[c1]++
		hist[c2]++
		hist[c3]++
	}
	for ; k < len(row); k++ {
		x, c := rankKey(row[k], k), 0
		for sh := log - 1; sh >= 0; sh-- {
			c += b2i(rk[c+1<<sh-1] > x) << sh
		}
		hist[c]++
	}
	var r ranks
	rank := 0
	for i := range nRel {
		rank += int(hist[i])
		r.add(i+1, rank)
	}
	return r.metrics(nRel)
}

// rankKey maps (similarity, index) to a key that is larger exactly when the
// item ranks ahead: higher similarity, then lower index. The high half is
// the float's bits made order-preserving (−0 counted as +0, as == does), the
// low half the complemented index.
func rankKey(s float32, k int) uint64 {
	if s == 0 {
		s = 0 // −0 → +0
	}
	u := math.Float32bits(s)
	// Negative: flip all bits; positive: set the sign bit. Branch-free,
	// since similarities take either sign unpredictably.
	u ^= uint32(int32(u)>>31) | 1<<31
	return uint64(u)<<32 | uint64(^uint32(k))
}

// ranks accumulates per-query metrics from the relevant items' ranks, in any
// order: for each, pos is its position among the relevant items (1-based)
// and rank its rank among all.
type ranks struct {
	first   int // best rank
	inTop   [3]int
	ap, dcg float64
}

func (r *ranks) add(pos, rank int) {
	if r.first == 0 || rank < r.first {
		r.first = rank
	}
	for j, k := range Ks {
		r.inTop[j] += b2i(rank <= k)
	}
	if rank <= 10 {
		r.dcg += 1 / math.Log2(float64(rank)+1)
	}
	r.ap += float64(pos) / float64(rank)
}

func (r *ranks) metrics(nRel int) (m Metrics) {
	for j, k := range Ks {
		if r.first <= k {
			m.Recall[j] = 1
		}
		m.Precision[j] = float64(r.inTop[j]) / float64(k)
	}
	m.MRR = 1 / float64(r.first)
	m.MAP = r.ap / float64(nRel)
	m.NDCG10 = r.dcg / idealDCG[min(nRel, 10)]
	return m
}

// querySorted ranks many relevant items (wk.rel) by sorting them and the
// other items' similarities and merging.
func (wk *worker[T]) querySorted(q int, row []T, labels []int) Metrics {
	rel, others := wk.rel, wk.others[:0]
	for k, s := range row {
		if labels[k] != labels[q] {
			others = append(others, s)
		}
	}
	wk.others = others
	sortItems(rel)
	slices.Sort(others)
	// others ascending; walk it from the top while walking rel downwards.
	top := len(others) // others[top:] are the non-relevant items ranked ahead
	var r ranks
	for i, it := range rel {
		for top > 0 && others[top-1] > it.sim {
			top--
		}
		nAhead := len(others) - top
		if top > 0 && others[top-1] == it.sim {
			nAhead += tiesAhead(row, labels, q, it)
		}
		r.add(i+1, i+1+nAhead)
	}
	return r.metrics(len(rel))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
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
