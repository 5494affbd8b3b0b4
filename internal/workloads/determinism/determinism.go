// Package determinism makes the workloads reproducible.
//
// Contract: every random draw in the workloads (synthetic patients, weight
// initialisation, batch sampling, evaluation samples) comes from one of the
// sources that [SetDeterminism] seeds from a single uint64. There is no global
// or unseeded randomness: packages take a *rand.Rand as an argument. The same
// seed therefore gives bit-identical data, weights, batches and metrics on the
// same platform and build (results do not depend on GOMAXPROCS either, because
// the parallel kernels split work without changing any summation order). Go's
// generators differ from numpy's and PyTorch's, so the streams themselves do
// not match the Python reference; only the distributions do.
//
// [DeterminismInfo] records what a run's reproducibility rests on: the seed, the
// toolchain and platform, the numeric back end, and a fingerprint of a small
// sample drawn from each source.
package determinism

import (
	"math/rand/v2"
	"runtime"
)

// Stream identifies one of the independent random sources derived from a seed.
type Stream int

// The streams. Each workload draws from its own stream so that, for example,
// generating more patients does not shift the model's initial weights.
const (
	Data  Stream = iota // synthetic patients
	Model               // weight initialisation
	Batch               // mini-batch sampling during training
	Eval                // evaluation samples
	numStreams
)

// Backend names the numeric back end the workloads use.
const Backend = "gonum pure-Go BLAS kernels (amd64 assembly where gonum has it, pure Go elsewhere); float32 and float64"

// Sources holds the seeded generators. Data, Model, Batch and Eval are
// independent streams derived from Seed.
type Sources struct {
	Seed                     uint64
	Data, Model, Batch, Eval *rand.Rand

	// The generators live inside the struct so that SetDeterminism costs a
	// single allocation.
	pcg [numStreams]rand.PCG
	rnd [numStreams]rand.Rand
}

// Rand returns the generator of stream s.
func (s *Sources) Rand(st Stream) *rand.Rand { return &s.rnd[st] }

// SetDeterminism returns freshly seeded sources for seed. Calling it again
// with the same seed restarts every stream from the same state.
func SetDeterminism(seed uint64) *Sources {
	s := &Sources{Seed: seed}
	for i := range s.pcg {
		hi, lo := StreamSeed(seed, Stream(i))
		s.pcg[i].Seed(hi, lo)
		s.rnd[i] = *rand.New(&s.pcg[i])
	}
	s.Data, s.Model, s.Batch, s.Eval = &s.rnd[Data], &s.rnd[Model], &s.rnd[Batch], &s.rnd[Eval]
	return s
}

// New returns a generator for one stream of seed, equal to
// SetDeterminism(seed).Rand(st) in a fresh state.
func New(seed uint64, st Stream) *rand.Rand {
	hi, lo := StreamSeed(seed, st)
	return rand.New(rand.NewPCG(hi, lo))
}

// StreamSeed derives the two PCG seed words of stream st from seed. The words
// go through splitmix64 so that neighbouring seeds and streams start from
// unrelated states.
func StreamSeed(seed uint64, st Stream) (hi, lo uint64) {
	x := seed ^ (uint64(st)+1)*0x9e3779b97f4a7c15
	hi = splitmix64(&x)
	lo = splitmix64(&x)
	return hi, lo
}

func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Info is what makes a run reproducible.
type Info struct {
	Seed       uint64 `json:"seed"`
	GoVersion  string `json:"go_version"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	NumCPU     int    `json:"num_cpu"`
	Backend    string `json:"backend"`
	// Fingerprint is the hex FNV-1a 64 hash of the first FingerprintDraws
	// uint64 values of every stream: equal seeds and generators give equal
	// fingerprints, so two runs can be checked to have drawn the same numbers.
	Fingerprint string `json:"fingerprint"`
}

// FingerprintDraws is how many values of each stream the fingerprint hashes.
const FingerprintDraws = 8

// DeterminismInfo collects the Info for seed. It does not disturb any
// existing Sources: the sample is drawn from fresh generators.
func DeterminismInfo(seed uint64) Info {
	// FNV-1a by hand over the little-endian bytes of each draw: hash/fnv
	// and encoding/hex would cost three allocations for 64 bytes of input.
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for st := range numStreams {
		hi, lo := StreamSeed(seed, st)
		pcg := rand.NewPCG(hi, lo)
		for range FingerprintDraws {
			v := pcg.Uint64()
			for range 8 {
				h = (h ^ (v & 0xff)) * prime
				v >>= 8
			}
		}
	}
	const digits = "0123456789abcdef"
	var hex [16]byte
	for i := range hex {
		hex[i] = digits[(h>>(60-4*i))&0xf]
	}
	return Info{
		Seed:        seed,
		GoVersion:   runtime.Version(),
		GOOS:        runtime.GOOS,
		GOARCH:      runtime.GOARCH,
		GOMAXPROCS:  runtime.GOMAXPROCS(0),
		NumCPU:      runtime.NumCPU(),
		Backend:     Backend,
		Fingerprint: string(hex[:]),
	}
}
