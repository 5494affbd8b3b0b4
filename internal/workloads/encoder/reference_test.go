package encoder_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/benchsite/benchsite/internal/workloads/encoder"
)

// The reference vectors are shared with the retrieval tests; see
// ../testdata/SOURCE.md.
const refGlob = "../testdata/reference-*.json"

type summary struct {
	Sum   float64   `json:"sum"`
	Sumsq float64   `json:"sumsq"`
	First []float64 `json:"first"`
}

type reference struct {
	Seed      float64            `json:"seed"`
	Batch     int                `json:"batch"`
	Embedding [][]float64        `json:"embedding"`
	Logits    [][]float64        `json:"logits"`
	Loss      float64            `json:"loss"`
	Grads     map[string]summary `json:"grads"`
	Adam      struct {
		LR          float64            `json:"lr"`
		Betas       []float64          `json:"betas"`
		Eps         float64            `json:"eps"`
		Steps       int                `json:"steps"`
		Losses      []float64          `json:"losses"`
		ParamsAfter map[string]summary `json:"params_after"`
	} `json:"adam"`
}

func loadReferences(t *testing.T) map[string]reference {
	t.Helper()
	files, err := filepath.Glob(refGlob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference vectors match %s (err %v)", refGlob, err)
	}
	refs := map[string]reference{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var r reference
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if r.Batch <= 0 || len(r.Embedding) != r.Batch || len(r.Logits) != r.Batch || len(r.Grads) != encoder.NumParams ||
			len(r.Adam.Losses) != r.Adam.Steps || len(r.Adam.ParamsAfter) != encoder.NumParams || len(r.Adam.Betas) != 2 {
			t.Fatalf("%s: incomplete reference (batch %d, %d embeddings, %d grads, %d Adam losses for %d steps)",
				f, r.Batch, len(r.Embedding), len(r.Grads), len(r.Adam.Losses), r.Adam.Steps)
		}
		refs[filepath.Base(f)] = r
	}
	return refs
}

// formulaEncoder builds the reference's closed-form weights:
// 0.1·sin(1 + 0.7·p + 0.013·r + 0.029·c + seed), biases without the c term.
func formulaEncoder[T encoder.Float](seed float64) *encoder.Encoder[T] {
	return encoder.NewFunc[T](func(p, r, c int) float64 {
		a := 1 + 0.7*float64(p) + 0.013*float64(r) + seed
		if p%2 == 0 {
			a += 0.029 * float64(c)
		}
		return 0.1 * math.Sin(a)
	})
}

// formulaBatch is x[b][f] = sin(0.5·b + 0.31·f + seed), y[b] = b mod 8.
func formulaBatch[T encoder.Float](seed float64, batch int) ([]T, []int) {
	x := make([]T, batch*encoder.In)
	y := make([]int, batch)
	for b := range batch {
		for f := range encoder.In {
			x[b*encoder.In+f] = T(math.Sin(0.5*float64(b) + 0.31*float64(f) + seed))
		}
		y[b] = b % encoder.Classes
	}
	return x, y
}

// checker compares with a relative tolerance. Where a value can be small by
// cancellation, the tolerance is relative to a stated scale instead (the RMS
// of the entries it is made of), so a near-zero sum is not held to 1e-9 of
// itself.
type checker struct {
	t     *testing.T
	rel   float64
	worst float64
}

func (c *checker) near(what string, got, want, scale float64) {
	c.t.Helper()
	tol := c.rel * max(math.Abs(want), scale)
	err := math.Abs(got - want)
	if err/max(math.Abs(want), scale) > c.worst {
		c.worst = err / max(math.Abs(want), scale)
	}
	if !(err <= tol) {
		c.t.Errorf("%s = %.17g, want %.17g (|diff| %.3g > %.3g)", what, got, want, err, tol)
	}
}

