// Package encoder is the patient encoder: a 64→256→256→128 MLP with ReLU
// and row-wise L2 normalisation, whose output is the patient embedding, plus
// a 128→8 classification head used to train it.
//
//	h1 = relu(x·W1ᵀ + b1)            (batch × 256)
//	h2 = relu(h1·W2ᵀ + b2)           (batch × 256)
//	z  = h2·W3ᵀ + b3                 (batch × 128)
//	e  = z / max(‖z‖, 1e-12)         the embedding (torch.nn.functional.normalize)
//	logits = e·Whᵀ + bh              (batch × 8)
//
// A training step zeroes the gradients, computes the mean softmax
// cross-entropy of the logits against the labels, back-propagates by hand
// through every layer (the normalisation included) and applies one Adam
// update with PyTorch's bias correction (torch.optim.Adam, no weight decay,
// no amsgrad).
//
// # Precision
//
// Encoder is generic over float32 and float64. Encoder[float64] reproduces the
// float64 PyTorch reference (../testdata/reference-*.json) to about 1e-9
// relative. Encoder[float32] is what the benchmark suites time, because
// float32 is PyTorch's default dtype and so what the reference timings
// measured; it agrees with the reference to about 1e-5 relative. Losses are
// accumulated in float64 in both.
//
// # Layout and speed
//
// Parameters live in one flat slice (see Params) so that Adam is one loop.
// Weight matrices are stored transposed with respect to PyTorch, as (in, out)
// row-major, so that a layer is a sum of rows of Wᵀ scaled by the inputs
// (gonum's AXPY kernels, assembly on amd64; unrolled Go loops on js/wasm,
// where gonum has no assembly) and the zeros that ReLU and the multi-hot
// features produce are skipped rather than multiplied. Param and
// Grad index in PyTorch's (out, in) layout. Work is split over GOMAXPROCS
// goroutines (package par) by rows or by output blocks, never inside a sum,
// so results do not depend on the number of threads. Scratch buffers are
// sized to the largest batch seen and reused: the slices an Encoder returns
// are valid until its next call. An Encoder is not safe for concurrent use.
package encoder

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/benchsite/benchsite/internal/workloads/internal/par"
)

// Float is the element type of an Encoder.
type Float interface{ float32 | float64 }

// Layer sizes.
const (
	In      = 64  // features per patient
	Hidden  = 256 // width of the two hidden layers
	Embed   = 128 // embedding size
	Classes = 8   // conditions the head predicts

	// Eps is the floor of the norm in the L2 normalisation.
	Eps = 1e-12
)

// The parameters, in PyTorch's named_parameters order.
const (
	L1Weight = iota
	L1Bias
	L2Weight
	L2Bias
	L3Weight
	L3Bias
	HeadWeight
	HeadBias
	NumParams
)

// ParamNames are PyTorch's names of the parameters, indexed like Param.
var ParamNames = [NumParams]string{"l1.weight", "l1.bias", "l2.weight", "l2.bias", "l3.weight", "l3.bias", "head.weight", "head.bias"}

// Shape returns the PyTorch shape (out, in) of parameter p; biases have in = 1.
func Shape(p int) (out, in int) {
	s := shapes[p]
	return s.out, s.in
}

type shape struct{ out, in int }

var shapes = [NumParams]shape{{Hidden, In}, {Hidden, 1}, {Hidden, Hidden}, {Hidden, 1}, {Embed, Hidden}, {Embed, 1}, {Classes, Embed}, {Classes, 1}}

// offsets[p] is where parameter p starts in the flat slice; offsets[NumParams]
// is the total count.
var offsets = func() (o [NumParams + 1]int) {
	for p, s := range shapes {
		o[p+1] = o[p] + s.out*s.in
	}
	return o
}()

// NumWeights is the number of scalar parameters.
const NumWeights = In*Hidden + Hidden + Hidden*Hidden + Hidden + Hidden*Embed + Embed + Embed*Classes + Classes

// index maps PyTorch's (r, c) = (out, in) of parameter p into the flat slice.
func index(p, r, c int) int {
	s := shapes[p]
	if r < 0 || r >= s.out || c < 0 || c >= s.in {
		panic(fmt.Sprintf("encoder: %s index (%d, %d) outside its shape (%d, %d)", ParamNames[p], r, c, s.out, s.in))
	}
	if s.in == 1 {
		return offsets[p] + r
	}
	return offsets[p] + c*s.out + r // stored transposed: (in, out)
}

