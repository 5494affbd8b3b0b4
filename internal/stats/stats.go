// Package stats computes a benchmark's statistics exactly as pytest-benchmark
// 5.x does (its stats.py, run by CPython 3.12 or newer), so that figures in
// files written by benchsite and by pytest-benchmark mean the same and can be
// compared field by field.
//
// Input: data holds one sample per round, in seconds per iteration (round
// time / iterations), in the order the rounds ran; iterations is the number
// of iterations per round and is stored as given.
//
// Output, field by field (n = number of samples, s = samples sorted):
//
//   - min, max, rounds (= n), data (the samples, in the given order).
//   - total: Σ data, summed as CPython ≥ 3.12's sum() does (Neumaier's
//     compensated summation). CPython ≤ 3.11 summed naively and may differ in
//     the last bit.
//   - mean: statistics.mean, the exact mean correctly rounded.
//   - stddev: statistics.stdev, the sample standard deviation (n−1) computed
//     exactly and correctly rounded; 0 when n = 1.
//   - median: statistics.median; (a+b)/2 of the middle pair for even n.
//   - q1, q3: for n = 1 the sample itself; for odd n "Method 3" of
//     Wikipedia's Quartile article (weights 0.25/0.75 around positions n/4
//     and 3n/4); for even n "Method 2" (median of the lower / upper half).
//   - iqr = q3 − q1.
//   - stddev_outliers: samples strictly outside (mean − stddev, mean + stddev).
//   - iqr_outliers: samples strictly outside (q1 − 1.5·iqr, q3 + 1.5·iqr).
//   - outliers: "<stddev_outliers>;<iqr_outliers>".
//   - ld15iqr: the smallest sample ≥ q1 − 1.5·iqr.
//   - hd15iqr: pytest-benchmark's asymmetric rule: the first sample strictly
//     above q3 + 1.5·iqr (an outlier itself), or the max when there is none.
//   - ops = rounds / total, 0 when total is 0.
//
// Beyond pytest-benchmark (which would raise or emit NaN): samples that are
// NaN or ±Inf are dropped, since JSON cannot hold them; an empty input gives
// zero figures with outliers "0;0"; a figure that would overflow to ±Inf
// (only possible with samples near ±1.8e308) is clamped to ±MaxFloat64. So
// Compute never returns NaN or Inf.
package stats

import (
	"math"
	"math/big"
	"slices"
	"strconv"

	"github.com/benchsite/benchsite/internal/result"
)

// Compute returns the statistics of data (seconds per iteration, one sample
// per round) as pytest-benchmark 5.x computes them. It does not modify data.
func Compute(data []float64, iterations int) result.Stats {
	d := make([]float64, 0, len(data))
	for _, v := range data {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			d = append(d, v)
		}
	}
	st := result.Stats{Iterations: iterations, Outliers: "0;0"}
	n := len(d)
	if n == 0 {
		return st
	}
	s := slices.Clone(d)
	slices.Sort(s)

	st.Data = d
	st.Rounds = n
	st.Min = s[0]
	st.Max = s[n-1]
	st.Total = neumaierSum(d)
	st.Mean, st.Stddev = meanStdev(d)
	st.Median = median(s)
	st.Q1, st.Q3 = quartiles(s)
	st.IQR = st.Q3 - st.Q1

	lo, hi := st.Mean-st.Stddev, st.Mean+st.Stddev
	for _, v := range d {
		if v < lo || v > hi {
			st.StddevOutliers++
		}
	}
	// float64(...) stops the compiler from fusing the multiply-add into an
	// FMA (allowed by the Go spec on some CPUs), which would round
	// differently from CPython.
	tukeyLo := st.Q1 - float64(1.5*st.IQR)
	tukeyHi := st.Q3 + float64(1.5*st.IQR)
	for _, v := range d {
		if v < tukeyLo || v > tukeyHi {
			st.IQROutliers++
		}
	}
	st.Outliers = strconv.Itoa(st.StddevOutliers) + ";" + strconv.Itoa(st.IQROutliers)

	if n == 1 {
		st.LD15IQR, st.HD15IQR = d[0], d[0]
	} else {
		// bisect_left: first index with s[i] >= tukeyLo.
		i, _ := slices.BinarySearch(s, tukeyLo)
		if i == n { // only when an overflow made tukeyLo +Inf; keep it in range
			i = n - 1
		}
		st.LD15IQR = s[i]
		// bisect_right: first index with s[j] > tukeyHi.
		j := upperBound(s, tukeyHi)
		if j == n {
			st.HD15IQR = s[n-1]
		} else {
			st.HD15IQR = s[j]
		}
	}

	if st.Total != 0 {
		st.OPS = float64(st.Rounds) / st.Total
	}
	for _, p := range []*float64{&st.Min, &st.Max, &st.Mean, &st.Stddev, &st.Median, &st.Q1, &st.Q3,
		&st.IQR, &st.LD15IQR, &st.HD15IQR, &st.OPS, &st.Total} {
		*p = finite(*p)
	}
	return st
}

