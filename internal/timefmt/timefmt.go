// Package timefmt writes times given in seconds as people read them: in the
// unit (ns, µs, ms, s) that keeps the figure between 1 and 1000, with a
// chosen number of significant digits. Every table, progress line, target
// message and page of benchsite formats times through it, so one figure
// reads the same everywhere.
package timefmt

import (
	"math"
	"strconv"
	"time"
)

// Unit is a time unit: Name, and Scale, the factor from seconds.
type Unit struct {
	Name  string  `json:"name"`
	Scale float64 `json:"scale"`
}

// For returns the unit that keeps |seconds| in [1, 1000); seconds for 0 and
// non-finite values.
func For(seconds float64) Unit {
	a := math.Abs(seconds)
	switch {
	case a == 0 || math.IsNaN(a) || math.IsInf(a, 0):
	case a < 1e-6:
		return Unit{"ns", 1e9}
	case a < 1e-3:
		return Unit{"µs", 1e6}
	case a < 1:
		return Unit{"ms", 1e3}
	}
	return Unit{"s", 1}
}

// Format writes seconds in u with sig significant digits (at least one
// digit before the point is kept: 1234.5 ms with sig 3 is "1235").
func (u Unit) Format(seconds float64, sig int) string {
	x := seconds * u.Scale
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'f', decimals(x, sig), 64)
}

// Seconds writes a time with sig significant digits in its own unit,
// trailing zeros kept so columns align: "217.3 ns", "1.200 ms".
func Seconds(v float64, sig int) string {
	u := For(roundSig(v, sig))
	return u.Format(v, sig) + " " + u.Name
}

// Short writes a time with three significant digits and no trailing zeros:
// "1.23 ms", "200 µs", "2 ms".
func Short(v float64) string {
	r := roundSig(v, 3)
	u := For(r)
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return strconv.FormatFloat(r, 'g', -1, 64) + " " + u.Name
	}
	return strconv.FormatFloat(roundSig(r*u.Scale, 3), 'f', -1, 64) + " " + u.Name
}

// decimals is how many digits after the point give x sig significant
// digits.
func decimals(x float64, sig int) int {
	a := math.Abs(roundSig(x, sig))
	if a == 0 {
		return sig - 1
	}
	d := sig - 1 - int(math.Floor(math.Log10(a)))
	if d < 0 {
		return 0
	}
	return d
}

// roundSig rounds v to sig significant digits. Rounding first is what makes
// 999.97 µs come out as "1.00 ms" rather than "1000 µs".
func roundSig(v float64, sig int) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	p := math.Pow(10, float64(sig)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}

// DateLayout is how benchsite writes a run's date for people: in UTC, to
// the minute, the same in `benchsite list` and on the site.
const DateLayout = "2006-01-02 15:04"

// Date writes t in UTC with DateLayout.
func Date(t time.Time) string { return t.UTC().Format(DateLayout) }
