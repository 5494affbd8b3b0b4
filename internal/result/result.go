// Package result defines benchsite's result file: one run of a benchmark
// suite, in pytest-benchmark's JSON format, so that files written by
// pytest-benchmark (any version from 2.5 on) and by benchsite can be read,
// compared and published by either tool.
//
// A file is one JSON object:
//
//	{
//	  "machine_info": {...},   // free-form; pytest-benchmark's keys plus Go's
//	  "commit_info":  {...},   // id, time, author_time, dirty, project, branch
//	  "benchmarks":   [...],   // one object per benchmark, see Benchmark
//	  "datetime":     "2026-11-25T20:32:12.123456+00:00",
//	  "version":      "..."
//	}
//
// Reading is tolerant of what real files contain: missing fields of older
// versions (no ops, total, ld15iqr, data; ops is then derived as upstream
// does), null group/param/params, naive datetimes, ints where floats are
// expected, `data` arrays cut short by hand with a trailing string (noted in
// File.Notes), a UTF-8 byte-order mark, Python's NaN/Infinity where a
// free-form value goes (extra_info), and unknown keys anywhere. A file that
// is not JSON (or is UTF-16), whose known fields have the wrong JSON type,
// or that no measurement can have written — a benchmark without stats or
// without min, max, mean, median, stddev or rounds; a non-finite, negative
// or out-of-range figure; 0 rounds or 0 iterations; more samples than
// rounds; text over its limit (MaxNameLen, MaxIDLen, MaxMessageLen,
// MaxInfoLen: see CheckBenchmark) — is an error that names the file, the
// field and the line:column of the offending value. Nothing is rewritten or
// invented: a missing total or ops is derived as upstream does; a fullname
// given twice and a data array shorter than rounds get a note.
package result

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/benchsite/benchsite/internal/textenc"
)

// Keys of Benchmark.ExtraInfo under which Go's -benchmem figures are stored.
// Other b.ReportMetric units are stored under their unit name.
const (
	KeyBytesPerOp  = "B/op"
	KeyAllocsPerOp = "allocs/op"
)

// File is one result file.
type File struct {
	MachineInfo MachineInfo `json:"machine_info"`
	CommitInfo  CommitInfo  `json:"commit_info"`
	Benchmarks  []Benchmark `json:"benchmarks"`
	Datetime    string      `json:"datetime"`
	Version     string      `json:"version"`
	// Shard is set on one share of a sharded run (run --shard), nil
	// otherwise.
	Shard *ShardInfo `json:"shard,omitempty"`

	// Notes are what Decode found worth saying about a file that reads:
	// benchmarks whose samples were cut short. Each names the file and the
	// benchmark; commands show them as warnings.
	Notes []string `json:"-"`
	// Failures and Paired are benchsite's additions (see paired.go).
	Failures []Failure `json:"failures,omitempty"`
	Paired   *Paired   `json:"paired,omitempty"`
}

// CommitInfo says which source the run measured. ID is "unversioned" when the
// run was not made in a git checkout.
type CommitInfo struct {
	ID         string `json:"id"`
	Time       string `json:"time,omitempty"`
	AuthorTime string `json:"author_time,omitempty"`
	Dirty      bool   `json:"dirty"`
	Project    string `json:"project,omitempty"`
	Branch     string `json:"branch,omitempty"`
	// Message is the commit's subject line; benchsite's addition (untrusted
	// text, like every other field).
	Message string `json:"message,omitempty"`
}

// Benchmark is one benchmark's result within a run. Fullname is the key that
// matches a benchmark across runs.
type Benchmark struct {
	Group     string         `json:"group"`
	Name      string         `json:"name"`
	Fullname  string         `json:"fullname"`
	Params    map[string]any `json:"params"`
	Param     string         `json:"param"`
	ExtraInfo map[string]any `json:"extra_info"`
	Options   map[string]any `json:"options"`
	Stats     Stats          `json:"stats"`
}

