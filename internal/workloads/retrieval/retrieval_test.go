package retrieval_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/workloads/retrieval"
)

// The reference vectors are shared with the encoder tests; see
// ../testdata/SOURCE.md.
const refGlob = "../testdata/reference-*.json"

func TestReference(t *testing.T) {
	files, err := filepath.Glob(refGlob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference vectors match %s (err %v)", refGlob, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var ref struct {
				Retrieval struct {
					Embeddings [][]float64        `json:"embeddings"`
					Labels     []int              `json:"labels"`
					Metrics    map[string]float64 `json:"metrics"`
				} `json:"retrieval"`
			}
			if err := json.Unmarshal(data, &ref); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			r := ref.Retrieval
			if len(r.Embeddings) == 0 || len(r.Embeddings) != len(r.Labels) || len(r.Metrics) != 9 {
				t.Fatalf("%s: incomplete retrieval section (%d embeddings, %d labels, %d metrics)", f, len(r.Embeddings), len(r.Labels), len(r.Metrics))
			}
			dim := len(r.Embeddings[0])
			var emb []float64
			for _, row := range r.Embeddings {
				emb = append(emb, row...)
			}
			m, err := retrieval.Evaluate(emb, dim, r.Labels)
			if err != nil {
				t.Fatal(err)
			}
			got := m.Map()
			for name, want := range r.Metrics {
				g, ok := got[name]
				if !ok {
					t.Errorf("reference metric %q is not computed", name)
					continue
				}
				if math.Abs(g-want) > 1e-9*max(math.Abs(want), 1e-3) {
					t.Errorf("%s = %.17g, want %.17g", name, g, want)
				}
			}
		})
	}
}

// Four equal embeddings: every ranking is decided by the tie rule (lower
// index first), worked out by hand.
func TestTiesByHand(t *testing.T) {
	emb := []float64{1, 1, 1, 1}
	labels := []int{0, 1, 0, 1}
	// Query 0 ranks 1,2,3: relevant 2 at rank 2. Query 1 ranks 0,2,3:
	// relevant 3 at rank 3. Query 2 ranks 0,1,3: relevant 0 at rank 1.
	// Query 3 ranks 0,1,2: relevant 1 at rank 2.
	ranks := []float64{2, 3, 1, 2}
	var mrr, ndcg, p5 float64
	for _, r := range ranks {
		mrr += 1 / r / 4
		ndcg += 1 / math.Log2(r+1) / 4
		p5 += 0.2 / 4
	}
	m, err := retrieval.Evaluate(emb, 1, labels)
	if err != nil {
		t.Fatal(err)
	}
	want := retrieval.Metrics{
		Recall:    [3]float64{0.25, 1, 1},
		Precision: [3]float64{0.25, p5, p5 / 2},
		MRR:       mrr, MAP: mrr, NDCG10: ndcg,
	}
	if !close(m, want, 1e-15) {
		t.Fatalf("got %+v\nwant %+v", m, want)
	}
}

// naive ranks all other items with a full sort, the obvious way.
func naive[T retrieval.Float](emb []T, dim int, labels []int) retrieval.Metrics {
	n := len(labels)
	var m retrieval.Metrics
	sim := func(i, j int) T {
		var s T
		for k := range dim {
			s += emb[i*dim+k] * emb[j*dim+k]
		}
		return s
	}
	for q := range n {
		var order []int
		for k := range n {
			if k != q {
				order = append(order, k)
			}
		}
		s := make([]T, n)
		for _, k := range order {
			s[k] = sim(q, k)
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case s[a] > s[b]:
				return -1
			case s[a] < s[b]:
				return 1
			}
			return a - b
		})
		var hits, first int
		var ap, dcg float64
		var inTop [3]int
		for pos, k := range order {
			if labels[k] != labels[q] {
				continue
			}
			rank := pos + 1
			hits++
			if first == 0 {
				first = rank
			}
			ap += float64(hits) / float64(rank)
			if rank <= 10 {
				dcg += 1 / math.Log2(float64(rank)+1)
			}
			for i, c := range retrieval.Ks {
				if rank <= c {
					inTop[i]++
				}
			}
		}
		if hits == 0 {
			continue
		}
		var ideal float64
		for i := 1; i <= min(hits, 10); i++ {
			ideal += 1 / math.Log2(float64(i)+1)
		}
		for i, c := range retrieval.Ks {
			if first <= c {
				m.Recall[i]++
			}
			m.Precision[i] += float64(inTop[i]) / float64(c)
		}
		m.MRR += 1 / float64(first)
		m.MAP += ap / float64(hits)
		m.NDCG10 += dcg / ideal
	}
	f := 1 / float64(n)
	for i := range m.Recall {
		m.Recall[i] *= f
		m.Precision[i] *= f
	}
	m.MRR *= f
	m.MAP *= f
	m.NDCG10 *= f
	return m
}

