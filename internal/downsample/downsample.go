// Package downsample reduces a long series to a number of points a chart can
// draw without losing its shape.
//
// The method is Largest-Triangle-Three-Buckets (Sveinn Steinarsson,
// "Downsampling Time Series for Visual Representation", MSc thesis,
// University of Iceland, 2013, ch. 4.2): the first and last points are kept;
// the points between are cut into equal buckets, and from each bucket the
// point that forms the largest triangle with the point kept before it and the
// average of the next bucket is kept. Peaks and steps survive; flat noise is
// thinned. It assumes the points are in increasing x order.
//
// Points a chart must show whatever their shape — a change point, the
// baseline, a regression — are passed as keep: the series is cut at them,
// each piece gets a share of the budget in proportion to its length, and each
// piece is reduced with its ends kept. The result can then hold a few more
// points than asked for (at most len(keep) more).
package downsample

import (
	"math"
	"slices"
)

// LTTB returns the indices of the points of (xs[i], ys[i]) to draw, in
// increasing order: all of them when there are at most n, otherwise about n
// (at least 3), always including the first, the last and every index in
// keep (indices out of range are ignored). xs and ys have the same length.
func LTTB(xs, ys []float64, n int, keep []int) []int {
	total := len(xs)
	if n < 3 {
		n = 3
	}
	if total <= n {
		out := make([]int, total)
		for i := range out {
			out[i] = i
		}
		return out
	}
	// Cut points: the ends and every point to keep.
	cuts := []int{0, total - 1}
	for _, k := range keep {
		if k > 0 && k < total-1 {
			cuts = append(cuts, k)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)

	out := []int{0}
	inner := n - len(cuts) // points to spend between the cuts
	span := total - len(cuts)
	for c := 0; c+1 < len(cuts); c++ {
		lo, hi := cuts[c], cuts[c+1]
		between := hi - lo - 1
		if between > 0 && inner > 0 && span > 0 {
			budget := int(math.Round(float64(inner) * float64(between) / float64(span)))
			out = append(out, piece(xs, ys, lo, hi, budget)...)
		}
		out = append(out, hi)
	}
	return out
}

// piece returns up to budget indices strictly between lo and hi (both kept
// by the caller), chosen by LTTB with lo as the first kept point and hi as
// the last bucket's average.
func piece(xs, ys []float64, lo, hi, budget int) []int {
	between := hi - lo - 1
	if budget >= between {
		out := make([]int, 0, between)
		for i := lo + 1; i < hi; i++ {
			out = append(out, i)
		}
		return out
	}
	if budget <= 0 {
		return nil
	}
	out := make([]int, 0, budget)
	size := float64(between) / float64(budget)
	prev := lo
	for b := 0; b < budget; b++ {
		start := lo + 1 + int(float64(b)*size)
		end := lo + 1 + int(float64(b+1)*size) // exclusive
		if b == budget-1 {
			end = hi
		}
		// Average of the next bucket (the fixed end point for the last one).
		var ax, ay float64
		if b == budget-1 {
			ax, ay = xs[hi], ys[hi]
		} else {
			nend := lo + 1 + int(float64(b+2)*size)
			if b+1 == budget-1 {
				nend = hi
			}
			for i := end; i < nend; i++ {
				ax += xs[i]
				ay += ys[i]
			}
			if m := float64(nend - end); m > 0 {
				ax /= m
				ay /= m
			}
		}
		best, bestArea := start, -1.0
		for i := start; i < end; i++ {
			area := math.Abs((xs[prev]-ax)*(ys[i]-ys[prev]) - (xs[prev]-xs[i])*(ay-ys[prev]))
			if area > bestArea {
				best, bestArea = i, area
			}
		}
		out = append(out, best)
		prev = best
	}
	return out
}
