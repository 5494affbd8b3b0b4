package site

import (
	"fmt"
	"hash/fnv"
	"math"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/perf/benchunit"

	"github.com/benchsite/benchsite/internal/numfmt"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/timefmt"
)

// slug turns a benchmark's name (untrusted text) into a file name made of
// [a-z0-9-] only, readable where possible; a hash of the fullname keeps it
// unique and stable across builds.
func slug(name, fullname string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	base := strings.Trim(b.String(), "-")
	h := fnv.New32a()
	h.Write([]byte(fullname))
	sum := fmt.Sprintf("%08x", h.Sum32())
	if base == "" {
		return "b-" + sum
	}
	return base + "-" + sum
}

// uniqueSlug is slug with a counter on the (unlikely) hash collision.
func uniqueSlug(name, fullname string, used map[string]bool) string {
	base := slug(name, fullname)
	out := base
	for i := 2; used[out]; i++ {
		out = base + "-" + strconv.Itoa(i)
	}
	used[out] = true
	return out
}

// unit is a time unit for a set of values: pytest-benchmark picks one unit
// per table from its smallest value; charts pick it from the newest median.
type unit = timefmt.Unit

func unitFor(seconds float64) unit { return timefmt.For(seconds) }

// benchUnit is the unit b's figures are shown in: the time unit that suits
// ref seconds, or, for a benchmark imported in another unit (ops/s,
// cycles/iter: extra_info stats_unit), that unit as it is.
func benchUnit(b *result.Benchmark, ref float64) unit {
	if b != nil {
		return unitNamed(b.Unit(), ref)
	}
	return unitFor(ref)
}

// unitNamed is benchUnit for a benchmark whose unit is name ("": seconds).
func unitNamed(name string, ref float64) unit {
	if name != "" {
		return unit{Name: name, Scale: 1}
	}
	return unitFor(ref)
}

// inPageUnit reports whether figures in the unit named name ("" for
// seconds) are in u, the unit a page shows its series in (the newest
// run's): a time unit for times, else the imported unit itself. A run of another unit (the harness or the metric changed) is
// shown in its own unit and left out of the charts.
func inPageUnit(name string, u unit) bool {
	if name != "" {
		return name == u.Name
	}
	switch u.Name {
	case "ns", "µs", "ms", "s":
		return true
	}
	return false
}

// inUnit writes v seconds in u with four significant digits ("—" when
// missing). A figure in an imported unit (ops/s, cycles/iter) is scaled
// with an SI prefix as the comparison report does, through benchunit
// ("3.377G", to be followed by " ops/s").
func inUnit(u unit, v float64) string {
	if math.IsNaN(v) {
		return numfmt.Missing
	}
	switch u.Name {
	case "ns", "µs", "ms", "s":
		return u.Format(v, 4)
	}
	return benchunit.Scale(v, benchunit.Decimal)
}

// round6 keeps chart data short: six significant digits are far below the
// noise of any benchmark.
func round6(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow(10, 6-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

// seconds formats a single time in its own unit ("1.23 ms").
func seconds(v float64) string {
	if math.IsNaN(v) {
		return numfmt.Missing
	}
	return timefmt.Short(v)
}

// figure formats v, a figure in the unit named name ("" for seconds), as
// the pages show it: a time in
// its own unit ("1.23 ms"), a figure in an imported unit with that unit
// ("3.377G ops/s"), never a throughput as seconds.
func figure(name string, v float64) string {
	if name == "" || math.IsNaN(v) {
		return seconds(v)
	}
	u := unitNamed(name, v)
	return inUnit(u, v) + " " + u.Name
}

// percent formats a relative change ("+12.3%", "−4.0%").
func percent(v float64) string { return numfmt.Percent(v) }

// number formats a count or a metric with at most 4 decimals.
func number(v float64) string {
	if math.IsNaN(v) {
		return numfmt.Missing
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(round6(v), 'f', -1, 64)
}

// pvalue formats a p-value ("0.031", "<0.001").
func pvalue(p float64) string { return numfmt.PValue(p) }

// shortCommit shortens a git id for display; other ids (e.g. "unversioned")
// stay as they are.
func shortCommit(id string) string {
	if len(id) >= 12 && isHex(id) {
		return id[:10]
	}
	return id
}

func isHex(s string) bool {
	for _, r := range s {
		if !((r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')) {
			return false
		}
	}
	return s != ""
}

// commitURL links a commit id when the repository URL is configured and
// the id looks like a git hash (anything else is data we will not put in a
// URL). The id is escaped anyway.
func commitURL(repo, id string) string {
	if repo == "" || !isHex(id) || len(id) < 7 {
		return ""
	}
	return strings.TrimRight(repo, "/") + "/commit/" + url.PathEscape(id)
}

// siteURL returns the relative URL of the site file rel (a slash path from
// the site root, as written): each segment path-escaped, so a run label or
// file name with ' ', '#', '?' or '%' (pytest-benchmark's --benchmark-save
// allows any) is one path segment and names that very file. Every link to a
// file named after data (result files, profiles) goes through it.
func siteURL(rel string) string {
	segs := strings.Split(rel, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// sparkline returns the points attribute of an SVG polyline drawing values
// in a w×h box (with a 1.5 px margin for the stroke).
func sparkline(values []float64, w, h float64) string {
	var finite []float64
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			finite = append(finite, v)
		}
	}
	if len(finite) == 0 {
		return ""
	}
	lo, hi := finite[0], finite[0]
	for _, v := range finite {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	const m = 1.5
	var b strings.Builder
	n := len(finite)
	for i, v := range finite {
		x := w / 2
		if n > 1 {
			x = m + (w-2*m)*float64(i)/float64(n-1)
		}
		y := h / 2
		if hi > lo {
			y = m + (h-2*m)*(1-(v-lo)/(hi-lo))
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(x, 'f', 1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(y, 'f', 1, 64))
	}
	return b.String()
}
