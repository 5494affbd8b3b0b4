package harness

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Unit is how benchsite stores a figure printed in some harness's unit.
//
// Times are stored in seconds (Name ""), as every result file stores them.
// Rates ("ops/s", "MB/s", "req/s") are kept in their own unit and marked
// higher-is-better; counts ("cycles/iter") are kept in their own unit,
// lower-is-better. JMH's "ops/ms", "ops/us" and "ops/ns" are stored as
// "ops/s".
type Unit struct {
	Name string // the stored unit; "" for seconds
	// Exp10 converts: stored value = printed value × 10^Exp10. The
	// conversion is done on the decimal text (see Value), so it is exact to
	// the last bit: 148.70 ns becomes the float64 nearest to 1.4870e-7 s.
	Exp10 int
	// HigherIsBetter marks rates: a drop is the regression.
	HigherIsBetter bool
	// Mul and Div, when above 1, multiply and divide too, for the units
	// that are not a power of ten of a second (min, hr, day: 60, 3600 and
	// 86400 s): stored value = printed value × 10^Exp10 × Mul / Div, still
	// with a single rounding.
	Mul, Div int64
}

// IsTime reports whether u's figures are stored in seconds.
func (u Unit) IsTime() bool { return u.Name == "" }

// timeExp10 maps every spelling of a time unit the harnesses print
// (Google Benchmark, Criterion.rs, Catch2, libtest, JMH, hyperfine, Luau,
// BenchmarkDotNet, Julia) to its power of ten in seconds. "µ" comes as
// U+00B5 (micro sign, Criterion) or U+03BC (Greek mu).
var timeExp10 = map[string]int{
	"ps": -12,
	"ns": -9, "nsec": -9,
	"us": -6, "µs": -6, "μs": -6, "usec": -6,
	"ms": -3, "msec": -3,
	"s": 0, "sec": 0,
}

// timeSixties are JMH's other time units, as its TimeValue.tuToString
// prints them (ns us ms s min hr day), in seconds.
var timeSixties = map[string]int64{"min": 60, "hr": 3600, "day": 86400}

// countUnits are per-iteration counts some harnesses report instead of a
// time, kept as they are; fewer is better.
var countUnits = map[string]bool{
	"cycles": true, "cycles/iter": true, "cycles/op": true,
	"instructions": true, "instructions/iter": true, "instructions/op": true,
	"B/op": true, "allocs/op": true,
}

// ParseUnit is the one rule by which benchsite reads a harness's unit. A
// time, optionally per iteration or per operation ("ns", "ns/iter",
// "us/op", "µs"), is converted to seconds; "ops/<time>" (JMH's throughput)
// to ops/s; any other "<what>/s" or "<what>/sec" is a rate kept as is,
// higher-is-better; the counts of countUnits are kept as they are,
// lower-is-better. Anything else is an error, so that no figure is read in
// the wrong unit.
func ParseUnit(s string) (Unit, error) {
	u := strings.TrimSpace(s)
	base := u
	for _, per := range []string{"/iter", "/op"} {
		base = strings.TrimSuffix(base, per)
	}
	if e, ok := timeExp10[base]; ok {
		return Unit{Exp10: e}, nil
	}
	if m, ok := timeSixties[base]; ok {
		return Unit{Mul: m}, nil
	}
	if countUnits[u] {
		return Unit{Name: u}, nil
	}
	if what, per, ok := strings.Cut(u, "/"); ok && what != "" && !strings.Contains(per, "/") {
		if e, ok := timeExp10[per]; ok {
			if what == "ops" {
				// ops per 10^e s = ops × 10^-e per second.
				return Unit{Name: "ops/s", Exp10: -e, HigherIsBetter: true}, nil
			}
			if e == 0 {
				return Unit{Name: what + "/s", HigherIsBetter: true}, nil
			}
		}
		if m, ok := timeSixties[per]; ok && what == "ops" {
			return Unit{Name: "ops/s", Div: m, HigherIsBetter: true}, nil
		}
	}
	return Unit{}, fmt.Errorf("unknown unit %q; benchsite reads times (ns, us, µs, ms, s, min, hr, day, also per iter/op), ops/<time>, rates <what>/s and cycle or instruction counts", s)
}

// Value converts the decimal text num (digits with an optional fraction
// and exponent; "," and "_" as thousands separators are dropped) printed in
// u into the stored unit, exactly: the power of ten is added to the
// exponent before the text is parsed, so there is a single rounding.
func (u Unit) Value(num string) (float64, error) {
	if u.Mul <= 1 && u.Div <= 1 {
		return scaleDecimal(num, u.Exp10)
	}
	// Check the text as scaleDecimal does, then scale it as an exact
	// fraction: 1.5 min is 90 s exactly, 1 ops/min the float64 nearest
	// to 1/60 ops/s.
	if _, err := scaleDecimal(num, u.Exp10); err != nil {
		return 0, err
	}
	r, ok := new(big.Rat).SetString(separators.Replace(strings.TrimSpace(num)))
	if !ok {
		return 0, fmt.Errorf("%q is not a number", num)
	}
	if u.Exp10 != 0 {
		p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(u.Exp10))), nil))
		if u.Exp10 < 0 {
			p.Inv(p)
		}
		r.Mul(r, p)
	}
	if u.Mul > 1 {
		r.Mul(r, new(big.Rat).SetInt64(u.Mul))
	}
	if u.Div > 1 {
		r.Quo(r, new(big.Rat).SetInt64(u.Div))
	}
	v, _ := r.Float64()
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number (or out of range)", num)
	}
	return v, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// separators are the thousands separators harnesses print (18,149 ns).
var separators = strings.NewReplacer(",", "", "_", "")

// scaleDecimal returns the float64 nearest to num × 10^exp10.
func scaleDecimal(num string, exp10 int) (float64, error) {
	t := strings.TrimSpace(num)
	if strings.ContainsAny(t, ",_") {
		t = separators.Replace(t)
	}
	if t == "" {
		return 0, fmt.Errorf("missing number")
	}
	mant, exp := t, 0
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(t[i+1:], "+"))
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", num)
		}
		mant, exp = t[:i], e
	}
	for i, r := range mant {
		if !(r >= '0' && r <= '9' || r == '.' || (i == 0 && (r == '-' || r == '+'))) {
			return 0, fmt.Errorf("%q is not a number", num)
		}
	}
	v, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(exp+exp10), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number (or out of range)", num)
	}
	if v < 0 {
		// One rule for every unit: result files hold non-negative figures
		// (result.CheckBenchmark refuses a negative time); a negative
		// rate or count is no measurement of a benchmark either.
		return 0, fmt.Errorf("%q is negative; a time, rate or count is never below 0 (benchsite refuses negative figures in any unit)", num)
	}
	return v, nil
}