// summarize computes sum, sum of squares and the first five entries of
// parameter p (or its gradient), in PyTorch's row-major (out, in) order.
func summarize(p int, at func(p, r, c int) float64) (s summary, n int) {
	out, in := encoder.Shape(p)
	for r := range out {
		for c := range in {
			v := at(p, r, c)
			s.Sum += v
			s.Sumsq += v * v
			if len(s.First) < 5 {
				s.First = append(s.First, v)
			}
		}
	}
	return s, out * in
}

func (c *checker) summary(what string, got, want summary, n int) {
	c.t.Helper()
	if len(want.First) != len(got.First) {
		c.t.Fatalf("%s: reference has %d first entries, want %d", what, len(want.First), len(got.First))
	}
	rms := math.Sqrt(want.Sumsq / float64(n))
	c.near(what+" sum", got.Sum, want.Sum, rms*math.Sqrt(float64(n)))
	c.near(what+" sumsq", got.Sumsq, want.Sumsq, 0)
	for i := range got.First {
		c.near(fmt.Sprintf("%s first[%d]", what, i), got.First[i], want.First[i], rms)
	}
}

func TestReferenceFloat64(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			c := &checker{t: t, rel: 1e-9}
			checkReference[float64](t, c, ref)
			t.Logf("worst relative error %.2g", c.worst)
		})
	}
}

// float32 is what the benchmarks run; it must agree to float32 accuracy.
func TestReferenceFloat32(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			c := &checker{t: t, rel: 1e-5}
			checkReference[float32](t, c, ref)
			t.Logf("worst relative error %.2g", c.worst)
		})
	}
}

func checkReference[T encoder.Float](t *testing.T, c *checker, ref reference) {
	enc := formulaEncoder[T](ref.Seed)
	enc.Adam = encoder.Adam{LR: ref.Adam.LR, Beta1: ref.Adam.Betas[0], Beta2: ref.Adam.Betas[1], Eps: ref.Adam.Eps}
	x, y := formulaBatch[T](ref.Seed, ref.Batch)

	emb := enc.Forward(x)
	for b, row := range ref.Embedding {
		for j, want := range row {
			c.near(fmt.Sprintf("embedding[%d][%d]", b, j), float64(emb[b*encoder.Embed+j]), want, 1/math.Sqrt(encoder.Embed))
		}
	}
	emb2, logits := enc.Logits(x)
	for i := range emb {
		if emb[i] != emb2[i] {
			t.Fatalf("Forward and Logits disagree on embedding element %d: %v vs %v", i, emb[i], emb2[i])
		}
	}
	for b, row := range ref.Logits {
		scale := 0.0
		for _, v := range row {
			scale = max(scale, math.Abs(v))
		}
		for j, want := range row {
			c.near(fmt.Sprintf("logits[%d][%d]", b, j), float64(logits[b*encoder.Classes+j]), want, scale)
		}
	}
	c.near("loss (Loss)", enc.Loss(x, y), ref.Loss, 0)
	c.near("loss (Gradients)", enc.Gradients(x, y), ref.Loss, 0)
	grad := func(p, r, c int) float64 { return float64(enc.Grad(p, r, c)) }
	for p, name := range encoder.ParamNames {
		got, n := summarize(p, grad)
		c.summary("grad "+name, got, ref.Grads[name], n)
	}

	for step, want := range ref.Adam.Losses {
		c.near(fmt.Sprintf("loss before Adam step %d", step+1), enc.TrainStep(x, y), want, 0)
	}
	if enc.Steps() != ref.Adam.Steps {
		t.Errorf("Steps() = %d after %d steps", enc.Steps(), ref.Adam.Steps)
	}
	param := func(p, r, c int) float64 { return float64(enc.Param(p, r, c)) }
	for p, name := range encoder.ParamNames {
		got, n := summarize(p, param)
		c.summary(fmt.Sprintf("%s after %d Adam steps", name, ref.Adam.Steps), got, ref.Adam.ParamsAfter[name], n)
	}
}
