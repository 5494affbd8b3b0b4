package compare

import (
	"strings"
	"testing"
)

func TestParseChecks(t *testing.T) {
	cases := []struct {
		in   string
		want []Check
	}{
		{"mean:10%", []Check{{"mean", true, 10}}},
		{"min:0.001", []Check{{"min", false, 0.001}}},
		{"max:1e-6", []Check{{"max", false, 1e-6}}},
		{"median:150%", []Check{{"median", true, 150}}}, // any N, not only two digits
		{"stddev:2.5%", []Check{{"stddev", true, 2.5}}},
		{"iqr:.5", []Check{{"iqr", false, 0.5}}},
		{"mean:10%, max:0.000001", []Check{{"mean", true, 10}, {"max", false, 1e-6}}},
		{"", nil},
		{"  ", nil},
	}
	for _, c := range cases {
		got, err := ParseChecks(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: %v, want %v", c.in, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: %v, want %v", c.in, got[i], c.want[i])
			}
		}
	}
}

func TestParseChecksErrors(t *testing.T) {
	cases := []struct{ in, part, why string }{
		{"avg:10%", `"avg:10%"`, `unknown field "avg"`},
		{"mean", `"mean"`, "missing ':'"},
		{"mean:", `"mean:"`, "missing threshold"},
		{"mean:-5%", `"mean:-5%"`, "negative threshold"},
		{"mean:10ms", `"mean:10ms"`, `threshold "10ms" is neither N% nor a number of seconds`},
		{"mean:10%,", `part 2 of "mean:10%,"`, "empty check"},
		{"mean:10%,max:x", `part 2 of "mean:10%,max:x": compare-fail check "max:x"`, `threshold "x"`},
		{"MEAN:10%", `"MEAN:10%"`, `unknown field "MEAN"`},
	}
	for _, c := range cases {
		_, err := ParseChecks(c.in)
		if err == nil {
			t.Errorf("%q: no error", c.in)
			continue
		}
		msg := err.Error()
		for _, want := range []string{c.part, c.why, "FIELD:N%", "FIELD:SECONDS", "min, max, mean, median, stddev, iqr"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q: error %q lacks %q", c.in, msg, want)
			}
		}
	}
}

func TestCheckStringRoundTrip(t *testing.T) {
	for _, s := range []string{"mean:10%", "min:0.001", "stddev:2.5%", "max:1e-06"} {
		c, err := ParseCheck(s)
		if err != nil {
			t.Fatal(err)
		}
		if c.String() != s {
			t.Errorf("%q → %q", s, c.String())
		}
	}
}

func TestMessageWords(t *testing.T) {
	c := Check{Field: "mean", Percent: true, Threshold: 10}
	if got := c.message(23.331641765123); got != "Field 'mean' has failed PercentageRegressionCheck: 23.331641765 > 10.000000000" {
		t.Errorf("message = %q", got)
	}
	d := Check{Field: "min", Threshold: 0.001}
	if got := d.message(0.5); got != "Field 'min' has failed DifferenceRegressionCheck: 0.500000000 > 0.001000000" {
		t.Errorf("message = %q", got)
	}
}