// Match says how well ref, a benchmark name a person wrote (a
// [compare.thresholds] key, a target, a browser benchmark), names b: 3 when
// ref is b's fullname, 2 when it is b's name, 1 when it is b's name with or
// without Go's "Benchmark" prefix ("Forward/batch=1024" names
// "BenchmarkForward/batch=1024"), 0 when it does not name b. This is the
// one rule for matching benchmark names; where several refs match, the
// highest wins.
func (b *Benchmark) Match(ref string) int {
	switch {
	case ref == "":
		return 0
	case ref == b.Fullname:
		return 3
	case ref == b.Name:
		return 2
	case strings.TrimPrefix(ref, "Benchmark") == strings.TrimPrefix(b.Name, "Benchmark"):
		return 1
	}
	return 0
}

// Extra returns extra_info[key] as a number: B/op, allocs/op and other
// metrics are stored as JSON numbers (float64 once decoded; ints when set by
// Go code).
func (b *Benchmark) Extra(key string) (float64, bool) {
	switch v := b.ExtraInfo[key].(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

// Stats are the figures of one benchmark, in seconds per iteration, as
// pytest-benchmark's stats.py computes them (package stats computes them
// here). Data holds the per-round samples.
type Stats struct {
	Min            float64   `json:"min"`
	Max            float64   `json:"max"`
	Mean           float64   `json:"mean"`
	Stddev         float64   `json:"stddev"`
	Rounds         int       `json:"rounds"`
	Median         float64   `json:"median"`
	IQR            float64   `json:"iqr"`
	Q1             float64   `json:"q1"`
	Q3             float64   `json:"q3"`
	IQROutliers    int       `json:"iqr_outliers"`
	StddevOutliers int       `json:"stddev_outliers"`
	Outliers       string    `json:"outliers"`
	LD15IQR        float64   `json:"ld15iqr"`
	HD15IQR        float64   `json:"hd15iqr"`
	OPS            float64   `json:"ops"`
	Total          float64   `json:"total"`
	Data           []float64 `json:"data,omitempty"`
	Iterations     int       `json:"iterations,omitempty"` // 0 when not known: left out of the file, never written as 0

	// Truncated is set when the file's data array was cut short (a trailing
	// non-number, as in files edited by hand upstream, or fewer samples than
	// rounds): Data then holds only the numbers that were there and does not
	// describe every round.
	Truncated bool `json:"-"`

	present bool     // decoded from an object (not missing, not null)
	absent  []string // figures the decoded object did not hold
}

// Fields of Stats that every pytest-benchmark version writes (2.5 on); a
// benchmark without one of them has no usable statistics.
var requiredStats = []string{"min", "max", "mean", "median", "stddev", "rounds"}

// absentInt marks an integer field the JSON did not set.
const absentInt = math.MinInt

// UnmarshalJSON accepts a data array that ends in non-numbers, and records
// which figures the object held (a missing or null one is absent; see
// Decode for what must be there).
func (s *Stats) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = Stats{}
		return nil
	}
	if s.decodeFast(b) {
		return nil
	}
	return s.decodeJSON(b)
}

// decodeJSON is UnmarshalJSON by encoding/json: for every stats object
// decodeFast declines.
func (s *Stats) decodeJSON(b []byte) error {
	type plain Stats
	// Figures the object does not set stay NaN (absentInt): encoding/json
	// leaves a missing or null field as it was, and JSON has no NaN.
	nan := math.NaN()
	p := plain{Min: nan, Max: nan, Mean: nan, Median: nan, Stddev: nan, OPS: nan, Total: nan, Rounds: absentInt, Iterations: absentInt}
	// Fast path: data is all numbers (every file not cut by hand).
	err := json.Unmarshal(b, &p)
	// encoding/json reads a null array element as 0, which would be a
	// made-up sample: such arrays take the slow path too.
	if err == nil && !bytes.Contains(b, []byte("null")) {
		*s = Stats(p)
		s.settle()
		return nil
	}
	var typ *json.UnmarshalTypeError
	if err != nil && (!errors.As(err, &typ) || typ.Field != "data" && !strings.HasPrefix(typ.Field, "data.")) {
		return err
	}
	aux := struct {
		plain
		Data []json.RawMessage `json:"data"`
	}{plain: plain{Min: nan, Max: nan, Mean: nan, Median: nan, Stddev: nan, OPS: nan, Total: nan, Rounds: absentInt, Iterations: absentInt}}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*s = Stats(aux.plain)
	s.Data = nil
	for i, raw := range aux.Data {
		switch raw[0] {
		case '{', '[', 't', 'f':
			return fmt.Errorf("data.%d: %s is not a sample", i, raw)
		case '"', 'n':
			// A hand-cut array's marker: the samples stop here.
			var str string
			if json.Unmarshal(raw, &str) == nil && isNonFiniteMark(str) {
				return fmt.Errorf("data.%d: %s is not a sample", i, str[len(nonFiniteMark):])
			}
			s.Truncated = true
			continue
		}
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("data.%d: %s is out of range", i, raw)
		}
		s.Data = append(s.Data, v)
	}
	s.settle()
	return nil
}

