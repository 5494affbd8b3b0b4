package timefmt

import (
	"math"
	"testing"
)

func TestSeconds(t *testing.T) {
	cases := []struct {
		v    float64
		sig  int
		want string
	}{
		{217.34e-9, 4, "217.3 ns"},
		{1.23456e-3, 4, "1.235 ms"},
		{1.2e-3, 4, "1.200 ms"},
		{0.5, 3, "500 ms"},
		{12.5, 3, "12.5 s"},
		{999.97e-6, 3, "1.00 ms"}, // rounding carries into the next unit
		{999.4e-6, 3, "999 µs"},
		{0, 3, "0.00 s"},
		{3e-10, 2, "0.30 ns"},
	}
	for _, c := range cases {
		if got := Seconds(c.v, c.sig); got != c.want {
			t.Errorf("Seconds(%g, %d) = %q, want %q", c.v, c.sig, got, c.want)
		}
	}
}

func TestShort(t *testing.T) {
	cases := []struct {
		v    float64
		want string
	}{
		{200e-6, "200 µs"},
		{2e-3, "2 ms"},
		{1.23456e-3, "1.23 ms"},
		{61.24, "61.2 s"},
		{999.7e-6, "1 ms"},
		{1e-9, "1 ns"},
		{math.Inf(1), "+Inf s"},
		{0, "0 s"},
		{12.345e-9, "12.3 ns"},
		{0.5e-9, "0.5 ns"},
		{50e-3, "50 ms"},
	}
	for _, c := range cases {
		if got := Short(c.v); got != c.want {
			t.Errorf("Short(%g) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestForAndFormat(t *testing.T) {
	u := For(0.0123)
	if u.Name != "ms" || u.Scale != 1e3 {
		t.Fatalf("For(0.0123) = %+v", u)
	}
	// One unit for a column: a larger figure keeps its digits before the point.
	if got := u.Format(1.2346, 3); got != "1235" {
		t.Errorf("Format = %q", got)
	}
	if got := u.Format(math.NaN(), 3); got != "NaN" {
		t.Errorf("Format(NaN) = %q", got)
	}
}
