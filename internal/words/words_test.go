package words

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		noun string
		want string
	}{
		{0, "benchmark", "0 benchmarks"},
		{1, "benchmark", "1 benchmark"},
		{2, "regression", "2 regressions"},
		{1, "machine", "1 machine"},
		{-1, "run", "-1 runs"},
	} {
		if got := Count(c.n, c.noun); got != c.want {
			t.Errorf("Count(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
	if got := CountAs(3, "match", "matches"); got != "3 matches" {
		t.Errorf("CountAs(3) = %q", got)
	}
	if got := CountAs(1, "match", "matches"); got != "1 match" {
		t.Errorf("CountAs(1) = %q", got)
	}
}
