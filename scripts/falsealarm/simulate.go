package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/benchsite/benchsite/internal/paired"
)

// simulate runs the sequential rule of package paired on n simulated
// benchmarks per case, with independent per-pair log ratios drawn from a
// normal or a heavy-tailed (Student t, 3 degrees of freedom) distribution:
// the rule's own false-alarm rate and power under its assumptions, early
// looks included. Real runs (the rest of this program) test the
// assumptions.
func simulate(n int) {
	rng := rand.New(rand.NewPCG(8, 8))
	draw := map[string]func(sigma float64) float64{
		"normal": func(s float64) float64 { return s * rng.NormFloat64() },
		"t3": func(s float64) float64 {
			// t with 3 degrees of freedom, scaled to standard deviation s.
			z := rng.NormFloat64()
			c := 0.0
			for range 3 {
				g := rng.NormFloat64()
				c += g * g
			}
			return s * z / math.Sqrt(c/3) / math.Sqrt(3)
		},
	}
	fmt.Fprintf(logw, "Simulation of the rule (%d benchmarks per case; flagged %% / mean pairs):\n", n)
	fmt.Fprintf(logw, "  %-7s %-6s %-26s %-26s %-26s\n", "noise", "σ", "unchanged, mean:10%", "+25 % under mean:10%", "+10 % under mean:5%")
	for _, dist := range []string{"normal", "t3"} {
		for _, sigma := range []float64{0.02, 0.05, 0.10, 0.20} {
			cell := func(effect, thr float64) string {
				flagged, pairs := 0, 0
				for range n {
					r := paired.DefaultRule(thr)
					var d []float64
					for {
						d = append(d, math.Log1p(effect)+draw[dist](sigma))
						e := paired.FromLogRatios(d, 0)
						if r.Done(e) {
							if r.Verdict(e) == paired.Regression {
								flagged++
							}
							pairs += e.Pairs
							break
						}
					}
				}
				return fmt.Sprintf("%6.2f %% / %4.1f pairs", 100*float64(flagged)/float64(n), float64(pairs)/float64(n))
			}
			fmt.Fprintf(logw, "  %-7s %-6.2f %-26s %-26s %-26s\n", dist, sigma, cell(0, 0.10), cell(0.25, 0.10), cell(0.10, 0.05))
		}
	}
}
