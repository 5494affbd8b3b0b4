package encoder_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/workloads/determinism"
	"github.com/benchsite/benchsite/internal/workloads/encoder"
	"github.com/benchsite/benchsite/internal/workloads/patients"
)

// patientBatch is a batch of generated patients, as float64 features.
func patientBatch(seed uint64, n int) ([]float64, []int) {
	ps, feats := patients.Generate(n, determinism.New(seed, determinism.Data))
	y := make([]int, n)
	for i, p := range ps {
		y[i] = p.Condition
	}
	return encoder.Gather[float64](nil, feats, nil), y
}

// gradCheck compares a sample of analytic gradient entries of every
// parameter with central finite differences of Loss.
func gradCheck(t *testing.T, enc *encoder.Encoder[float64], x []float64, y []int, perParam int, rng *rand.Rand) {
	t.Helper()
	enc.Gradients(x, y)
	worst := 0.0
	for p, name := range encoder.ParamNames {
		out, in := encoder.Shape(p)
		// Step and error floor scale with the parameter's and gradient's
		// RMS, so the check works for tiny weights too.
		var pss, gss float64
		for r := range out {
			for c := range in {
				pss += enc.Param(p, r, c) * enc.Param(p, r, c)
				gss += enc.Grad(p, r, c) * enc.Grad(p, r, c)
			}
		}
		h := 1e-4 * math.Sqrt(pss/float64(out*in))
		floor := 1e-6 * math.Sqrt(gss/float64(out*in))
		for range perParam {
			r, c := rng.IntN(out), rng.IntN(in)
			g := enc.Grad(p, r, c)
			w := enc.Param(p, r, c)
			enc.SetParam(p, r, c, w+h)
			lp := enc.Loss(x, y)
			enc.SetParam(p, r, c, w-h)
			lm := enc.Loss(x, y)
			enc.SetParam(p, r, c, w)
			fd := (lp - lm) / (2 * h)
			// Central differences err by O(h²) (about 1e-8 relative here)
			// plus the rounding of the two losses divided by 2h, bounded
			// with a few ulps. A wrong formula errs by the size of the
			// gradient itself.
			err := math.Abs(fd - g)
			tol := 1e-5*max(math.Abs(fd), math.Abs(g)) + floor + 1e-15*(math.Abs(lp)+math.Abs(lm))/h
			worst = max(worst, err/tol)
			if err > tol {
				t.Errorf("%s[%d,%d]: analytic %.10g, finite difference %.10g (|diff| %.2g)", name, r, c, g, fd, err)
			}
		}
	}
	t.Logf("worst error / tolerance %.2g", worst)
}

func TestGradientFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	enc := encoder.New[float64](determinism.New(11, determinism.Model))
	x, y := patientBatch(3, 6)
	gradCheck(t, enc, x, y, 24, rng)
}

// With tiny last-layer weights (1e-15 of their initial values) the pre-normalisation norm is below eps, so
// the embedding is z/eps and the other branch of the normalisation's
// backward pass is taken.
func TestGradientFiniteDifferenceBelowEps(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	enc := encoder.New[float64](determinism.New(12, determinism.Model))
	for _, p := range []int{encoder.L3Weight, encoder.L3Bias} {
		out, in := encoder.Shape(p)
		for r := range out {
			for c := range in {
				enc.SetParam(p, r, c, enc.Param(p, r, c)*1e-15)
			}
		}
	}
	x, y := patientBatch(4, 5)
	emb := enc.Forward(x)
	var n float64
	for _, v := range emb[:encoder.Embed] {
		n += v * v
	}
	if n = math.Sqrt(n); n >= 0.5 {
		t.Fatalf("embedding norm %v: the setup did not push ‖z‖ below eps (the embedding should be z/eps, norm < 1)", n)
	}
	gradCheck(t, enc, x, y, 12, rng)
}

func TestForwardShapesAndNorms(t *testing.T) {
	enc := encoder.New[float32](determinism.New(1, determinism.Model))
	for _, batch := range []int{1, 7, 32, 100} {
		x64, _ := patientBatch(uint64(batch), batch)
		x := make([]float32, len(x64))
		for i, v := range x64 {
			x[i] = float32(v)
		}
		emb := enc.Forward(x)
		if len(emb) != batch*encoder.Embed {
			t.Fatalf("batch %d: %d embedding values, want %d", batch, len(emb), batch*encoder.Embed)
		}
		for b := range batch {
			var s float64
			for _, v := range emb[b*encoder.Embed : (b+1)*encoder.Embed] {
				s += float64(v) * float64(v)
			}
			if math.Abs(math.Sqrt(s)-1) > 1e-5 {
				t.Fatalf("batch %d row %d: norm %v, want 1", batch, b, math.Sqrt(s))
			}
		}
	}
}

func TestBadInputPanics(t *testing.T) {
	enc := encoder.New[float64](determinism.New(1, determinism.Model))
	for name, f := range map[string]func(){
		"empty":       func() { enc.Forward(nil) },
		"ragged":      func() { enc.Forward(make([]float64, 65)) },
		"few labels":  func() { enc.Loss(make([]float64, 128), []int{0}) },
		"label range": func() { enc.TrainStep(make([]float64, 64), []int{8}) },
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), "encoder") {
					t.Errorf("%s: recovered %v, want a panic naming the encoder", name, r)
				}
			}()
			f()
		}()
	}
}

