package changepoint

import (
	"math"
	"math/rand/v2"
)

// synthSeries is a generated history with its known changes.
type synthSeries struct {
	xs       []float64
	changes  []int     // index of the first value after each step
	sizes    []float64 // each step's relative size (0.05 = +5 %)
	outliers []int     // indexes of the 3× runs
	drift    int       // first index of the slow drift; -1 when none
}

// synthSet generates n series of 100–160 runs with per-run noise of noise
// (relative standard deviation, 0.01 = 1 %): 0–3 steps of ±5 % to ±40 % at
// least 12 runs apart and from the ends, one or two single-run 3× outliers
// at least 3 runs away from any step, and, as the last series, a flat start
// of 40 runs followed by a drift of +0.3 % per run. The same seed gives the
// same set.
func synthSet(seed uint64, n int, noise float64) []synthSeries {
	rng := rand.New(rand.NewPCG(seed, math.Float64bits(noise)))
	out := make([]synthSeries, 0, n)
	for len(out) < n-1 {
		length := 100 + rng.IntN(61)
		s := synthSeries{drift: -1}
		steps := rng.IntN(4)
		// Positions: retry until spaced.
	place:
		for {
			s.changes = s.changes[:0]
			for range steps {
				s.changes = append(s.changes, 12+rng.IntN(length-24))
			}
			sortInts(s.changes)
			for i := 1; i < len(s.changes); i++ {
				if s.changes[i]-s.changes[i-1] < 12 {
					continue place
				}
			}
			break
		}
		level := 1e-3 * (0.5 + rng.Float64())
		next := 0
		for i := range length {
			if next < len(s.changes) && i == s.changes[next] {
				size := 0.05 + 0.35*rng.Float64()
				if rng.IntN(2) == 0 {
					size = -size
				}
				level *= 1 + size
				s.sizes = append(s.sizes, size)
				next++
			}
			s.xs = append(s.xs, level*(1+noise*rng.NormFloat64()))
		}
		for k := 1 + rng.IntN(2); k > 0; {
			o := 3 + rng.IntN(length-6)
			if near(o, s.changes, 3) || near(o, s.outliers, 3) {
				continue
			}
			s.xs[o] *= 3
			s.outliers = append(s.outliers, o)
			k--
		}
		out = append(out, s)
	}
	out = append(out, driftSeries(rng, 140, 40, 0.003, noise))
	return out
}

// driftSeries is flat for start runs, then grows by rate per run.
func driftSeries(rng *rand.Rand, length, start int, rate, noise float64) synthSeries {
	s := synthSeries{drift: start}
	level := 1e-3
	for i := range length {
		if i >= start {
			level *= 1 + rate
		}
		s.xs = append(s.xs, level*(1+noise*rng.NormFloat64()))
	}
	return s
}

func near(x int, xs []int, d int) bool {
	for _, y := range xs {
		if x-y <= d && y-x <= d {
			return true
		}
	}
	return false
}

func sortInts(xs []int) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// score is the outcome of detection on a synthetic set.
type score struct {
	truePos, falsePos, falseNeg int
	outliersReported            int
	driftFound                  bool
	// smallFound and small count the steps of at most ±10 % found and
	// in all.
	smallFound, small int
	// flatAlarms and flat count the series without steps (or drift) in
	// which something was reported, and in all.
	flatAlarms, flat int
}

func (s score) precision() float64 {
	if s.truePos+s.falsePos == 0 {
		return 1
	}
	return float64(s.truePos) / float64(s.truePos+s.falsePos)
}

func (s score) recall() float64 {
	if s.truePos+s.falseNeg == 0 {
		return 1
	}
	return float64(s.truePos) / float64(s.truePos+s.falseNeg)
}

// evaluate detects changes in every series and matches them with the true
// ones: a detected change within ±2 runs of a true one, each used once,
// counts as found. A change reported within one run of a 3× outlier
// counts as an outlier reported. In the drift series, changes inside the
// drift are neither true nor false positives: the drift is found when
// there is one.
//
// seFrac > 0 gives each value a standard error of seFrac times itself
// (DetectSE): the runs' own spread.
func evaluate(set []synthSeries, opt Options, seFrac float64) score {
	var sc score
	for _, s := range set {
		var se []float64
		if seFrac > 0 {
			se = make([]float64, len(s.xs))
			for i, x := range s.xs {
				se[i] = seFrac * x
			}
		}
		res := DetectSE(s.xs, se, opt)
		if s.drift >= 0 {
			for _, c := range res.Changes {
				if c.Index >= s.drift-2 {
					sc.driftFound = true
				} else {
					sc.falsePos++
				}
			}
			continue
		}
		if len(s.changes) == 0 {
			sc.flat++
			if len(res.Changes) > 0 {
				sc.flatAlarms++
			}
		}
		used := make([]bool, len(res.Changes))
		for k, t := range s.changes {
			small := s.sizes[k] <= 0.10 && s.sizes[k] >= -0.10
			if small {
				sc.small++
			}
			found := false
			for i, c := range res.Changes {
				if !used[i] && c.Index-t <= 2 && t-c.Index <= 2 {
					used[i], found = true, true
					break
				}
			}
			if found {
				sc.truePos++
				if small {
					sc.smallFound++
				}
			} else {
				sc.falseNeg++
			}
		}
		for i, c := range res.Changes {
			if used[i] {
				continue
			}
			sc.falsePos++
			if near(c.Index, s.outliers, 1) {
				sc.outliersReported++
			}
		}
	}
	return sc
}