// Adam holds the optimiser's settings; DefaultAdam is PyTorch's with lr 1e-3.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
}

// DefaultAdam is the optimiser of the training step.
var DefaultAdam = Adam{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}

// Encoder holds the parameters, their gradients, the Adam state and scratch.
type Encoder[T Float] struct {
	Adam Adam

	params, grads []T
	m, v          []T // Adam's first and second moments
	step          int // Adam steps taken

	// Views of params and grads. Weights are (in, out) row-major.
	w1, b1, w2, b2, w3, b3, wh, bh         []T
	gw1, gb1, gw2, gb2, gw3, gb3, gwh, gbh []T

	k kernels[T]

	// Scratch for the largest batch seen.
	cap                   int
	h1, h2, emb, dh1, dh2 []T
	de, logits, dlogits   []T
	norms                 []float64
	rows                  []rowScratch[T] // per worker
}

// New returns an encoder initialised like PyTorch's nn.Linear (weights and
// biases uniform in ±1/√fan_in), drawing from rng in named_parameters order.
func New[T Float](rng *rand.Rand) *Encoder[T] {
	e := alloc[T]()
	for p, s := range shapes {
		fanIn := shapes[p-p%2].in // a bias has its weight's fan-in
		bound := 1 / math.Sqrt(float64(fanIn))
		for r := range s.out {
			for c := range s.in {
				e.params[index(p, r, c)] = T((2*rng.Float64() - 1) * bound)
			}
		}
	}
	return e
}

// NewFunc returns an encoder whose parameter p has element f(p, r, c) at
// PyTorch index (r, c) = (out, in); biases are called with c = 0.
func NewFunc[T Float](f func(p, r, c int) float64) *Encoder[T] {
	e := alloc[T]()
	for p, s := range shapes {
		for r := range s.out {
			for c := range s.in {
				e.params[index(p, r, c)] = T(f(p, r, c))
			}
		}
	}
	return e
}

func alloc[T Float]() *Encoder[T] {
	n := NumWeights
	buf := make([]T, 4*n)
	e := &Encoder[T]{
		Adam:   DefaultAdam,
		params: buf[:n:n], grads: buf[n : 2*n : 2*n],
		m: buf[2*n : 3*n : 3*n], v: buf[3*n:],
		k: kernelsFor[T](),
	}
	views := func(x []T) (v [NumParams][]T) {
		for p := range v {
			v[p] = x[offsets[p]:offsets[p+1]:offsets[p+1]]
		}
		return v
	}
	pv, gv := views(e.params), views(e.grads)
	e.w1, e.b1, e.w2, e.b2, e.w3, e.b3, e.wh, e.bh = pv[0], pv[1], pv[2], pv[3], pv[4], pv[5], pv[6], pv[7]
	e.gw1, e.gb1, e.gw2, e.gb2, e.gw3, e.gb3, e.gwh, e.gbh = gv[0], gv[1], gv[2], gv[3], gv[4], gv[5], gv[6], gv[7]
	return e
}

// Param returns parameter p at PyTorch index (r, c); biases take c = 0.
func (e *Encoder[T]) Param(p, r, c int) T { return e.params[index(p, r, c)] }

// SetParam sets parameter p at PyTorch index (r, c).
func (e *Encoder[T]) SetParam(p, r, c int, v T) { e.params[index(p, r, c)] = v }

// Grad returns the gradient of parameter p at PyTorch index (r, c) from the
// last Gradients or TrainStep call.
func (e *Encoder[T]) Grad(p, r, c int) T { return e.grads[index(p, r, c)] }

// Params returns all parameters as one flat slice (the encoder's own storage:
// writes change the model). Layout: parameter by parameter in ParamNames
// order, weights (in, out) row-major.
func (e *Encoder[T]) Params() []T { return e.params }

// Grads returns the gradients in the layout of Params.
func (e *Encoder[T]) Grads() []T { return e.grads }

// Steps returns how many Adam steps have been taken.
func (e *Encoder[T]) Steps() int { return e.step }

// batchOf checks x and returns its number of rows.
func batchOf[T Float](x []T) int {
	if len(x) == 0 || len(x)%In != 0 {
		panic(fmt.Sprintf("encoder: input has %d values, want a positive multiple of %d (batch × features)", len(x), In))
	}
	return len(x) / In
}

