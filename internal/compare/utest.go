package compare

import (
	"sync"

	"golang.org/x/perf/benchmath"
)

// uTest is benchmath.AssumeNothing.Compare(s1, s2) (the Mann-Whitney U
// test), memoised. benchmath computes the exact distribution of U afresh on
// every call, a table of about n1·n2·U cells: comparing every run of a long
// history with its baseline spent most of a site build there. Without ties
// the outcome depends on the samples only through their sizes and the rank
// sum of the first (U), and on alpha, so it is kept under those: a history
// of runs with 20 rounds each needs at most 401 outcomes per alpha. With
// ties (the tie counts also count) it is not kept. s1 and s2 are sorted
// (benchmath.NewSample sorts).
func uTest(s1, s2 *benchmath.Sample, alpha float64) benchmath.Comparison {
	key, ok := uKeyOf(s1.Values, s2.Values, alpha)
	if !ok {
		return benchmath.AssumeNothing.Compare(s1, s2)
	}
	if c, ok := uMemo.Load(key); ok {
		return c.(benchmath.Comparison)
	}
	c := benchmath.AssumeNothing.Compare(s1, s2)
	uMemo.Store(key, c)
	return c
}

// uMemo holds the outcomes of uTest by uKey.
var uMemo sync.Map

// uKey is what a U test's outcome depends on when the samples have no ties.
type uKey struct {
	n1, n2  int
	rankSum int // of the first sample; ranks from 1
	alpha   float64
}

// uKeyOf returns the key of sorted samples a and b; ok is false when a
// value occurs more than once (a tie), or a sample is empty.
func uKeyOf(a, b []float64, alpha float64) (k uKey, ok bool) {
	if len(a) == 0 || len(b) == 0 {
		return k, false
	}
	k = uKey{n1: len(a), n2: len(b), alpha: alpha}
	prev, i, j := 0.0, 0, 0
	for rank := 1; i < len(a) || j < len(b); rank++ {
		var v float64
		if j == len(b) || i < len(a) && a[i] < b[j] {
			v = a[i]
			k.rankSum += rank
			i++
		} else {
			v = b[j]
			j++
		}
		if rank > 1 && v == prev || v != v { // a tie, or NaN
			return k, false
		}
		prev = v
	}
	return k, true
}