// upperBound returns the first index i with s[i] > x (Python's bisect_right).
func upperBound(s []float64, x float64) int {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x < s[m] {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// finite clamps ±Inf to ±MaxFloat64 (and NaN, which cannot arise from finite
// samples, to 0) so that the result always encodes as JSON.
func finite(v float64) float64 {
	switch {
	case math.IsNaN(v):
		return 0
	case math.IsInf(v, 1):
		return math.MaxFloat64
	case math.IsInf(v, -1):
		return -math.MaxFloat64
	}
	return v
}

// neumaierSum is CPython ≥ 3.12's sum() of floats: Neumaier's improved
// Kahan–Babuška summation, the compensation added once at the end (and only
// when it is finite, so an overflowed sum stays ±Inf rather than NaN).
func neumaierSum(d []float64) float64 {
	var sum, c float64
	for _, x := range d {
		t := sum + x
		if math.Abs(sum) >= math.Abs(x) {
			c += (sum - t) + x
		} else {
			c += (x - t) + sum
		}
		sum = t
	}
	if c != 0 && !math.IsInf(c, 0) && !math.IsNaN(c) {
		sum += c
	}
	return sum
}

// Median returns the median of data (not modified), as Compute does.
func Median(data []float64) float64 {
	if len(data) == 0 {
		return 0
	}
	s := slices.Clone(data)
	slices.Sort(s)
	return median(s)
}

// median is statistics.median of sorted s: the middle sample, or the mean of
// the middle pair computed in floating point as (a+b)/2.
func median(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// quartiles returns pytest-benchmark's q1 and q3 of sorted s (len ≥ 1).
func quartiles(s []float64) (q1, q3 float64) {
	n := len(s)
	switch {
	case n == 1:
		return s[0], s[0]
	case n%2 == 1: // Method 3
		k, r := n/4, n%4
		// float64(...) around each product prevents FMA fusion (see Compute).
		if r == 1 {
			q1 = float64(0.25*s[k-1]) + float64(0.75*s[k])
			q3 = float64(0.75*s[3*k]) + float64(0.25*s[3*k+1])
		} else {
			q1 = float64(0.75*s[k]) + float64(0.25*s[k+1])
			q3 = float64(0.25*s[3*k+1]) + float64(0.75*s[3*k+2])
		}
		return q1, q3
	default: // Method 2
		return median(s[:n/2]), median(s[n/2:])
	}
}

// meanStdev returns statistics.mean and statistics.stdev of d (len ≥ 1).
// CPython computes both exactly with rationals and rounds once at the end;
// floating-point formulas differ in the last bits, so this does the same with
// big integers. Every finite float is m·2^e with an integer m, so with E the
// smallest exponent, Σx = SX·2^E and Σx² = SXX·2^(2E) with integers SX, SXX:
//
//	mean   = SX / n · 2^E
//	stdev² = (n·SXX − SX²) / (n·(n−1)) · 2^(2E)
func meanStdev(d []float64) (mean, stdev float64) {
	n := len(d)
	mant := make([]int64, n)
	exp := make([]int, n)
	minExp := math.MaxInt
	for i, x := range d {
		fr, e := math.Frexp(x) // x = fr·2^e, 0.5 ≤ |fr| < 1
		mant[i] = int64(fr * (1 << 53))
		exp[i] = e - 53
		if mant[i] != 0 && exp[i] < minExp {
			minExp = exp[i]
		}
	}
	if minExp == math.MaxInt { // all zero
		return 0, 0
	}
	sx, sxx := new(big.Int), new(big.Int)
	var m, m2 big.Int
	for i := range d {
		if mant[i] == 0 {
			continue
		}
		m.SetInt64(mant[i])
		m.Lsh(&m, uint(exp[i]-minExp))
		sx.Add(sx, &m)
		m2.Mul(&m, &m)
		sxx.Add(sxx, &m2)
	}

	// mean: one correctly rounded division (big.Float handles subnormals).
	mean = ratioTimesPow2(sx, big.NewInt(int64(n)), minExp)
	if n < 2 {
		return mean, 0
	}
	num := new(big.Int).Mul(big.NewInt(int64(n)), sxx)
	num.Sub(num, new(big.Int).Mul(sx, sx))
	den := big.NewInt(int64(n) * int64(n-1))
	return mean, sqrtRatioTimesPow2(num, den, minExp)
}

// ratioTimesPow2 returns a/b·2^e correctly rounded to float64.
func ratioTimesPow2(a, b *big.Int, e int) float64 {
	r := new(big.Rat).SetFrac(a, b)
	if e >= 0 {
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(e))))
	} else {
		r.Quo(r, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(-e))))
	}
	f, _ := r.Float64()
	return f
}