// settle records the figures that were absent and zeroes them.
func (s *Stats) settle() {
	s.present = true
	s.absent = s.absent[:0]
	for _, f := range []struct {
		name string
		v    *float64
	}{{"min", &s.Min}, {"max", &s.Max}, {"mean", &s.Mean}, {"median", &s.Median}, {"stddev", &s.Stddev}, {"ops", &s.OPS}, {"total", &s.Total}} {
		if math.IsNaN(*f.v) {
			s.absent = append(s.absent, f.name)
			*f.v = 0
		}
	}
	if s.Rounds == absentInt {
		s.absent = append(s.absent, "rounds")
		s.Rounds = 0
	}
	if s.Iterations == absentInt {
		s.absent = append(s.absent, "iterations")
		s.Iterations = 0
	}
}

// has reports whether the decoded object held the figure named key.
func (s *Stats) has(key string) bool { return s.present && !slices.Contains(s.absent, key) }

// MachineInfo describes the machine a run was made on. It is free-form, as in
// pytest-benchmark: node, processor, machine, system, release, cpu{...}, and
// python_* keys from Python; go_version, goos, goarch, gomaxprocs, num_cpu and
// cpu_model from benchsite.
type MachineInfo map[string]any

// String returns key's value as text ("" when absent).
func (m MachineInfo) String(key string) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// CPUModel returns the CPU's model name from whichever key the writer used.
func (m MachineInfo) CPUModel() string {
	if s := m.String("cpu_model"); s != "" {
		return s
	}
	if cpu, ok := m["cpu"].(map[string]any); ok {
		for _, k := range []string{"brand_raw", "brand"} {
			if s, ok := cpu[k].(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

// Runtime returns the language runtime and its version, e.g. "Go 1.26.8",
// "CPython 3.11.7" or, for a run imported from another harness, the harness
// ("JMH 1.29").
func (m MachineInfo) Runtime() string {
	if v := m.String("go_version"); v != "" {
		return "Go " + strings.TrimPrefix(v, "go")
	}
	if impl := m.String("python_implementation"); impl != "" {
		return impl + " " + m.String("python_version")
	}
	if h := m.String("harness"); h != "" { // imported from another harness
		return strings.TrimSpace(h + " " + m.String("harness_version"))
	}
	return ""
}

// ID returns the machine id in pytest-benchmark's shape,
// "<system>-<implementation>-<major.minor>-<bits>bit", e.g.
// "Linux-Go-1.26-64bit" or "Linux-CPython-3.11-64bit". It is the name of the
// machine's folder under the storage root.
func (m MachineInfo) ID() string {
	system := m.String("system")
	if system == "" {
		system = "Unknown"
	}
	impl, version := "", ""
	if v := m.String("go_version"); v != "" {
		impl, version = "Go", strings.TrimPrefix(v, "go")
	} else {
		impl, version = m.String("python_implementation"), m.String("python_version")
	}
	if h := m.String("harness_id"); impl == "" && h != "" {
		impl, version = h, "unknown" // imported from another harness (package harness)
	}
	if impl == "" {
		impl = "Unknown"
	}
	if version == "" {
		version = "unknown" // never "Unknown-Unknown--64bit"
	}
	parts := strings.SplitN(version, ".", 3)
	if len(parts) >= 2 {
		version = parts[0] + "." + parts[1]
	}
	bits := "64"
	if cpu, ok := m["cpu"].(map[string]any); ok {
		if b, ok := cpu["bits"].(float64); ok {
			bits = fmt.Sprint(int(b))
		}
	}
	switch m.String("goarch") {
	case "386", "arm", "mips", "mipsle", "wasm":
		bits = "32"
	}
	return sanitizeID(system + "-" + impl + "-" + version + "-" + bits + "bit")
}

// sanitizeID keeps a machine id safe to use as a folder name.
func sanitizeID(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Time parses Datetime. Naive timestamps (older pytest-benchmark) are taken
// as UTC.
func (f *File) Time() (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, f.Datetime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("datetime %q is not an RFC 3339 timestamp", f.Datetime)
}

// Error is a problem with a result file, located as precisely as known.
type Error struct {
	File      string // path as given
	Line, Col int    // 1-based; 0 when unknown
	Field     string // JSON path of the offending field, e.g. "benchmarks.3.stats.mean"
	Msg       string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ReadFile reads and decodes the result file at path.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(data, path)
}

// Read decodes a result file from r; name is used in errors.
func Read(r io.Reader, name string) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return Decode(data, name)
}

// Decode decodes one result file; name is used in errors. A UTF-8
// byte-order mark is dropped; UTF-16 is an error that says so. Python's
// NaN/Infinity are read where a free-form value goes (extra_info, params,
// options, machine_info) and refused in every typed field, statistics above
// all. Every benchmark must have usable statistics (min, max, mean, median,
// stddev and rounds), finite and in range; a file that breaks one of these
// rules is an error naming the file, the field and its line:column. A file
// that reads but describes less than its rounds (samples cut short) gets a
// note in File.Notes.
func Decode(data []byte, name string) (*File, error) {
	data, err := textenc.UTF8(data)
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "empty file; expected a pytest-benchmark JSON object (delete it or re-run the suite)"}
	}
	// The common case, a good file, is decoded in one pass. The walk that
	// locates problems precisely (validate) runs only when there is one to
	// locate: it costs more than a third of a decode.
	src := &source{orig: data, text: data}
	var f File
	if !decodeFileFast(data, &f) {
		f = File{}
		err = json.Unmarshal(data, &f)
	}
	if err != nil && !json.Valid(data) {
		// With NaN and Infinity rewritten, a file that is still not JSON
		// has its real error located.
		if text, shifts, ok := rewriteNonFinite(data); ok {
			src.text, src.shifts = text, shifts
			f = File{}
			err = json.Unmarshal(text, &f)
		}
	}
	if err != nil {
		if !json.Valid(src.text) {
			var v any
			return nil, src.locate(name, json.Unmarshal(src.text, &v)) // for the error's position
		}
		if _, verr := validate(src, name); verr != nil {
			return nil, verr
		}
		return nil, src.locate(name, err)
	}
	var pos map[string]int
	positions := func() map[string]int {
		if pos == nil {
			pos, _ = validate(src, name) // data decoded, so it validates
		}
		return pos
	}
	if src.shifts != nil {
		// A NaN in a typed string field decodes as its marker: only the
		// walk tells.
		p, verr := validate(src, name)
		if verr != nil {
			return nil, verr
		}
		pos = p
		f.MachineInfo = MachineInfo(restoreMap(f.MachineInfo))
	}
	at := func(field string) *Error {
		e := &Error{File: name, Field: field}
		if off, ok := positions()[field]; ok {
			e.Line, e.Col = src.lineCol(off)
		}
		return e
	}
	// atBench places an error about field (under benchmarks.i) at the
	// benchmark when the field itself has no recorded position.
	atBench := func(i int, field, msg string) *Error {
		full := fmt.Sprintf("benchmarks.%d.%s", i, field)
		e := at(full)
		if e.Line == 0 {
			e = at(fmt.Sprintf("benchmarks.%d", i))
			e.Field = full
		}
		e.Msg = msg
		return e
	}
	if f.Benchmarks == nil { // missing, or null
		if _, ok := positions()["benchmarks"]; !ok {
			return nil, &Error{File: name, Line: 1, Col: 1, Field: "benchmarks", Msg: "missing; this is not a pytest-benchmark result file"}
		}
	}
	if field, msg := checkFileText(&f); field != "" {
		e := at(field)
		if e.Line == 0 {
			e = at(field[:strings.IndexByte(field+".", '.')])
			e.Field = field
		}
		e.Msg = msg
		return nil, e
	}
	if field, msg := checkPaired(f.Paired); field != "" {
		e := at(field)
		for p := field; e.Line == 0 && strings.Contains(p, "."); {
			p = p[:strings.LastIndexByte(p, '.')] // a null value has no position of its own: name where its parent starts
			e = at(p)
		}
		e.Field = field
		e.Msg = msg + "; the file's paired verdicts are not what benchsite run wrote: fix the value, or delete the key \"paired\" (the run is then compared unpaired)"
		return nil, e
	}
	seen := map[string]int{} // fullname → index
	legacyHarness := strings.HasPrefix(f.Version, "benchsite ") && f.MachineInfo.String("harness") != ""
	for i := range f.Benchmarks {
		b := &f.Benchmarks[i]
		if b.Name == "" {
			return nil, atBench(i, "name", "missing or empty; every benchmark needs a name (fix or delete the file)")
		}
		for _, field := range []string{"name", "fullname", "group", "param"} {
			if m := CheckName(field, map[string]string{"name": b.Name, "fullname": b.Fullname, "group": b.Group, "param": b.Param}[field]); m != "" {
				return nil, atBench(i, field, m+" (or delete the file)")
			}
		}
		if b.Fullname == "" {
			b.Fullname = b.Name
		}
		if src.shifts != nil {
			b.ExtraInfo = restoreMap(b.ExtraInfo)
			b.Params = restoreMap(b.Params)
			b.Options = restoreMap(b.Options)
		}
		for _, f := range []struct {
			field string
			m     map[string]any
		}{{"extra_info", b.ExtraInfo}, {"params", b.Params}, {"options", b.Options}} {
			if m := checkInfo(f.m); m != "" {
				return nil, atBench(i, f.field, fmt.Sprintf("benchmark %s: %s (fix or delete the file)", strconv.Quote(b.Name), m))
			}
		}
		if prev, ok := seen[b.Fullname]; ok {
			f.Notes = append(f.Notes, fmt.Sprintf("%s: benchmarks.%d and benchmarks.%d have the same fullname %s; they are kept as two benchmarks, but charts and comparisons match benchmarks by fullname and use only the first: rename one", name, prev, i, strconv.Quote(b.Fullname)))
		} else {
			seen[b.Fullname] = i
		}
		st := &b.Stats
		if !st.present {
			return nil, atBench(i, "stats", fmt.Sprintf("missing (or null) in benchmark %s; a benchmark without statistics cannot be charted or compared: re-run it, or delete it from the file", strconv.Quote(b.Name)))
		}
		if !st.has("rounds") && len(st.Data) > 0 {
			st.Rounds = len(st.Data) // old files count rounds by their samples
		}
		if st.Iterations == 0 && st.has("iterations") && legacyHarness {
			// benchsite before this rule wrote 0 for a harness that
			// reports no iteration count: read as not known (and left
			// out when written again).
			st.absent = append(st.absent, "iterations")
		}
		if field, msg := implausible(st); field != "" {
			return nil, atBench(i, "stats."+field, msg+" (benchmark "+strconv.Quote(b.Name)+"); fix or delete the file")
		}
		for _, k := range requiredStats {
			if k == "rounds" && len(st.Data) > 0 {
				continue // old files may count rounds by their samples
			}
			if !st.has(k) {
				return nil, atBench(i, "stats."+k, fmt.Sprintf("missing (or null) in benchmark %s; pytest-benchmark writes min, max, mean, median, stddev and rounds for every benchmark: fix or delete the file", strconv.Quote(b.Name)))
			}
		}
		if !st.has("total") {
			st.Total = derivedTotal(st)
		}
		if !st.has("ops") {
			st.OPS = derivedOPS(st)
		}
		st.present, st.absent = false, nil
		if len(st.Data) > st.Rounds {
			return nil, atBench(i, "stats.data", fmt.Sprintf("%d samples for %d rounds (benchmark %s); one sample per round: fix or delete the file", len(st.Data), st.Rounds, strconv.Quote(b.Name)))
		}
		// Fewer samples than rounds: the array was cut short (this also
		// keeps Truncated across Encode, which drops the trailing marker).
		if len(st.Data) > 0 && len(st.Data) < st.Rounds {
			st.Truncated = true
			f.Notes = append(f.Notes, fmt.Sprintf("%s: benchmark %s: stats.data holds %d of its %d rounds' samples (cut short); its statistics are the file's, and a comparison cannot test it round by round", name, strconv.Quote(b.Name), len(st.Data), st.Rounds))
		}
		if st.Data != nil && len(st.Data) == 0 && !st.Truncated {
			f.Notes = append(f.Notes, fmt.Sprintf("%s: benchmark %s: stats.data is empty though it has %d rounds; its statistics are the file's, and a comparison cannot test it round by round", name, strconv.Quote(b.Name), st.Rounds))
		}
	}
	if f.Datetime != "" {
		if _, err := f.Time(); err != nil {
			e := at("datetime")
			e.Msg = err.Error() + "; expected e.g. 2026-11-25T20:32:12+00:00"
			return nil, e
		}
	}
	return &f, nil
}

// derivedTotal is pytest-benchmark's total for a file that predates the
// field (3.0 and older): the sum of the samples when data holds every
// round, rounds × mean otherwise.
func derivedTotal(s *Stats) float64 {
	if len(s.Data) > 0 && len(s.Data) >= s.Rounds {
		total := 0.0
		for _, v := range s.Data {
			total += v
		}
		return total
	}
	return s.Mean * float64(s.Rounds)
}

// derivedOPS is pytest-benchmark's ops for a file that predates the field
// (3.0 and older): rounds / total, with total the sum of the samples, or
// rounds × mean where the file has neither; 0 when that is 0, as upstream.
func derivedOPS(s *Stats) float64 {
	total := s.Total
	if !s.has("total") || total <= 0 {
		total = 0
		for _, v := range s.Data {
			total += v
		}
		if len(s.Data) < s.Rounds || total <= 0 {
			total = s.Mean * float64(s.Rounds)
		}
	}
	if total <= 0 || s.Rounds <= 0 {
		return 0
	}
	return float64(s.Rounds) / total
}

// restoreMap is restoreNonFinite for a map field.
func restoreMap[M ~map[string]any](m M) M {
	if m != nil {
		restoreNonFinite(map[string]any(m))
	}
	return m
}

// implausible names the first figure of s that no measurement can have:
// negative counts or times, or min above max.
func implausible(s *Stats) (field, msg string) {
	if s.Rounds < 0 {
		return "rounds", fmt.Sprintf("%d rounds; a count cannot be negative", s.Rounds)
	}
	if s.Rounds == 0 && s.has("rounds") {
		return "rounds", fmt.Sprintf("0 rounds (with %d samples in data); a benchmark with statistics was measured at least once", len(s.Data))
	}
	if s.Iterations < 0 || s.Iterations == 0 && s.has("iterations") {
		return "iterations", fmt.Sprintf("%d iterations; every round runs the benchmark at least once (as go test's b.N)", s.Iterations)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"min", s.Min}, {"max", s.Max}, {"mean", s.Mean}, {"median", s.Median}, {"stddev", s.Stddev}, {"total", s.Total}} {
		if f.v < 0 {
			return f.name, fmt.Sprintf("%g seconds; a time cannot be negative", f.v)
		}
	}
	if s.has("max") && s.Min > s.Max {
		return "min", fmt.Sprintf("min %g is above max %g", s.Min, s.Max)
	}
	for i, v := range s.Data {
		if v < 0 {
			return fmt.Sprintf("data.%d", i), fmt.Sprintf("sample %g; a time cannot be negative", v)
		}
	}
	return "", ""
}

// source is the text being decoded: the original, and the text actually
// decoded (with NaN and Infinity rewritten, see rewriteNonFinite).
type source struct {
	orig, text []byte
	shifts     []shift
}

// lineCol gives the line and column in the original of an offset in text.
func (s *source) lineCol(off int) (line, col int) {
	return lineCol(s.orig, origOffset(s.shifts, off))
}

// locate turns a JSON decoding error into an *Error with a line and column.
func (s *source) locate(name string, err error) error {
	e := &Error{File: name, Msg: err.Error()}
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the offending byte itself; point at it.
		off = max(syn.Offset-1, 0)
		e.Msg = "invalid JSON: " + syn.Error()
		if errors.Is(err, io.ErrUnexpectedEOF) || EndOfInput(s.text, syn) {
			off = syn.Offset
			e.Msg = "truncated JSON (the file ends early); restore it from version control or delete it"
		}
	case errors.As(err, &typ):
		off = typ.Offset
		e.Field = typ.Field
		e.Msg = fmt.Sprintf("expected %s, found JSON %s", typ.Type, typ.Value)
	}
	if off >= 0 {
		e.Line, e.Col = s.lineCol(int(off))
	}
	return e
}

