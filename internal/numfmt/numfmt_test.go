package numfmt

import (
	"math"
	"testing"
)

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{12.345, "+12.3%"}, {-4, "−4.0%"}, {0.04, "±0.0%"}, {-0.04, "±0.0%"},
		{math.NaN(), "—"}, {math.Inf(1), "+∞"}, {math.Inf(-1), "−∞"}, {250, "+250.0%"},
	} {
		if got := Percent(c.v); got != c.want {
			t.Errorf("Percent(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestPValue(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0.0312, "0.031"}, {0.0009, "<0.001"}, {1, "1.000"}, {math.NaN(), "—"},
	} {
		if got := PValue(c.v); got != c.want {
			t.Errorf("PValue(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestShare(t *testing.T) {
	for _, c := range []struct {
		f    float64
		d    int
		want string
	}{{0.123, 0, "12%"}, {0.1234, 1, "12.3%"}, {1, 1, "100.0%"}, {math.NaN(), 0, "—"}, {math.Inf(1), 1, "—"}} {
		if got := Share(c.f, c.d); got != c.want {
			t.Errorf("Share(%v, %d) = %q, want %q", c.f, c.d, got, c.want)
		}
	}
}