// sqrtRatioTimesPow2 returns √(a/b)·2^e correctly rounded to float64
// (a ≥ 0, b > 0). It takes the integer square root of a·4^k/b with at least
// 60 significant bits and sets the lowest bit when that root is inexact
// ("round to odd"); rounding such a value once to 53 bits gives the correctly
// rounded result, as CPython's statistics module does.
func sqrtRatioTimesPow2(a, b *big.Int, e int) float64 {
	if a.Sign() == 0 {
		return 0
	}
	k := 0
	if bits := (a.BitLen() - b.BitLen()) / 2; bits < 62 {
		k = 62 - bits
	}
	scaled := new(big.Int).Lsh(a, uint(2*k))
	q, rem := new(big.Int).QuoRem(scaled, b, new(big.Int))
	root := new(big.Int).Sqrt(q)
	if rem.Sign() != 0 || new(big.Int).Mul(root, root).Cmp(q) != 0 {
		root.SetBit(root, 0, 1)
	}
	f := new(big.Float).SetInt(root) // exact: precision grows to fit
	f.SetMantExp(f, e-k)
	v, _ := f.Float64()
	return v
}

// NoisyRelIQR is the relative spread above which a run counts as noisy: an
// interquartile range wider than 10 % of the median. At that spread a change
// of the size benchsite's default threshold (10 %) looks for is as wide as
// the run's own middle half, so the figure alone says little; readers are
// shown the spread and warned.
const NoisyRelIQR = 0.10

// RelIQR is st's interquartile range as a fraction of its median (NaN when
// the median is not positive). benchstat shows the same kind of figure
// ("± x%") beside each median.
func RelIQR(st result.Stats) float64 {
	if !(st.Median > 0) {
		return math.NaN()
	}
	return st.IQR / st.Median
}

// Noisy reports whether st's rounds spread widely (RelIQR > NoisyRelIQR).
func Noisy(st result.Stats) bool { return RelIQR(st) > NoisyRelIQR }
