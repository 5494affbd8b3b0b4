// Package historytest writes synthetic histories for tests: result files
// as benchsite saves them (.benchmarks/<machine>/NNNN_<name>.json, stats
// from package stats), with steps and single outlying runs in chosen
// benchmarks at chosen runs. The same Spec writes the same bytes.
package historytest

import (
	"crypto/sha1"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/stats"
)

// Spec describes a history of one machine.
type Spec struct {
	// Machine is the machine folder; default DefaultMachine.
	Machine string
	// Runs is the number of runs, numbered from 1.
	Runs       int
	Benchmarks []Bench
	// Rounds per benchmark and run; default 10.
	Rounds int
	// RunNoise is the relative run-to-run noise of the level (default
	// 0.01); RoundNoise that of each round within a run (default 0.02).
	// Negative: none (every round at the level exactly, as a timer's
	// resolution makes a very fast benchmark's rounds).
	RunNoise, RoundNoise float64
	// BaselineEvery saves runs 1, 1+n, 1+2n, … as baselines (default: only
	// run 1).
	BaselineEvery int
	Seed          uint64
	// Start is run 1's date (default 2026-01-01 12:00 UTC); runs are an
	// hour apart.
	Start time.Time
}

// DefaultMachine is the machine folder of a Spec without one.
const DefaultMachine = "Linux-Go-1.26-64bit"

// Bench is one benchmark of a Spec.
type Bench struct {
	// Name, e.g. "BenchmarkA"; the fullname is "example.com/p/bench." + Name.
	Name string
	// Median is the level at run 1, in seconds.
	Median float64
	// Steps multiply the level from the given run (1-based) on.
	Steps map[int]float64
	// Levels set the level (seconds) from the given run on, after Steps
	// (a level of 0 is not moved by a step).
	Levels map[int]float64
	// Outliers multiply the level of the given run alone.
	Outliers map[int]float64
	// RoundNoise sets the relative noise of the rounds of the given runs
	// (instead of Spec.RoundNoise): a stretch of runs with a wide spread.
	RoundNoise map[int]float64
	// Paired stores a paired verdict of the given run against the
	// baseline in force (the newest baseline before it), as `benchsite run
	// --against` saves it.
	Paired map[int]Paired
}

// Paired is a benchmark's paired verdict in a Spec: the verdict
// ("regression", "improvement", "same", "noise"), the change and its
// confidence interval (percent), measured in 10 process pairs.
type Paired struct {
	Verdict               string
	Change, CILow, CIHigh float64
}

// ScaleSpec is the history scripts/scale.sh and the history package's
// memory benchmark measure: runs runs of benchmarks benchmarks
// (BenchmarkWork00, …, levels of 1 µs to 2 ms) of rounds rounds each, with a
// step in every fifth benchmark at a third and two thirds of the runs, a
// single slow run in every seventh, and a baseline every 100 runs.
func ScaleSpec(runs, benchmarks, rounds int) Spec {
	spec := Spec{Runs: runs, Rounds: rounds, BaselineEvery: 100, Seed: 11}
	for i := range benchmarks {
		b := Bench{Name: fmt.Sprintf("BenchmarkWork%02d", i), Median: 1e-6 * float64(int(1)<<(i%12))}
		if i%5 == 0 {
			b.Steps = map[int]float64{runs / 3: 1.2, 2 * runs / 3: 0.9}
		}
		if i%7 == 0 {
			b.Outliers = map[int]float64{runs / 2: 3}
		}
		spec.Benchmarks = append(spec.Benchmarks, b)
	}
	return spec
}

// Fullname is the fullname Write gives a benchmark named name.
func Fullname(name string) string { return "example.com/p/bench." + name }

// CommitID is the commit id Write gives run r (1-based) of s.
func (s Spec) CommitID(r int) string {
	if s.Machine == "" {
		s.Machine = DefaultMachine
	}
	return fmt.Sprintf("%x", sha1.Sum([]byte(fmt.Sprint(s.Seed, s.Machine, r))))
}