// grow sizes the scratch for batch rows.
func (e *Encoder[T]) grow(batch int) {
	for len(e.rows) < runtime.GOMAXPROCS(0) {
		e.rows = append(e.rows, rowScratch[T]{h1: make([]T, Hidden), h2: make([]T, Hidden), sp: newSparse[T](max(Hidden, e.cap))})
	}
	if batch <= e.cap {
		return
	}
	e.cap = batch
	for i := range e.rows {
		e.rows[i].sp = newSparse[T](max(Hidden, batch))
	}
	e.h1, e.h2 = make([]T, batch*Hidden), make([]T, batch*Hidden)
	e.dh1, e.dh2 = make([]T, batch*Hidden), make([]T, batch*Hidden)
	e.emb, e.de = make([]T, batch*Embed), make([]T, batch*Embed)
	e.logits, e.dlogits = make([]T, batch*Classes), make([]T, batch*Classes)
	e.norms = make([]float64, batch)
}

// Forward returns the embeddings (batch × 128, row-major) of x
// (batch × 64, row-major). The result is the encoder's scratch.
func (e *Encoder[T]) Forward(x []T) []T {
	batch := batchOf(x)
	e.grow(batch)
	emb := e.emb[:batch*Embed]
	// Inference needs no stored activations: each worker reuses one row of
	// h1 and h2, which stays in L1.
	e.parallelRows(batch, func(w, lo, hi int) {
		rs := &e.rows[w]
		for b := lo; b < hi; b++ {
			e.forwardRow(x[b*In:(b+1)*In], rs.h1, rs.h2, emb[b*Embed:(b+1)*Embed], &rs.sp)
		}
	})
	return emb
}

// Logits returns the embeddings and logits (batch × 8) of x; both are the
// encoder's scratch.
func (e *Encoder[T]) Logits(x []T) (emb, logits []T) {
	batch := batchOf(x)
	e.forwardTrain(x, batch)
	return e.emb[:batch*Embed], e.logits[:batch*Classes]
}

// Loss returns the mean softmax cross-entropy of the logits of x against
// labels, without touching the gradients.
func (e *Encoder[T]) Loss(x []T, labels []int) float64 {
	batch := batchOf(x)
	checkLabels(labels, batch)
	e.forwardTrain(x, batch)
	return e.crossEntropy(labels, batch)
}

// forwardTrain runs the forward pass keeping every activation the backward
// pass needs (h1, h2, the embedding, its norm, the logits).
func (e *Encoder[T]) forwardTrain(x []T, batch int) {
	e.grow(batch)
	e.parallelRows(batch, func(w, lo, hi int) {
		sp := &e.rows[w].sp
		for b := lo; b < hi; b++ {
			er := e.emb[b*Embed : (b+1)*Embed]
			e.norms[b] = e.forwardRow(x[b*In:(b+1)*In], e.h1[b*Hidden:(b+1)*Hidden], e.h2[b*Hidden:(b+1)*Hidden], er, sp)
			lr := e.logits[b*Classes : (b+1)*Classes]
			copy(lr, e.bh)
			for l, v := range er {
				wr := e.wh[l*Classes : (l+1)*Classes]
				for o := range lr {
					lr[o] += v * wr[o]
				}
			}
		}
	})
}

// rowScratch is one worker's buffers for the forward pass.
type rowScratch[T Float] struct {
	h1, h2 []T       // one row of each hidden layer (inference only)
	sp     sparse[T] // non-zero entries of a row, or of a column over the batch
}

// forwardRow computes one row: h1, h2 and the normalised embedding into the
// given slices, and returns the norm of the pre-normalisation output.
//
// Rows go through the layers one at a time. Processing a block of rows per
// weight row (so each weight row is read from L2 once per block) measured
// slower here: the weights fit in L2, and the strided gathers cost more than
// the reads they save.
func (e *Encoder[T]) forwardRow(x, h1, h2, emb []T, sp *sparse[T]) float64 {
	e.linear(x, e.w1, e.b1, h1, true, sp)
	e.linear(h1, e.w2, e.b2, h2, true, sp)
	e.linear(h2, e.w3, e.b3, emb, false, sp)
	var ss float64
	for _, v := range emb {
		ss += float64(v) * float64(v)
	}
	n := math.Sqrt(ss)
	d := T(max(n, Eps))
	for i := range emb {
		emb[i] /= d
	}
	return n
}

