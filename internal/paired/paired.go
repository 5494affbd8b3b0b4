// Package paired decides whether a change made a benchmark slower from
// measurements taken in interleaved process pairs: the baseline build and the
// current build of a benchmark run one after the other, in random order, each
// pair of processes built with the same code-layout seed, so that what moves a
// figure between processes and between moments (load, CPU frequency, core,
// heap and code layout) hits both arms alike. The process, not the round, is
// the unit of replication.
//
// Method. Each process yields one value, a location of its rounds in
// seconds (package compare uses the median of the rounds, or the minimum for
// a min check). Pair i gives the log ratio
// d_i = ln(current_i / baseline_i). The change is estimated by the
// Hodges–Lehmann estimator of the d_i (the median of the Walsh averages
// (d_i + d_j)/2, i ≤ j), with the distribution-free confidence interval that
// inverts the Wilcoxon signed-rank test (Hollander, Wolfe & Chicken,
// "Nonparametric Statistical Methods", 3rd ed., §3.2, 3.3; Bauer, "Constructing
// confidence sets using rank statistics", JASA 67, 1972). Critical values come
// from the exact null distribution of the signed-rank statistic, computed
// here by counting subsets (no library we use has it: gonum and
// golang.org/x/perf offer the Mann-Whitney test only). The interval is
// reported back on the ratio scale as percent changes. The level is 99 %
// (DefaultConfidence): a regression gate is judged by its false alarms.
//
// Assumptions: the pairs are independent and the d_i are distributed
// symmetrically about the true log change (the signed-rank interval's
// assumption). Randomising the order inside a pair and the layout seed across
// pairs is what makes the first hold on a shared machine; a systematic effect
// that favours one arm in every pair (the first-run advantage, for example) is
// cancelled by the balanced order. With fewer than 8 pairs no 99 % interval
// exists and the verdict is left undecided.
//
// Decision (Rule): a benchmark regressed when the estimated change exceeds
// the check's threshold and the whole interval lies above no change; it
// improved in the mirror case; otherwise it is the same (or, when the
// estimate alone breaches the threshold, noise). Sequential stopping: after
// MinPairs, a benchmark whose interval lies wholly below the threshold stops
// (it cannot be a regression); one whose interval lies wholly above the
// threshold stops once ConfirmPairs pairs confirm it; all others get pairs up
// to MaxPairs. Extra looks at the data can only stop a benchmark early for
// being clear, and a regression needs at least ConfirmPairs pairs, so the
// false-alarm rate stays near that of one test at MaxPairs; it is measured,
// not assumed: go run ./scripts/falsealarm (figures in README, "Measuring
// the verdicts").
package paired

import (
	"errors"
	"math"
	"slices"
)

// DefaultConfidence is the confidence level of the interval. A regression
// needs the whole interval above no change, so a benchmark that did not
// change is flagged at one final look with probability at most
// (1 − DefaultConfidence)/2 = 0.5 %; the target is a false-alarm rate of at
// most 1 % of verdicts, with the early looks included.
const DefaultConfidence = 0.99

// Estimate is the estimated change of current against baseline.
type Estimate struct {
	Pairs int
	// Change is the Hodges–Lehmann estimate as a fraction: current ÷
	// baseline − 1 (0.25 = 25 % slower).
	Change float64
	// Low and High bound the confidence interval of Change (fractions);
	// ±Inf when there are too few pairs for an interval.
	Low, High float64
	// Confidence is the interval's exact coverage (≥ the level asked for;
	// the signed-rank distribution is discrete), 0 without an interval.
	Confidence float64
	// Spread is the standard deviation of the per-pair log ratios, the
	// noise of one pair (≈ a fraction for small values); NaN below 2 pairs.
	Spread float64
}

// ErrLength is returned when the arms have different numbers of values.
var ErrLength = errors.New("paired: baseline and current need one value per pair")

// LogRatios returns ln(cur[i]/base[i]) for every pair. A pair with a value
// that is not positive is skipped (a benchmark whose time is 0 has no ratio).
func LogRatios(base, cur []float64) ([]float64, error) {
	if len(base) != len(cur) {
		return nil, ErrLength
	}
	d := make([]float64, 0, len(base))
	for i := range base {
		if base[i] > 0 && cur[i] > 0 && !math.IsInf(base[i], 0) && !math.IsInf(cur[i], 0) {
			d = append(d, math.Log(cur[i]/base[i]))
		}
	}
	return d, nil
}

// Compare estimates the change from per-pair values (seconds; base[i] and
// cur[i] measured in pair i) at the given confidence (0 means
// DefaultConfidence).
func Compare(base, cur []float64, confidence float64) (Estimate, error) {
	d, err := LogRatios(base, cur)
	if err != nil {
		return Estimate{}, err
	}
	return FromLogRatios(d, confidence), nil
}

// FromLogRatios estimates the change from per-pair log ratios.
func FromLogRatios(d []float64, confidence float64) Estimate {
	if confidence <= 0 || confidence >= 1 {
		confidence = DefaultConfidence
	}
	n := len(d)
	e := Estimate{Pairs: n, Change: math.NaN(), Low: math.Inf(-1), High: math.Inf(1), Spread: math.NaN()}
	if n == 0 {
		return e
	}
	e.Spread = stddev(d)
	w := walsh(d)
	e.Change = math.Expm1(median(w))
	k, cover := signedRankCritical(n, 1-confidence)
	if k > 0 {
		e.Low = math.Expm1(w[k-1])
		e.High = math.Expm1(w[len(w)-k])
		e.Confidence = cover
	}
	return e
}

