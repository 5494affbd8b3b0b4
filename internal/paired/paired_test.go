package paired

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Critical values of the signed-rank test from published tables (Hollander,
// Wolfe & Chicken, Table A.4; two-sided α = 0.05: reject when T ≤ c).
func TestSignedRankCritical(t *testing.T) {
	for _, tc := range []struct {
		n, c  int
		cover float64
	}{
		{6, 0, 1 - 2.0/64},
		{8, 3, 1 - 2*5.0/256},
		{10, 8, 1 - 2*25.0/1024},
		{20, 52, 0},
	} {
		k, cover := signedRankCritical(tc.n, 0.05)
		if k != tc.c+1 {
			t.Errorf("n=%d: k = %d, want %d (critical value %d)", tc.n, k, tc.c+1, tc.c)
		}
		if tc.cover != 0 && math.Abs(cover-tc.cover) > 1e-12 {
			t.Errorf("n=%d: coverage %v, want %v", tc.n, cover, tc.cover)
		}
		if cover < 0.95 {
			t.Errorf("n=%d: coverage %v below 0.95", tc.n, cover)
		}
	}
	if k, _ := signedRankCritical(5, 0.05); k != 0 {
		t.Errorf("n=5 has no 95%% interval, got k=%d", k)
	}
}

func TestHodgesLehmannByHand(t *testing.T) {
	// Walsh averages of {0, 0.1, 0.3}: 0, 0.05, 0.1, 0.15, 0.2, 0.3 → median 0.125.
	e := FromLogRatios([]float64{0.3, 0, 0.1}, 0.95)
	if want := math.Expm1(0.125); math.Abs(e.Change-want) > 1e-12 {
		t.Errorf("change %v, want %v", e.Change, want)
	}
	if !math.IsInf(e.Low, -1) || e.Confidence != 0 {
		t.Errorf("3 pairs cannot give a 95%% interval: %+v", e)
	}
	// Six pairs: the interval is [min, max] of the Walsh averages.
	d := []float64{0.01, 0.02, 0.03, 0.04, 0.05, 0.20}
	e = FromLogRatios(d, 0.95)
	if math.Abs(e.Low-math.Expm1(0.01)) > 1e-12 || math.Abs(e.High-math.Expm1(0.20)) > 1e-12 {
		t.Errorf("interval [%v, %v], want [e^0.01-1, e^0.2-1]", e.Low, e.High)
	}
}

func TestCompareRatios(t *testing.T) {
	base := []float64{1, 2, 4, 8, 1, 2}
	cur := make([]float64, len(base))
	for i := range base {
		cur[i] = base[i] * 1.25
	}
	e, err := Compare(base, cur, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(e.Change-0.25) > 1e-9 || math.Abs(e.Low-0.25) > 1e-9 || math.Abs(e.High-0.25) > 1e-9 {
		t.Errorf("a constant 25%% slowdown: %+v", e)
	}
	if _, err := Compare([]float64{1}, nil, 0); err == nil {
		t.Error("unequal arms: no error")
	}
}

// The rule on simulated pairs with effects far from the threshold: a +60 %
// change is a regression, no change is never one.
func TestRuleLargeEffects(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	r := DefaultRule(0.10)
	run := func(effect float64) (Verdict, int) {
		var d []float64
		for {
			d = append(d, math.Log1p(effect)+0.05*rng.NormFloat64())
			e := FromLogRatios(d, 0)
			if r.Done(e) {
				return r.Verdict(e), e.Pairs
			}
		}
	}
	for i := 0; i < 50; i++ {
		if v, n := run(0.60); v != Regression || n < 10 {
			t.Fatalf("+60%%: %s after %d pairs, want a regression confirmed by ≥10 pairs", v, n)
		}
		if v, n := run(0); v == Regression {
			t.Fatalf("no change: %s after %d pairs", v, n)
		}
		if v, _ := run(-0.40); v != Improvement {
			t.Fatalf("−40%%: %s, want an improvement", v)
		}
	}
}

func TestRuleVerdicts(t *testing.T) {
	r := DefaultRule(0.10)
	for _, tc := range []struct {
		e    Estimate
		want Verdict
	}{
		{Estimate{Pairs: 10, Change: 0.2, Low: 0.05, High: 0.3, Confidence: 0.95}, Regression},
		{Estimate{Pairs: 10, Change: 0.2, Low: -0.01, High: 0.3, Confidence: 0.95}, Noise},
		{Estimate{Pairs: 10, Change: 0.05, Low: 0.01, High: 0.09, Confidence: 0.95}, Same},
		{Estimate{Pairs: 10, Change: -0.2, Low: -0.3, High: -0.1, Confidence: 0.95}, Improvement},
		{Estimate{Pairs: 3, Change: 0.5, Low: math.Inf(-1), High: math.Inf(1)}, Undecided},
	} {
		if got := r.Verdict(tc.e); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.e, got, tc.want)
		}
	}
	if r.Done(Estimate{Pairs: 6, Low: 0.2, High: 0.3}) {
		t.Error("a suspected regression stopped before ConfirmPairs")
	}
	if !r.Done(Estimate{Pairs: 10, Low: 0.2, High: 0.3}) {
		t.Error("a confirmed regression did not stop")
	}
	if r.Done(Estimate{Pairs: 8, Low: 0.0, High: 0.15}) {
		t.Error("an interval straddling the threshold stopped early")
	}
	if !r.Done(Estimate{Pairs: 16, Low: 0.0, High: 0.15}) {
		t.Error("MaxPairs did not stop")
	}
}
