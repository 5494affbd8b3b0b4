package result

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Limits on the text a result may hold, in bytes. Real values are far
// shorter; longer ones come from a generated or malformed input and would
// swell every page, and every data file, that shows them (a commit id is
// repeated once per benchmark in the site's data). Decode refuses a file
// over any of them naming the field, so import, compare, build, list and
// serve all apply them, and every reader (package gobench, harness) checks
// what it builds with CheckBenchmark at the input's own line.
const (
	// MaxNameLen is the longest benchmark name, group or param; a fullname,
	// which adds a path, may have 2*MaxNameLen.
	MaxNameLen = 1024
	// MaxIDLen is the longest commit_info id, time, author_time, project
	// or branch, datetime, version, and machine_info value (node, cpu
	// model, ...), each.
	MaxIDLen = 1024
	// MaxMessageLen is the longest commit_info message (benchsite keeps the
	// subject line).
	MaxMessageLen = 16 << 10
	// MaxInfoLen is the most text (keys and string values, counted whole)
	// a benchmark's extra_info, params or options, or a file's
	// machine_info, may hold, each.
	MaxInfoLen = 64 << 10
)

// nameLimit returns the limit on a benchmark's field (name, fullname, group,
// param) and what the user should shorten.
func nameLimit(field string) (int, string) {
	switch field {
	case "fullname":
		return 2 * MaxNameLen, "the benchmark's name or its package path"
	case "group":
		return MaxNameLen, "the group (a package path, or the harness's group name)"
	case "param":
		return MaxNameLen, "the benchmark's parameters (the part after the first /)"
	}
	return MaxNameLen, "the benchmark's name"
}

// CheckName returns why value is too long for field, one of "name",
// "fullname", "group" or "param" of a benchmark; "" when it is not.
func CheckName(field, value string) string {
	limit, what := nameLimit(field)
	if len(value) <= limit {
		return ""
	}
	return fmt.Sprintf("%s of %d bytes (%s); benchsite takes at most %d: shorten %s", field, len(value), quote(value), limit, what)
}

// CheckBenchmark returns the field (a path under the benchmark, e.g.
// "name", "stats.mean", "extra_info") and the reason of the first thing in
// b that no result may hold: an over-long name, group, fullname or param,
// extra_info, params or options over MaxInfoLen, or statistics no
// measurement gives (a negative or non-finite figure, a negative count, min
// above max). Readers call it on each benchmark they build, to refuse it at
// the input's own line; Decode applies the same rules. It returns "", ""
// for a benchmark that passes.
func CheckBenchmark(b *Benchmark) (field, msg string) {
	for _, f := range []struct{ field, v string }{{"name", b.Name}, {"fullname", b.Fullname}, {"group", b.Group}, {"param", b.Param}} {
		if m := CheckName(f.field, f.v); m != "" {
			return f.field, m
		}
	}
	for _, f := range []struct {
		field string
		m     map[string]any
	}{{"extra_info", b.ExtraInfo}, {"params", b.Params}, {"options", b.Options}} {
		if m := checkInfo(f.m); m != "" {
			return f.field, m
		}
	}
	st := &b.Stats
	for _, f := range []struct {
		name string
		v    float64
	}{{"min", st.Min}, {"max", st.Max}, {"mean", st.Mean}, {"median", st.Median}, {"stddev", st.Stddev}, {"total", st.Total}, {"ops", st.OPS}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return "stats." + f.name, strconv.FormatFloat(f.v, 'g', -1, 64) + " is not a figure a measurement can have"
		}
	}
	if st.Rounds < 1 {
		return "stats.rounds", fmt.Sprintf("%d rounds; a benchmark with statistics was measured at least once", st.Rounds)
	}
	if st.Min > st.Max {
		return "stats.min", fmt.Sprintf("min %g is above max %g", st.Min, st.Max)
	}
	if f, m := implausible(st); f != "" {
		return "stats." + f, m
	}
	return "", ""
}

// checkInfo returns why m (extra_info, params, options, machine_info) holds
// too much text; "" when it does not.
func checkInfo(m map[string]any) string {
	n := 0
	big, bigLen := "", 0
	for k, v := range m {
		l := len(k) + infoSize(v)
		n += l
		if l > bigLen {
			big, bigLen = k, l
		}
	}
	if n <= MaxInfoLen {
		return ""
	}
	return fmt.Sprintf("holds %d bytes of text (key %s alone %d); benchsite takes at most %d: shorten or drop the largest values", n, quote(big), bigLen, MaxInfoLen)
}

// infoSize counts the text in a free-form value: string lengths and keys;
// 8 for any other scalar.
func infoSize(v any) int {
	switch v := v.(type) {
	case string:
		return len(v)
	case map[string]any:
		n := 0
		for k, x := range v {
			n += len(k) + infoSize(x)
		}
		return n
	case []any:
		n := 0
		for _, x := range v {
			n += infoSize(x)
		}
		return n
	}
	return 8
}

// textField is a string of a file, named by its field, and the most bytes
// benchsite takes there.
type textField struct {
	field, v string
	limit    int
}

// commitText is the text fields of c, each field named with prefix
// ("commit_info.").
func commitText(prefix string, c *CommitInfo) []textField {
	return []textField{{prefix + "id", c.ID, MaxIDLen}, {prefix + "time", c.Time, MaxIDLen}, {prefix + "author_time", c.AuthorTime, MaxIDLen},
		{prefix + "project", c.Project, MaxIDLen}, {prefix + "branch", c.Branch, MaxIDLen}, {prefix + "message", c.Message, MaxMessageLen}}
}

// firstTooLong returns the field and reason of the first of ts over its
// limit; "", "" when none is.
func firstTooLong(ts []textField) (field, msg string) {
	for _, t := range ts {
		if len(t.v) > t.limit {
			return t.field, tooLong(t.v, t.limit)
		}
	}
	return "", ""
}

// tooLong is the reason for a string v over limit bytes.
func tooLong(v string, limit int) string {
	return fmt.Sprintf("%d bytes long (%s); benchsite takes at most %d here", len(v), quote(v), limit)
}

// checkFileText returns the field and reason of the first over-long string
// of f outside its benchmarks: commit_info, datetime, version and
// machine_info.
func checkFileText(f *File) (field, msg string) {
	ts := append(commitText("commit_info.", &f.CommitInfo), textField{"datetime", f.Datetime, MaxIDLen}, textField{"version", f.Version, MaxIDLen})
	if field, msg := firstTooLong(ts); field != "" {
		return field, msg + ": fix or delete the file"
	}
	if field, msg := CheckMachine(f.MachineInfo); field != "" {
		return field, msg + " (fix or delete the file)"
	}
	return "", ""
}

// CheckMachine returns the field ("machine_info.<key>" or "machine_info")
// and the reason when m holds a string value over MaxIDLen or more text
// than MaxInfoLen in all; "", "" when it does not.
func CheckMachine(m MachineInfo) (field, msg string) {
	for _, k := range sortedKeys(m) {
		if s, ok := m[k].(string); ok && len(s) > MaxIDLen {
			return "machine_info." + k, tooLong(s, MaxIDLen)
		}
	}
	if msg := checkInfo(m); msg != "" {
		return "machine_info", msg
	}
	return "", ""
}

func sortedKeys[M ~map[string]any](m M) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