// walsh returns the sorted Walsh averages (d_i + d_j)/2, i ≤ j.
func walsh(d []float64) []float64 {
	w := make([]float64, 0, len(d)*(len(d)+1)/2)
	for i := range d {
		for j := i; j < len(d); j++ {
			w = append(w, (d[i]+d[j])/2)
		}
	}
	slices.Sort(w)
	return w
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func stddev(d []float64) float64 {
	if len(d) < 2 {
		return math.NaN()
	}
	m := 0.0
	for _, v := range d {
		m += v
	}
	m /= float64(len(d))
	s := 0.0
	for _, v := range d {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(d)-1))
}

// signedRankCritical returns the largest k such that P(T ≤ k−1) ≤ alpha/2
// under the null distribution of the Wilcoxon signed-rank statistic T for n
// pairs, and the coverage 1 − 2·P(T ≤ k−1) of the interval
// [W_(k), W_(M+1−k)] it gives. k = 0 means no interval at that level.
// The distribution is exact: the number of subsets of {1..n} with each rank
// sum, counted by dynamic programming (n ≤ 1000 is cheap).
func signedRankCritical(n int, alpha float64) (int, float64) {
	if n < 1 {
		return 0, 0
	}
	maxSum := n * (n + 1) / 2
	counts := make([]float64, maxSum+1)
	counts[0] = 1
	for r := 1; r <= n; r++ {
		for s := maxSum; s >= r; s-- {
			counts[s] += counts[s-r]
		}
	}
	total := math.Ldexp(1, n)
	cum, k := 0.0, 0
	for t := 0; t <= maxSum; t++ {
		if (cum+counts[t])/total > alpha/2 {
			break
		}
		cum += counts[t]
		k = t + 1
	}
	if k == 0 {
		return 0, 0
	}
	return k, 1 - 2*cum/total
}

// Verdict is the outcome for one benchmark.
type Verdict string

// The verdicts, named as package compare names a row's status.
const (
	Same        Verdict = "same"
	Regression  Verdict = "regression"
	Improvement Verdict = "improvement"
	// Noise: the estimate alone breaches the threshold, the interval does
	// not confirm a change.
	Noise Verdict = "noise"
	// Undecided: too few pairs for an interval.
	Undecided Verdict = "undecided"
)

// Rule turns an Estimate into a verdict and decides when to stop measuring.
type Rule struct {
	// Threshold is the largest slowdown tolerated, as a fraction (0.10
	// for mean:10%).
	Threshold float64
	// MinPairs pairs are always measured (at least 8, the fewest for a
	// 99 % signed-rank interval); a suspected regression needs
	// ConfirmPairs before it is final; no benchmark gets more than
	// MaxPairs.
	MinPairs, ConfirmPairs, MaxPairs int
	// Confidence of the interval; 0 means DefaultConfidence.
	Confidence float64
}

// DefaultRule returns the rule benchsite uses for a threshold (a fraction).
func DefaultRule(threshold float64) Rule {
	return Rule{Threshold: threshold, MinPairs: 8, ConfirmPairs: 12, MaxPairs: 20}
}

func (r Rule) norm() Rule {
	if r.MinPairs < 8 {
		r.MinPairs = 8
	}
	if r.ConfirmPairs < r.MinPairs {
		r.ConfirmPairs = r.MinPairs
	}
	if r.MaxPairs < r.ConfirmPairs {
		r.MaxPairs = r.ConfirmPairs
	}
	return r
}

// Limits returns the rule's pair counts after defaults: min, confirm, max.
func (r Rule) Limits() (minPairs, confirm, maxPairs int) {
	r = r.norm()
	return r.MinPairs, r.ConfirmPairs, r.MaxPairs
}

// Done reports whether e is clear enough to stop measuring: enough pairs,
// and the interval wholly below the threshold (no regression possible), or
// wholly above it and confirmed by ConfirmPairs pairs, or MaxPairs reached.
func (r Rule) Done(e Estimate) bool {
	r = r.norm()
	switch {
	case e.Pairs >= r.MaxPairs:
		return true
	case e.Pairs < r.MinPairs:
		return false
	case e.High < r.Threshold:
		return true
	case e.Low > r.Threshold && e.Pairs >= r.ConfirmPairs:
		return true
	}
	return false
}

// Verdict decides from e: Regression when the estimate exceeds the
// threshold and the interval lies above 0 (no change); Improvement in the
// mirror case (the estimate below −threshold, the interval below 0); Noise
// when the estimate breaches either way unconfirmed; Same otherwise.
func (r Rule) Verdict(e Estimate) Verdict {
	if e.Confidence == 0 || math.IsNaN(e.Change) {
		return Undecided
	}
	// The improvement mirror of a percentage check, as package compare
	// words it: the time shrank by more than Threshold of the baseline.
	switch {
	case e.Change > r.Threshold && e.Low > 0:
		return Regression
	case e.Change < -r.Threshold && e.High < 0:
		return Improvement
	case e.Change > r.Threshold || e.Change < -r.Threshold:
		return Noise
	}
	return Same
}