func close(a, b retrieval.Metrics, tol float64) bool {
	am, bm := a.Map(), b.Map()
	for k, v := range am {
		if math.Abs(v-bm[k]) > tol {
			return false
		}
	}
	return true
}

// randomCase draws n normalised embeddings; coarse quantisation and
// duplicated rows make exact similarity ties common.
func randomCase(rng *rand.Rand, n, dim, classes int, coarse bool) ([]float64, []int) {
	emb := make([]float64, n*dim)
	labels := make([]int, n)
	for i := range n {
		row := emb[i*dim : (i+1)*dim]
		if coarse && i > 0 && rng.IntN(4) == 0 {
			copy(row, emb[(i-1)*dim:i*dim])
		} else {
			var ss float64
			for k := range row {
				row[k] = rng.NormFloat64()
				if coarse {
					row[k] = math.Round(row[k])
				}
				ss += row[k] * row[k]
			}
			if !coarse && ss > 0 {
				for k := range row {
					row[k] /= math.Sqrt(ss)
				}
			}
		}
		labels[i] = rng.IntN(classes)
	}
	return emb, labels
}

func TestAgainstFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ev retrieval.Evaluator[float64]
	var ev32 retrieval.Evaluator[float32]
	for _, n := range []int{2, 3, 17, 100, 160} {
		for _, classes := range []int{1, 2, 8, 40} {
			for _, coarse := range []bool{false, true} {
				emb, labels := randomCase(rng, n, 4, classes, coarse)
				got, err := ev.Evaluate(emb, 4, labels)
				if err != nil {
					t.Fatal(err)
				}
				if want := naive(emb, 4, labels); !close(got, want, 1e-12) {
					t.Errorf("n=%d classes=%d coarse=%v:\n got %+v\nwant %+v", n, classes, coarse, got, want)
				}
				emb32 := make([]float32, len(emb))
				for i, v := range emb {
					emb32[i] = float32(v)
				}
				got32, err := ev32.Evaluate(emb32, 4, labels)
				if err != nil {
					t.Fatal(err)
				}
				if want := naive(emb32, 4, labels); !close(got32, want, 1e-12) {
					t.Errorf("float32 n=%d classes=%d coarse=%v:\n got %+v\nwant %+v", n, classes, coarse, got32, want)
				}
			}
		}
	}
}

func TestThreadCountDoesNotChangeResults(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	emb, labels := randomCase(rand.New(rand.NewPCG(3, 4)), 300, 16, 8, false)
	runtime.GOMAXPROCS(1)
	a, _ := retrieval.Evaluate(emb, 16, labels)
	runtime.GOMAXPROCS(3)
	b, _ := retrieval.Evaluate(emb, 16, labels)
	if a != b {
		t.Fatalf("GOMAXPROCS 1 and 3 differ:\n%+v\n%+v", a, b)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		emb    []float64
		dim    int
		labels []int
		want   string
	}{
		{[]float64{1, 2}, 0, []int{0, 1}, "embedding size 0"},
		{[]float64{1}, 1, []int{0}, "at least 2"},
		{[]float64{1, 2, 3}, 1, []int{0, 1}, "3 embedding values for 2 labels"},
		{[]float64{1, math.NaN()}, 1, []int{0, 1}, "NaN"},
	} {
		_, err := retrieval.Evaluate(c.emb, c.dim, c.labels)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Evaluate(%v, %d, %v) error %v, want one containing %q", c.emb, c.dim, c.labels, err, c.want)
		}
	}
}
