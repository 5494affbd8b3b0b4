// Package suite is the registry of benchsite's own benchmarks: the bodies of
// the Go suites in tests/benchmarks and of the browser (wasm) build, so that
// both time the very same functions.
//
// Each Benchmark's Prepare builds its inputs from the fixed Seed and returns
// op, the timed body, and check, which validates the result of the last op
// call (shape, finiteness, value range) and is meant to run after the timing
// loop. A runner calls Prepare once, then op any number of times, then check.
// Slow benchmarks are the counterparts of the seed's @pytest.mark.slow and are
// skipped under -short. Group is the seed's grouping by suite file.
//
// Precision: the model benchmarks run encoder.Encoder[float32] and
// retrieval on float32 embeddings (PyTorch's default dtype, as in the
// reference timings); see package encoder.
package suite

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/benchsite/benchsite/internal/workloads/determinism"
	"github.com/benchsite/benchsite/internal/workloads/encoder"
	"github.com/benchsite/benchsite/internal/workloads/patients"
	"github.com/benchsite/benchsite/internal/workloads/retrieval"
	"gonum.org/v1/gonum/mat"
)

// The groups, named after the seed's two suite files.
const (
	GroupData  = "data generation"
	GroupModel = "model performance"
)

// Seed is the fixed seed of every benchmark's inputs.
const Seed = 42

// Benchmark is one registered benchmark.
type Benchmark struct {
	Name    string // full Go benchmark name, e.g. "BenchmarkForward/batch=32"
	Group   string // GroupData or GroupModel
	Slow    bool   // skipped under -short
	Prepare func() (op func(), check func() error)
}

var registry = []Benchmark{
	{Name: "BenchmarkSetDeterminism", Group: GroupData, Prepare: prepareSetDeterminism},
	{Name: "BenchmarkDeterminismInfo", Group: GroupData, Prepare: prepareDeterminismInfo},
	{Name: "BenchmarkGeneratePatients/n=10", Group: GroupData, Prepare: prepareGenerate(10)},
	{Name: "BenchmarkGeneratePatients/n=1000", Group: GroupData, Slow: true, Prepare: prepareGenerate(1000)},
	{Name: "BenchmarkForward/batch=32", Group: GroupModel, Prepare: prepareForward(32)},
	{Name: "BenchmarkForward/batch=1024", Group: GroupModel, Slow: true, Prepare: prepareForward(1024)},
	{Name: "BenchmarkTrainingStep/batch=32", Group: GroupModel, Prepare: prepareTrainingStep(32)},
	{Name: "BenchmarkRetrievalMetrics/n=100", Group: GroupModel, Prepare: prepareRetrieval(100)},
}

// All returns the benchmarks in registry order (a fresh slice).
func All() []Benchmark { return append([]Benchmark(nil), registry...) }

// Lookup returns the benchmark with the given full name.
func Lookup(name string) (Benchmark, bool) {
	for _, b := range registry {
		if b.Name == name {
			return b, true
		}
	}
	return Benchmark{}, false
}

func prepareSetDeterminism() (func(), func() error) {
	var s *determinism.Sources
	op := func() { s = determinism.SetDeterminism(Seed) }
	check := func() error {
		if s == nil {
			return errors.New("SetDeterminism: op never ran")
		}
		for _, st := range []determinism.Stream{determinism.Data, determinism.Model, determinism.Batch, determinism.Eval} {
			if got, want := s.Rand(st).Uint64(), determinism.New(Seed, st).Uint64(); got != want {
				return fmt.Errorf("SetDeterminism(%d): stream %d starts with %x, want %x", Seed, st, got, want)
			}
		}
		return nil
	}
	return op, check
}

func prepareDeterminismInfo() (func(), func() error) {
	var info determinism.Info
	op := func() { info = determinism.DeterminismInfo(Seed) }
	check := func() error {
		if info.Seed != Seed || info.GoVersion == "" || info.GOMAXPROCS < 1 || len(info.Fingerprint) != 16 {
			return fmt.Errorf("DeterminismInfo(%d) = %+v: wrong seed or missing fields", Seed, info)
		}
		if again := determinism.DeterminismInfo(Seed); again != info {
			return fmt.Errorf("DeterminismInfo(%d) is not reproducible: %+v then %+v", Seed, info, again)
		}
		return nil
	}
	return op, check
}

