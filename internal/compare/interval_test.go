package compare

import (
	"math"
	"strings"
	"testing"
)

// The interval text reads as the table's Change column beside it: the same
// signs, "±0.0%" for a change that rounds to zero (the table showed
// "±0.0%" and the note beside it "−0.0%"), "—" for a missing value (it
// showed "+NaN").
func TestFormatInterval(t *testing.T) {
	for _, tc := range []struct {
		change, low, high float64
		want              string
	}{
		{2.1, -0.8, 4.9, "+2.1% [−0.8, +4.9]"},
		{-0.01, -2.1, 9.6, "±0.0% [−2.1, +9.6]"},
		{-3, math.Inf(-1), math.Inf(1), "−3.0% [−∞, +∞]"},
		{math.NaN(), math.NaN(), math.NaN(), "— [—, —]"},
	} {
		if got := FormatInterval(tc.change, tc.low, tc.high); got != tc.want {
			t.Errorf("FormatInterval(%v, %v, %v) = %q, want %q", tc.change, tc.low, tc.high, got, tc.want)
		}
	}
}

// The progress line of a paired run names what it compares as the final
// table does ("median (paired)"), not the check's field ("mean"): a mean
// check is decided on the per-process medians.
func TestPairedStopStatusNamesTheField(t *testing.T) {
	stop := PairedStop(Options{Checks: []Check{{Field: "mean", Percent: true, Threshold: 10}}}, 0, 20)
	base, cur := make([][]float64, 8), make([][]float64, 8)
	for i := range base {
		base[i] = []float64{1, 1.01, 0.99}
		cur[i] = []float64{1.001 * float64(1+i%2), 1, 1}
	}
	_, status := stop("BenchmarkX", "pkg::BenchmarkX", base, cur)
	if !strings.HasPrefix(status, "median (paired) ") {
		t.Errorf("status %q, want it to start with %q", status, "median (paired) ")
	}
}
