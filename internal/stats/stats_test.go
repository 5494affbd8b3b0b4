package stats

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
)

func seq(from, to float64) []float64 {
	var d []float64
	for v := from; v <= to; v++ {
		d = append(d, v)
	}
	return d
}

// The vectors from the issue and pytest-benchmark's tests/test_stats.py; the
// figures must match bit for bit.
func TestUpstreamVectors(t *testing.T) {
	s := Compute([]float64{4, 36, 45, 50, 75}, 1)
	if s.Mean != 42 || s.Min != 4 || s.Max != 75 || s.Rounds != 5 || s.Total != 210 {
		t.Errorf("mean/min/max/rounds/total = %v/%v/%v/%v/%v", s.Mean, s.Min, s.Max, s.Rounds, s.Total)
	}
	if s.Stddev != 25.700194551792794 {
		t.Errorf("stddev = %v, want 25.700194551792794", s.Stddev)
	}
	if s.OPS != 0.023809523809523808 {
		t.Errorf("ops = %v, want 0.023809523809523808", s.OPS)
	}

	s = Compute([]float64{17, 19, 24}, 1)
	if s.Mean != 20 || s.Stddev != 3.605551275463989 || s.Total != 60 {
		t.Errorf("[17,19,24]: mean %v stddev %v total %v", s.Mean, s.Stddev, s.Total)
	}

	for _, tc := range []struct {
		name   string
		data   []float64
		q1, q3 float64
		iqr    float64
	}{
		{"odd n=11 (Method 3, n%4=3)", []float64{6, 7, 15, 36, 39, 40, 41, 42, 43, 47, 49}, 20.25, 42.75, 22.5},
		{"even n=6 (Method 2)", []float64{7, 15, 36, 39, 40, 41}, 15, 40, 25},
		{"1..9 (Method 3, n%4=1)", seq(1, 9), 2.75, 7.25, 4.5},
		{"1..8 (Method 2)", seq(1, 8), 2.5, 6.5, 4},
	} {
		s := Compute(tc.data, 1)
		if s.IQR != tc.iqr || s.Q1 != tc.q1 || s.Q3 != tc.q3 {
			t.Errorf("%s: q1 %v q3 %v iqr %v, want %v %v %v", tc.name, s.Q1, s.Q3, s.IQR, tc.q1, tc.q3, tc.iqr)
		}
	}
}

func TestOneSample(t *testing.T) {
	s := Compute([]float64{0.5}, 7)
	want := result.Stats{Min: 0.5, Max: 0.5, Mean: 0.5, Stddev: 0, Rounds: 1, Median: 0.5, IQR: 0, Q1: 0.5, Q3: 0.5,
		Outliers: "0;0", LD15IQR: 0.5, HD15IQR: 0.5, OPS: 2, Total: 0.5, Data: []float64{0.5}, Iterations: 7}
	if !equalStats(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
}

func TestTwoSamples(t *testing.T) {
	s := Compute([]float64{3, 1}, 2)
	// Method 2 on n=2: q1 = 1, q3 = 3; stdev = √2, so both samples lie inside
	// mean ± stddev.
	want := result.Stats{Min: 1, Max: 3, Mean: 2, Stddev: math.Sqrt2, Rounds: 2, Median: 2, IQR: 2, Q1: 1, Q3: 3,
		Outliers: "0;0", LD15IQR: 1, HD15IQR: 3, OPS: 0.5, Total: 4, Data: []float64{3, 1}, Iterations: 2}
	if !equalStats(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
}

// stddev_outliers and iqr_outliers use strict inequalities: a sample exactly
// on a bound is not an outlier.
func TestStrictBounds(t *testing.T) {
	// mean 2, stdev 1: 1 and 3 sit exactly on mean ± stddev.
	s := Compute([]float64{1, 2, 3}, 1)
	if s.Stddev != 1 || s.StddevOutliers != 0 {
		t.Errorf("stddev %v outliers %d, want 1 and 0", s.Stddev, s.StddevOutliers)
	}
	// n=8, Method 2: q1 = 2, q3 = 4, iqr 2, fences -1 and 7; 7 is on the upper
	// fence (not an outlier), 7.5 beyond it.
	s = Compute([]float64{2, 2, 2, 2, 4, 4, 4, 7}, 1)
	if s.Q1 != 2 || s.Q3 != 4 || s.IQROutliers != 0 || s.HD15IQR != 7 {
		t.Errorf("on fence: q1 %v q3 %v iqr_outliers %d hd15iqr %v", s.Q1, s.Q3, s.IQROutliers, s.HD15IQR)
	}
	s = Compute([]float64{2, 2, 2, 2, 4, 4, 4, 7.5}, 1)
	if s.IQROutliers != 1 || s.Outliers != "1;1" {
		t.Errorf("beyond fence: iqr_outliers %d outliers %q", s.IQROutliers, s.Outliers)
	}
}

// hd15iqr is pytest-benchmark's asymmetric rule: the first datum ABOVE the
// upper fence when there is one (so an outlier), else the max; ld15iqr is the
// lowest datum at or above the lower fence.
func TestTukeyData(t *testing.T) {
	// [1 2 3 4 5 6 7 100], Method 2: q1 2.5, q3 6.5, iqr 4, fences -3.5 and 12.5.
	s := Compute([]float64{100, 1, 2, 3, 4, 5, 6, 7}, 1)
	if s.HD15IQR != 100 {
		t.Errorf("hd15iqr = %v, want 100 (first datum above the fence)", s.HD15IQR)
	}
	if s.LD15IQR != 1 {
		t.Errorf("ld15iqr = %v, want 1", s.LD15IQR)
	}
	// A low outlier: [-100 1 2 3 4 5 6 7]: q1 1.5, q3 5.5, fences -4.5, 11.5.
	s = Compute([]float64{-100, 1, 2, 3, 4, 5, 6, 7}, 1)
	if s.LD15IQR != 1 || s.HD15IQR != 7 || s.IQROutliers != 1 {
		t.Errorf("ld15iqr %v hd15iqr %v iqr_outliers %d, want 1 7 1", s.LD15IQR, s.HD15IQR, s.IQROutliers)
	}
}

func TestOpsZeroTotal(t *testing.T) {
	s := Compute([]float64{0, 0, 0}, 1)
	if s.OPS != 0 || s.Total != 0 || s.Rounds != 3 {
		t.Errorf("ops %v total %v rounds %d", s.OPS, s.Total, s.Rounds)
	}
}

func TestEmpty(t *testing.T) {
	s := Compute(nil, 5)
	want := result.Stats{Outliers: "0;0", Iterations: 5}
	if !equalStats(s, want) {
		t.Errorf("got %+v", s)
	}
}

// Non-finite samples are dropped and overflowing figures clamped, so the
// result always encodes as JSON.
func TestNeverNaNOrInf(t *testing.T) {
	for _, data := range [][]float64{
		{math.NaN(), 1, math.Inf(1), 3, math.Inf(-1)},
		{1.7e308, 1.7e308, 1.7e308},
		{-1.7e308, 1.7e308},
		{math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64, 0, 1},
		{5e-324, 5e-324},
	} {
		s := Compute(data, 1)
		if _, err := json.Marshal(s); err != nil {
			t.Errorf("%v: %v", data, err)
		}
		for _, v := range append([]float64{s.Min, s.Max, s.Mean, s.Stddev, s.Median, s.Q1, s.Q3, s.IQR,
			s.LD15IQR, s.HD15IQR, s.OPS, s.Total}, s.Data...) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%v: non-finite figure in %+v", data, s)
				break
			}
		}
	}
	s := Compute([]float64{math.NaN(), 1, math.Inf(1), 3}, 1)
	if s.Rounds != 2 || !slices.Equal(s.Data, []float64{1, 3}) || s.Mean != 2 {
		t.Errorf("non-finite samples not dropped: %+v", s)
	}
	// The mean of huge values is exact, not Inf (CPython agrees).
	if s := Compute([]float64{1.7e308, 1.7e308}, 1); s.Mean != 1.7e308 || s.Stddev != 0 {
		t.Errorf("mean %v stddev %v", s.Mean, s.Stddev)
	}
}