// train runs steps of batch-32 training on n generated patients and returns
// the encoder and the losses.
func train(seed uint64, n, steps int) (*encoder.Encoder[float64], []float64, []int) {
	src := determinism.SetDeterminism(seed)
	ps, feats := patients.Generate(n, src.Data)
	labels := make([]int, n)
	for i, p := range ps {
		labels[i] = p.Condition
	}
	enc := encoder.New[float64](src.Model)
	s := encoder.NewSampler(n, src.Batch)
	var x []float64
	y := make([]int, 32)
	var losses []float64
	var batches []int
	for range steps {
		idx := s.Next(32)
		batches = append(batches, idx...)
		x = encoder.Gather(x, feats, idx)
		for i, j := range idx {
			y[i] = labels[j]
		}
		losses = append(losses, enc.TrainStep(x, y))
	}
	return enc, losses, batches
}

func bitsEqual[T encoder.Float](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(float64(a[i])) != math.Float64bits(float64(b[i])) {
			return false
		}
	}
	return true
}

func TestDeterminism(t *testing.T) {
	a := encoder.New[float64](determinism.New(3, determinism.Model))
	b := encoder.New[float64](determinism.New(3, determinism.Model))
	c := encoder.New[float64](determinism.New(4, determinism.Model))
	if !bitsEqual(a.Params(), b.Params()) {
		t.Fatal("same seed gave different initial weights")
	}
	if bitsEqual(a.Params(), c.Params()) {
		t.Fatal("seeds 3 and 4 gave the same initial weights")
	}

	e1, l1, b1 := train(9, 300, 5)
	e2, l2, b2 := train(9, 300, 5)
	e3, l3, b3 := train(10, 300, 5)
	if fmt.Sprint(b1) != fmt.Sprint(b2) || !bitsEqual(l1, l2) || !bitsEqual(e1.Params(), e2.Params()) {
		t.Fatal("same seed gave different batches, losses or trained weights")
	}
	if fmt.Sprint(b1) == fmt.Sprint(b3) || bitsEqual(l1, l3) || bitsEqual(e1.Params(), e3.Params()) {
		t.Fatal("seeds 9 and 10 gave the same batches, losses or weights")
	}
}

// The parallel kernels split work by rows and output blocks only, so one
// thread and several give the same bits.
func TestThreadCountDoesNotChangeResults(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var embs [2][]float32
	var params [2][]float32
	for i, procs := range []int{1, 3} {
		runtime.GOMAXPROCS(procs)
		enc := encoder.New[float32](determinism.New(2, determinism.Model))
		x64, y := patientBatch(2, 64)
		x := make([]float32, len(x64))
		for j, v := range x64 {
			x[j] = float32(v)
		}
		for range 3 {
			enc.TrainStep(x, y)
		}
		embs[i] = append([]float32(nil), enc.Forward(x)...)
		params[i] = append([]float32(nil), enc.Params()...)
	}
	if !bitsEqual(embs[0], embs[1]) || !bitsEqual(params[0], params[1]) {
		t.Fatal("GOMAXPROCS 1 and 3 gave different results")
	}
}

func TestSampler(t *testing.T) {
	s := encoder.NewSampler(10, rand.New(rand.NewPCG(1, 2)))
	seen := map[int]int{}
	for range 3 {
		for _, i := range s.Next(3) {
			seen[i]++
		}
	}
	// One epoch of 10 gives three batches of 3 without repeats.
	if len(seen) != 9 {
		t.Fatalf("first epoch: %d distinct indices in 9 draws, want 9: %v", len(seen), seen)
	}
	if got := s.Next(3); len(got) != 3 {
		t.Fatalf("second epoch batch %v", got)
	}
}

func TestLayout(t *testing.T) {
	enc := encoder.New[float32](determinism.New(1, determinism.Model))
	if len(enc.Params()) != encoder.NumWeights || len(enc.Grads()) != encoder.NumWeights {
		t.Fatalf("%d params, %d grads, want %d", len(enc.Params()), len(enc.Grads()), encoder.NumWeights)
	}
	total := 0
	for p := range encoder.NumParams {
		out, in := encoder.Shape(p)
		total += out * in
		// PyTorch's default init bounds every entry by 1/√fan_in.
		_, fanIn := encoder.Shape(p - p%2)
		bound := float32(1 / math.Sqrt(float64(fanIn)))
		for r := range out {
			for c := range in {
				if v := enc.Param(p, r, c); v < -bound || v > bound {
					t.Fatalf("%s[%d,%d] = %v outside ±%v", encoder.ParamNames[p], r, c, v, bound)
				}
			}
		}
	}
	if total != encoder.NumWeights {
		t.Fatalf("shapes add up to %d, NumWeights is %d", total, encoder.NumWeights)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Param outside the shape did not panic")
		}
	}()
	enc.Param(encoder.L1Weight, 256, 0)
}
