package compare

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
)

// Fields are the stats fields a check may name, in pytest-benchmark's order.
var Fields = []string{"min", "max", "mean", "median", "stddev", "iqr"}

// Check is one --compare-fail threshold: "mean:10%" is {Field: "mean",
// Percent: true, Threshold: 10}; "min:0.001" is {Field: "min", Threshold:
// 0.001} (seconds).
type Check struct {
	Field     string
	Percent   bool
	Threshold float64
}

// checkRe is pytest-benchmark's parse_compare_fail pattern, widened in one
// place: the percentage may have a fractional part ("mean:2.5%"), which
// upstream rejects.
var checkRe = regexp.MustCompile(`^(min|max|mean|median|stddev|iqr):(?:([0-9]*\.?[0-9]+)%|([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?))$`)

// acceptedForms ends every parse error, so the user sees what would work.
const acceptedForms = "accepted forms are FIELD:N% (change relative to the baseline, e.g. mean:10%) " +
	"and FIELD:SECONDS (absolute change, e.g. min:0.001), with FIELD one of min, max, mean, median, stddev, iqr; " +
	"several checks are separated by commas"

// ParseCheck parses one check, e.g. "mean:10%" or "max:0.000001".
func ParseCheck(s string) (Check, error) {
	part := strings.TrimSpace(s)
	m := checkRe.FindStringSubmatch(part)
	if m == nil {
		return Check{}, fmt.Errorf("compare-fail check %q: %s; %s", part, whyNot(part), acceptedForms)
	}
	c := Check{Field: m[1]}
	num := m[3]
	if m[2] != "" {
		c.Percent, num = true, m[2]
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) {
		return Check{}, fmt.Errorf("compare-fail check %q: threshold %q is out of range; %s", part, num, acceptedForms)
	}
	c.Threshold = v
	return c, nil
}

// whyNot names the part of a rejected check that is wrong.
func whyNot(s string) string {
	if s == "" {
		return "empty check"
	}
	field, value, ok := strings.Cut(s, ":")
	if !ok {
		return "missing ':' between field and threshold"
	}
	known := false
	for _, f := range Fields {
		known = known || field == f
	}
	switch {
	case !known:
		return fmt.Sprintf("unknown field %q", field)
	case value == "":
		return "missing threshold after ':'"
	case strings.HasPrefix(value, "-"):
		return fmt.Sprintf("negative threshold %q", value)
	default:
		return fmt.Sprintf("threshold %q is neither N%% nor a number of seconds", value)
	}
}

// ParseChecks parses a comma-separated list of checks. An empty (or
// all-blank) expression gives no checks. Errors name the offending part.
func ParseChecks(expr string) ([]Check, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	parts := strings.Split(expr, ",")
	checks := make([]Check, 0, len(parts))
	for i, p := range parts {
		c, err := ParseCheck(p)
		if err != nil {
			if len(parts) > 1 {
				return nil, fmt.Errorf("part %d of %q: %w", i+1, expr, err)
			}
			return nil, err
		}
		checks = append(checks, c)
	}
	return checks, nil
}

// String gives the check back in the --compare-fail grammar.
func (c Check) String() string {
	v := strconv.FormatFloat(c.Threshold, 'g', -1, 64)
	if c.Percent {
		return c.Field + ":" + v + "%"
	}
	return c.Field + ":" + v
}

// Kind is pytest-benchmark's class name for the check, used in messages.
func (c Check) Kind() string {
	if c.Percent {
		return "PercentageRegressionCheck"
	}
	return "DifferenceRegressionCheck"
}

// Compute is pytest-benchmark's RegressionCheck.compute: the change of the
// field from base to cur, in percent of base or in seconds. A positive value
// means slower (or, for stddev/iqr, noisier).
//
// Upstream returns +Inf for a percentage check whenever the baseline value is
// 0, so a stddev:5% check fails when both sides have a stddev of 0 (one
// round each). Here 0 → 0 is no change; 0 → anything else is still +Inf.
func (c Check) Compute(base, cur float64) float64 {
	if !c.Percent {
		return cur - base
	}
	if base == 0 {
		if cur == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return cur/base*100 - 100
}

// message is pytest-benchmark's RegressionCheck.fails text.
func (c Check) message(value float64) string {
	return fmt.Sprintf("Field '%s' has failed %s: %s > %s", c.Field, c.Kind(), pyFixed9(value), pyFixed9(c.Threshold))
}

// pyFixed9 formats like Python's "%.9f", which spells infinities "inf".
func pyFixed9(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	case math.IsNaN(v):
		return "nan"
	}
	return strconv.FormatFloat(v, 'f', 9, 64)
}

// Field returns the named stats field ("min", "mean", ...) of s; ok is false
// for an unknown name.
func Field(s result.Stats, name string) (v float64, ok bool) {
	switch name {
	case "min":
		return s.Min, true
	case "max":
		return s.Max, true
	case "mean":
		return s.Mean, true
	case "median":
		return s.Median, true
	case "stddev":
		return s.Stddev, true
	case "iqr":
		return s.IQR, true
	}
	return 0, false
}

// isLocation tells whether a field measures where the distribution lies (the
// fields a Mann-Whitney U test speaks about), as opposed to its spread.
func isLocation(field string) bool {
	return field == "min" || field == "mean" || field == "median"
}