func TestDoesNotModifyInput(t *testing.T) {
	in := []float64{3, 1, 2}
	s := Compute(in, 1)
	if !slices.Equal(in, []float64{3, 1, 2}) || !slices.Equal(s.Data, []float64{3, 1, 2}) {
		t.Errorf("input %v, data %v: order must be kept", in, s.Data)
	}
	s.Data[0] = 99
	if in[0] != 3 {
		t.Error("Data aliases the caller's slice")
	}
}

// golden.json holds pytest-benchmark's own output for 200 vectors (see
// testdata/SOURCE.md); every figure must match exactly.
func TestGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	// pytest-benchmark's ops is inf when the total is subnormal; Compute
	// clamps that to the largest float.
	raw = bytes.ReplaceAll(raw, []byte(`"inf"`), []byte("1.7976931348623157e308"))
	var g struct {
		Generator string
		Cases     []struct {
			Data []float64
			Want result.Stats
		}
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) < 200 {
		t.Fatalf("only %d golden cases", len(g.Cases))
	}
	for i, c := range g.Cases {
		got := Compute(c.Data, 3)
		want := c.Want
		want.Data, want.Iterations = c.Data, 3
		if !equalStats(got, want) {
			t.Errorf("case %d (n=%d): mismatch\n got  %s\n want %s", i, len(c.Data), brief(got), brief(want))
		}
	}
}

func brief(s result.Stats) string {
	s.Data = nil
	b, _ := json.Marshal(s)
	return string(b)
}

// equalStats compares every field bit for bit (math.Float64bits, so that
// 0 and -0 differ too).
func equalStats(a, b result.Stats) bool {
	fa := []float64{a.Min, a.Max, a.Mean, a.Stddev, a.Median, a.IQR, a.Q1, a.Q3, a.LD15IQR, a.HD15IQR, a.OPS, a.Total}
	fb := []float64{b.Min, b.Max, b.Mean, b.Stddev, b.Median, b.IQR, b.Q1, b.Q3, b.LD15IQR, b.HD15IQR, b.OPS, b.Total}
	for i := range fa {
		if math.Float64bits(fa[i]) != math.Float64bits(fb[i]) {
			return false
		}
	}
	return a.Rounds == b.Rounds && a.IQROutliers == b.IQROutliers && a.StddevOutliers == b.StddevOutliers &&
		a.Outliers == b.Outliers && a.Iterations == b.Iterations && a.Truncated == b.Truncated &&
		slices.Equal(a.Data, b.Data) && (len(a.Data) == 0) == (len(b.Data) == 0)
}

func BenchmarkCompute(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		data := make([]float64, n)
		for i := range data {
			data[i] = 1e-6 * (1 + 0.01*float64((i*7919)%101))
		}
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				Compute(data, 1)
			}
		})
	}
}