// EndOfInput reports whether syn, encoding/json's syntax error for data,
// is data ending early: "unexpected end of JSON input", or a number or a
// literal (true, false, null) cut off at data's last byte, which
// encoding/json reports as an invalid ' ' at the end (it closes its scan
// with a space), a character data does not hold there. Every reader words
// such a file as truncated with this one rule.
func EndOfInput(data []byte, syn *json.SyntaxError) bool {
	msg := syn.Error()
	return strings.Contains(msg, "unexpected end") ||
		syn.Offset == int64(len(data)) && len(data) > 0 && data[len(data)-1] != ' ' && strings.HasPrefix(msg, "invalid character ' '")
}

// Encode returns f as indented JSON, as pytest-benchmark writes it (4-space
// indent, trailing newline). Text is HTML-escaped by encoding/json, so the
// output is also safe to embed. Non-finite numbers in free-form values
// (extra_info, params, options, machine_info) are written as Python's json
// writes them (NaN, Infinity, -Infinity), which pytest-benchmark and Decode
// read back; in a statistic they are an error.
func Encode(f *File) ([]byte, error) {
	c := *f // a shallow copy: f itself is never changed
	marked, cloned := false, false
	if m, ok := markNonFinite(f.MachineInfo); ok {
		c.MachineInfo, marked = m.(MachineInfo), true
	}
	for i := range f.Benchmarks {
		b := &f.Benchmarks[i]
		e, okE := markNonFinite(b.ExtraInfo)
		p, okP := markNonFinite(b.Params)
		o, okO := markNonFinite(b.Options)
		if !okE && !okP && !okO {
			continue
		}
		if !cloned {
			c.Benchmarks, cloned = slices.Clone(f.Benchmarks), true
		}
		marked = true
		cb := &c.Benchmarks[i]
		if okE {
			cb.ExtraInfo = e.(map[string]any)
		}
		if okP {
			cb.Params = p.(map[string]any)
		}
		if okO {
			cb.Options = o.(map[string]any)
		}
	}
	// At most about 48 bytes a sample (20 spaces, 21 digits, ",\n") and
	// 2 KiB a benchmark besides: one allocation for most files.
	size := 4096
	for i := range c.Benchmarks {
		size += 2048 + 48*len(c.Benchmarks[i].Stats.Data)
	}
	out, err := encodeFile(make([]byte, 0, size), &c)
	if err != nil {
		return nil, err
	}
	if marked {
		return unmarkEncoded(out), nil
	}
	return out, nil
}