func prepareGenerate(n int) func() (func(), func() error) {
	return func() (func(), func() error) {
		// Every op restarts the stream, so each does the same work.
		hi, lo := determinism.StreamSeed(Seed, determinism.Data)
		pcg := rand.NewPCG(hi, lo)
		rng := rand.New(pcg)
		var ps []patients.Patient
		var x *mat.Dense
		op := func() {
			pcg.Seed(hi, lo)
			ps, x = patients.Generate(n, rng)
		}
		check := func() error {
			if len(ps) != n || x == nil {
				return fmt.Errorf("Generate(%d): %d patients", n, len(ps))
			}
			if r, c := x.Dims(); r != n || c != patients.NumFeatures {
				return fmt.Errorf("Generate(%d): features %d×%d, want %d×%d", n, r, c, n, patients.NumFeatures)
			}
			for i, p := range ps {
				if p.Condition < 0 || p.Condition >= patients.NumConditions || p.Age < patients.AgeMin || p.Age > patients.AgeMax || len(p.Codes) == 0 {
					return fmt.Errorf("Generate(%d): patient %d out of range: %+v", n, i, p)
				}
			}
			return finite("Generate features", x.RawMatrix().Data)
		}
		return op, check
	}
}

// patientBatch returns n generated patients as a float32 batch with labels.
func patientBatch(n int) ([]float32, []int) {
	ps, feats := patients.Generate(n, determinism.New(Seed, determinism.Data))
	y := make([]int, n)
	for i, p := range ps {
		y[i] = p.Condition
	}
	return encoder.Gather[float32](nil, feats, nil), y
}

// prepareForward times the embedding of a batch of generated patients (the
// model's real input: 18 dense features and a sparse multi-hot block, whose
// zeros the first layer skips) with weights initialised from Seed.
func prepareForward(batch int) func() (func(), func() error) {
	return func() (func(), func() error) {
		x, _ := patientBatch(batch)
		enc := encoder.New[float32](determinism.New(Seed, determinism.Model))
		var emb []float32
		op := func() { emb = enc.Forward(x) }
		check := func() error {
			if len(emb) != batch*encoder.Embed {
				return fmt.Errorf("Forward: %d values, want %d×%d", len(emb), batch, encoder.Embed)
			}
			if err := finite("Forward", emb); err != nil {
				return err
			}
			return unitRows("Forward", emb, encoder.Embed)
		}
		return op, check
	}
}

// prepareTrainingStep times training steps that repeat on one fixed batch
// of generated patients. The weights keep changing, so the ReLU sparsity,
// and with it the cost of a step, drifts a little over a long run.
func prepareTrainingStep(batch int) func() (func(), func() error) {
	return func() (func(), func() error) {
		x, y := patientBatch(batch)
		enc := encoder.New[float32](determinism.New(Seed, determinism.Model))
		loss := math.NaN()
		op := func() { loss = enc.TrainStep(x, y) }
		check := func() error {
			// The loss starts near ln 8 ≈ 2.08 and falls as the step
			// repeats on the same batch.
			if !(loss >= 0 && loss < 3) {
				return fmt.Errorf("TrainStep: loss %v after %d steps, want in [0, 3)", loss, enc.Steps())
			}
			return finite("TrainStep parameters", enc.Params())
		}
		return op, check
	}
}

// prepareRetrieval times the metrics of the embeddings (d = 128) of n
// generated patients under the untrained encoder, labelled by condition.
func prepareRetrieval(n int) func() (func(), func() error) {
	return func() (func(), func() error) {
		x, y := patientBatch(n)
		enc := encoder.New[float32](determinism.New(Seed, determinism.Model))
		emb := append([]float32(nil), enc.Forward(x)...)
		var ev retrieval.Evaluator[float32]
		var m retrieval.Metrics
		var err error = errors.New("op never ran")
		op := func() { m, err = ev.Evaluate(emb, encoder.Embed, y) }
		check := func() error {
			if err != nil {
				return err
			}
			for name, v := range m.Map() {
				if !(v >= 0 && v <= 1) {
					return fmt.Errorf("retrieval metric %s = %v, want in [0, 1]", name, v)
				}
			}
			if !(m.Recall[0] <= m.Recall[1] && m.Recall[1] <= m.Recall[2]) {
				return fmt.Errorf("recall@k decreases with k: %v", m.Recall)
			}
			return nil
		}
		return op, check
	}
}

func finite[T float32 | float64](what string, x []T) error {
	for i, v := range x {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%s: value %d is %v", what, i, v)
		}
	}
	return nil
}

func unitRows(what string, x []float32, dim int) error {
	for r := 0; r < len(x)/dim; r++ {
		var s float64
		for _, v := range x[r*dim : (r+1)*dim] {
			s += float64(v) * float64(v)
		}
		if math.Abs(math.Sqrt(s)-1) > 1e-4 {
			return fmt.Errorf("%s: row %d has norm %v, want 1", what, r, math.Sqrt(s))
		}
	}
	return nil
}