// linear sets out = bias + Σ_l in[l]·wt[l,:] (wt is (in, out)), skipping
// zero inputs, then applies ReLU if relu.
func (e *Encoder[T]) linear(in, wt, bias, out []T, relu bool, sp *sparse[T]) {
	copy(out, bias)
	k := sp.gather(in, 0, 1, len(in), false)
	e.k.axpyRows(sp.val[:k], sp.idx[:k], wt, out)
	if relu {
		e.k.relu(out)
	}
}

func checkLabels(labels []int, batch int) {
	if len(labels) != batch {
		panic(fmt.Sprintf("encoder: %d labels for a batch of %d", len(labels), batch))
	}
	for i, y := range labels {
		if y < 0 || y >= Classes {
			panic(fmt.Sprintf("encoder: label %d of row %d outside [0, %d)", y, i, Classes))
		}
	}
}

// crossEntropy returns the mean loss of the current logits and stores
// dloss/dlogits = (softmax − onehot)/batch in e.dlogits.
func (e *Encoder[T]) crossEntropy(labels []int, batch int) float64 {
	var total float64
	inv := 1 / float64(batch)
	for b := range batch {
		lr := e.logits[b*Classes : (b+1)*Classes]
		m := math.Inf(-1)
		for _, v := range lr {
			m = max(m, float64(v))
		}
		var s float64
		var ex [Classes]float64
		for o, v := range lr {
			ex[o] = math.Exp(float64(v) - m)
			s += ex[o]
		}
		y := labels[b]
		total += m + math.Log(s) - float64(lr[y])
		dl := e.dlogits[b*Classes : (b+1)*Classes]
		for o := range dl {
			p := ex[o] / s
			if o == y {
				p--
			}
			dl[o] = T(p * inv)
		}
	}
	return total * inv
}

// Gradients zeroes the gradients, runs the forward pass on x, and
// back-propagates the mean cross-entropy against labels into the gradients
// (read them with Grad or Grads). It returns the loss.
func (e *Encoder[T]) Gradients(x []T, labels []int) float64 {
	batch := batchOf(x)
	checkLabels(labels, batch)
	e.forwardTrain(x, batch)
	loss := e.crossEntropy(labels, batch)
	e.backward(x, batch)
	return loss
}

// TrainStep is one optimisation step: Gradients, then one Adam update. It
// returns the loss before the update.
func (e *Encoder[T]) TrainStep(x []T, labels []int) float64 {
	loss := e.Gradients(x, labels)
	e.AdamStep()
	return loss
}

func (e *Encoder[T]) backward(x []T, batch int) {
	clear(e.grads)
	emb, dl, de := e.emb[:batch*Embed], e.dlogits[:batch*Classes], e.de[:batch*Embed]

	// Head: dWh = embᵀ·dlogits, dbh = Σ dlogits, de = dlogits·Wh.
	// Then the normalisation: with n = ‖z‖ ≥ eps, e = z/n and
	// dz = (de − e·(e·de))/n; below eps the divisor is the constant eps and
	// dz = de/eps (torch's clamp_min passes no gradient to the norm there).
	// The result overwrites de, which is dz from here on.
	for b := range batch {
		dr, er, der := dl[b*Classes:(b+1)*Classes], emb[b*Embed:(b+1)*Embed], de[b*Embed:(b+1)*Embed]
		for o, g := range dr {
			e.gbh[o] += g
		}
		var dot float64
		for l, v := range er {
			gw := e.gwh[l*Classes : (l+1)*Classes]
			w := e.wh[l*Classes : (l+1)*Classes]
			var s T
			for o, g := range dr {
				gw[o] += v * g
				s += w[o] * g
			}
			der[l] = s
			dot += float64(v) * float64(s)
		}
		if n := e.norms[b]; n >= Eps {
			d, in := T(dot), T(n)
			for l, v := range er {
				der[l] = (der[l] - v*d) / in
			}
		} else {
			for l := range der {
				der[l] /= Eps
			}
		}
	}

	// Layer 3: z = h2·W3ᵀ + b3.
	e.linearBackward(e.h2[:batch*Hidden], de, e.w3, e.gw3, e.gb3, e.dh2[:batch*Hidden], batch)
	// Layer 2: h2 = relu(h1·W2ᵀ + b2); dh2 was masked by h2 > 0 already.
	e.linearBackward(e.h1[:batch*Hidden], e.dh2[:batch*Hidden], e.w2, e.gw2, e.gb2, e.dh1[:batch*Hidden], batch)
	// Layer 1: no input gradient needed.
	e.linearBackward(x, e.dh1[:batch*Hidden], e.w1, e.gw1, e.gb1, nil, batch)
}

