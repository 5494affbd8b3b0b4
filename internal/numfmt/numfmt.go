// Package numfmt formats the numbers benchsite shows beside times: relative
// changes, p-values and missing values, the same way in the terminal, in
// Markdown and on the site. Times themselves are formatted by timefmt.
package numfmt

import (
	"math"
	"strconv"
)

// Missing stands for a value that is absent or not a number.
const Missing = "—"

// Percent formats a relative change given in percent with one decimal and
// its sign: "+12.3%", "−4.0%" (U+2212), "±0.0%", "+∞"; Missing for NaN.
func Percent(v float64) string {
	switch {
	case math.IsNaN(v):
		return Missing
	case math.IsInf(v, 1):
		return "+∞"
	case math.IsInf(v, -1):
		return "−∞"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', 1, 64) + "%"
	switch {
	case s == "0.0%":
		return "±0.0%"
	case v < 0:
		return "−" + s
	}
	return "+" + s
}

// PValue formats a p-value with three decimals, "<0.001" below that;
// Missing for NaN.
func PValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return Missing
	case p < 0.001:
		return "<0.001"
	}
	return strconv.FormatFloat(p, 'f', 3, 64)
}

// Share formats a fraction of a whole (0.123) as an unsigned percentage
// with the given decimals: "12%", "12.3%"; Missing when it is not finite.
func Share(f float64, decimals int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Missing
	}
	return strconv.FormatFloat(100*f, 'f', decimals, 64) + "%"
}