// Write writes s under root and returns the files' paths in run order.
func Write(root string, s Spec) ([]string, error) {
	if s.Machine == "" {
		s.Machine = DefaultMachine
	}
	if s.Rounds == 0 {
		s.Rounds = 10
	}
	if s.RunNoise == 0 {
		s.RunNoise = 0.01
	}
	if s.RoundNoise == 0 {
		s.RoundNoise = 0.02
	}
	if s.Start.IsZero() {
		s.Start = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	}
	rng := rand.New(rand.NewPCG(s.Seed, 7))
	dir := filepath.Join(root, s.Machine)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	levels := make([]float64, len(s.Benchmarks))
	for i, b := range s.Benchmarks {
		levels[i] = b.Median
	}
	var paths []string
	base := 0 // the newest baseline before run r
	for r := 1; r <= s.Runs; r++ {
		isBase := r == 1 || s.BaselineEvery > 0 && (r-1)%s.BaselineEvery == 0
		at := s.Start.Add(time.Duration(r-1) * time.Hour)
		f := &result.File{
			MachineInfo: result.MachineInfo{
				"node": "ci-runner", "processor": "x86_64", "machine": "x86_64", "system": "Linux",
				"release": "6.1.0", "go_version": "go1.26.8", "goos": "linux", "goarch": "amd64",
				"gomaxprocs": float64(2), "num_cpu": float64(2), "cpu_model": "Example CPU @ 2.00GHz",
			},
			CommitInfo: result.CommitInfo{
				ID: s.CommitID(r), Time: at.Format(time.RFC3339),
				Project: "example", Branch: "main", Message: fmt.Sprintf("change number %d", r),
			},
			Datetime: at.Format("2006-01-02T15:04:05.000000+00:00"),
			Version:  "benchsite test",
		}
		for i, b := range s.Benchmarks {
			if k, ok := b.Steps[r]; ok {
				levels[i] *= k
			}
			if v, ok := b.Levels[r]; ok {
				levels[i] = v
			}
			level := levels[i] * (1 + max(s.RunNoise, 0)*rng.NormFloat64())
			if k, ok := b.Outliers[r]; ok {
				level *= k
			}
			noise := s.RoundNoise
			if v, ok := b.RoundNoise[r]; ok {
				noise = v
			}
			data := make([]float64, s.Rounds)
			for j := range data {
				data[j] = level * (1 + max(noise, 0)*rng.NormFloat64())
			}
			if pv, ok := b.Paired[r]; ok && base > 0 {
				if f.Paired == nil {
					f.Paired = &result.Paired{
						Baseline: result.CommitInfo{ID: s.CommitID(base)},
						Label:    fmt.Sprintf("%04d_baseline", base),
						Method:   "test", Confidence: 0.95, Check: "mean:5%",
						Benchmarks: map[string]result.PairedBenchmark{},
					}
				}
				lo, hi := pv.CILow, pv.CIHigh
				f.Paired.Benchmarks[Fullname(b.Name)] = result.PairedBenchmark{
					Name: b.Name, Field: "mean", Verdict: pv.Verdict, Pairs: 10,
					ChangePercent: pv.Change, CILowPercent: &lo, CIHighPercent: &hi,
					ThresholdPercent: 5, Base: levels[i], Cur: levels[i] * (1 + pv.Change/100),
				}
			}
			f.Benchmarks = append(f.Benchmarks, result.Benchmark{
				Group: "g", Name: b.Name, Fullname: Fullname(b.Name),
				Params: map[string]any{}, ExtraInfo: map[string]any{},
				Options: map[string]any{"rounds": float64(s.Rounds)},
				Stats:   stats.Compute(data, 100),
			})
		}
		name := "comparison"
		if isBase {
			name = "baseline"
		}
		data, err := result.Encode(f)
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, fmt.Sprintf("%04d_%s.json", r, name))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
		if isBase {
			base = r
		}
	}
	return paths, nil
}