// linearBackward back-propagates through out = in·Wᵀ + b (wt is (in, out)):
// gwt += inᵀ·dout, gb += Σ_rows dout, and, if din is not nil,
// din = (dout·W) masked to where in > 0, i.e. the gradient with respect to
// the pre-activation of the ReLU that produced in.
func (e *Encoder[T]) linearBackward(in, dout, wt, gwt, gb, din []T, batch int) {
	nIn, nOut := len(wt)/len(gb), len(gb)
	for b := range batch {
		for o, g := range dout[b*nOut : (b+1)*nOut] {
			gb[o] += g
		}
	}
	// Chunks [0, nBlocks) are blocks of rows of gwt, the rest blocks of
	// rows of din.
	nBlocks, nDin := ceilDiv(nIn, 16), 0
	if din != nil {
		nDin = ceilDiv(batch, rowChunk)
	}
	par.Do(nBlocks+nDin, len(e.rows), func(w, c int) {
		sp := &e.rows[w].sp
		if c < nBlocks {
			// Weight gradient: gwt[l,:] = Σ_b in[b,l]·dout[b,:]. The row
			// stays in L1 across the batch, and the sum runs over b in order.
			for l := c * 16; l < min((c+1)*16, nIn); l++ {
				k := sp.gather(in, l, nIn, batch, false)
				e.k.axpyRows(sp.val[:k], sp.idx[:k], dout, gwt[l*nOut:(l+1)*nOut])
			}
			return
		}
		// Input gradient: din = dout·W where in > 0.
		c -= nBlocks
		for b := c * rowChunk; b < min((c+1)*rowChunk, batch); b++ {
			dir := din[b*nIn : (b+1)*nIn]
			clear(dir)
			k := sp.gather(in, b*nIn, 1, nIn, true)
			e.k.dotRows(sp.idx[:k], wt, dout[b*nOut:(b+1)*nOut], dir)
		}
	})
}

// AdamStep applies one Adam update with the current gradients, as
// torch.optim.Adam (single-tensor path) does, up to rounding:
//
//	m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
//	p −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)
func (e *Encoder[T]) AdamStep() {
	e.step++
	a := e.Adam
	t := float64(e.step)
	bc1 := 1 - math.Pow(a.Beta1, t)
	bc2 := 1 - math.Pow(a.Beta2, t)
	stepSize := T(a.LR / bc1)
	// Multiplying by 1/√bc2 instead of dividing by √bc2 (as torch does)
	// differs by at most an ulp and leaves the divider, the bottleneck of
	// this loop, one operation per element instead of two.
	invBC2Sqrt := T(1 / math.Sqrt(bc2))
	b1, b2 := T(a.Beta1), T(a.Beta2)
	c1, c2 := T(1-a.Beta1), T(1-a.Beta2)
	eps := T(a.Eps)
	const chunk = 8192
	par.Do(ceilDiv(len(e.params), chunk), runtime.GOMAXPROCS(0), func(_, c int) {
		lo, hi := c*chunk, min((c+1)*chunk, len(e.params))
		p, g, m, v := e.params[lo:hi], e.grads[lo:hi], e.m[lo:hi], e.v[lo:hi]
		g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
		for i, gi := range g {
			mi := b1*m[i] + c1*gi
			vi := b2*v[i] + c2*gi*gi
			m[i], v[i] = mi, vi
			p[i] -= stepSize * mi / (sqrt(vi)*invBC2Sqrt + eps)
		}
	})
}

func sqrt[T Float](x T) T { return T(math.Sqrt(float64(x))) }

// rowChunk is how many batch rows a parallel chunk holds.
const rowChunk = 4

// parallelRows runs f over the batch rows in chunks of rowChunk, on up to as
// many goroutines as grow made per-worker scratch for; w names the scratch.
func (e *Encoder[T]) parallelRows(batch int, f func(w, lo, hi int)) {
	par.Do(ceilDiv(batch, rowChunk), len(e.rows), func(w, c int) {
		f(w, c*rowChunk, min((c+1)*rowChunk, batch))
	})
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
