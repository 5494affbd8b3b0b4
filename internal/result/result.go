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
// versions (no ops, total, ld15iqr, data), null group/param/params, naive
// datetimes, ints where floats are expected, `data` arrays cut short by hand
// with a trailing string, and unknown keys anywhere. A file that is not JSON,
// or whose known fields have the wrong JSON type, is an error that names the
// file and the line:column of the offending value.
package result

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
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
	Iterations     int       `json:"iterations"`

	// Truncated is set when the file's data array was cut short (a trailing
	// non-number, as in files edited by hand upstream, or fewer samples than
	// rounds): Data then holds only the numbers that were there and does not
	// describe every round.
	Truncated bool `json:"-"`
}

// UnmarshalJSON accepts a data array that ends in non-numbers.
func (s *Stats) UnmarshalJSON(b []byte) error {
	type plain Stats
	// Fast path: data is all numbers (every file not cut by hand).
	var p plain
	err := json.Unmarshal(b, &p)
	// encoding/json reads a null array element as 0, which would be a
	// made-up sample: such arrays take the slow path too.
	if err == nil && !bytes.Contains(b, []byte("null")) {
		*s = Stats(p)
		return nil
	}
	var typ *json.UnmarshalTypeError
	if err != nil && (!errors.As(err, &typ) || typ.Field != "data") {
		return err
	}
	var aux struct {
		plain
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*s = Stats(aux.plain)
	s.Data = nil
	for _, raw := range aux.Data {
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil || string(raw) == "null" {
			s.Truncated = true
			continue
		}
		s.Data = append(s.Data, v)
	}
	return nil
}

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

// Runtime returns the language runtime and its version, e.g. "Go 1.26.8" or
// "CPython 3.11.7".
func (m MachineInfo) Runtime() string {
	if v := m.String("go_version"); v != "" {
		return "Go " + strings.TrimPrefix(v, "go")
	}
	if impl := m.String("python_implementation"); impl != "" {
		return impl + " " + m.String("python_version")
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
	if impl == "" {
		impl = "Unknown"
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

// Decode decodes one result file; name is used in errors.
func Decode(data []byte, name string) (*File, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "empty file; expected a pytest-benchmark JSON object (delete it or re-run the suite)"}
	}
	// The common case, a good file, is decoded in one pass. The walk that
	// locates problems precisely (validate) runs only when there is one to
	// locate: it costs more than a third of a decode.
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		if !json.Valid(data) {
			var v any
			return nil, locate(name, data, json.Unmarshal(data, &v)) // for the error's position
		}
		if _, verr := validate(data, name); verr != nil {
			return nil, verr
		}
		return nil, locate(name, data, err)
	}
	var pos map[string]int
	positions := func() map[string]int {
		if pos == nil {
			pos, _ = validate(data, name) // data decoded, so it validates
		}
		return pos
	}
	at := func(field string) *Error {
		e := &Error{File: name, Field: field}
		if off, ok := positions()[field]; ok {
			e.Line, e.Col = lineCol(data, off)
		}
		return e
	}
	if f.Benchmarks == nil { // missing, or null
		if _, ok := positions()["benchmarks"]; !ok {
			return nil, &Error{File: name, Line: 1, Col: 1, Field: "benchmarks", Msg: "missing; this is not a pytest-benchmark result file"}
		}
	}
	for i := range f.Benchmarks {
		b := &f.Benchmarks[i]
		if b.Name == "" {
			e := at(fmt.Sprintf("benchmarks.%d", i))
			e.Field += ".name"
			e.Msg = "missing or empty; every benchmark needs a name (fix or delete the file)"
			return nil, e
		}
		if b.Fullname == "" {
			b.Fullname = b.Name
		}
		if b.Stats.Rounds == 0 && len(b.Stats.Data) > 0 {
			b.Stats.Rounds = len(b.Stats.Data)
		}
		// Fewer samples than rounds: the array was cut short (this also
		// keeps Truncated across Encode, which drops the trailing marker).
		if len(b.Stats.Data) > 0 && len(b.Stats.Data) < b.Stats.Rounds {
			b.Stats.Truncated = true
		}
		if field, msg := implausible(&b.Stats); field != "" {
			e := at(fmt.Sprintf("benchmarks.%d.stats.%s", i, field))
			if e.Line == 0 {
				e = at(fmt.Sprintf("benchmarks.%d", i))
				e.Field = fmt.Sprintf("benchmarks.%d.stats.%s", i, field)
			}
			e.Msg = msg + " (benchmark " + strconv.Quote(b.Name) + "); fix or delete the file"
			return nil, e
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

// implausible names the first figure of s that no measurement can have:
// negative counts or times, or min above max.
func implausible(s *Stats) (field, msg string) {
	if s.Rounds < 0 {
		return "rounds", fmt.Sprintf("%d rounds; a count cannot be negative", s.Rounds)
	}
	if s.Iterations < 0 {
		return "iterations", fmt.Sprintf("%d iterations; a count cannot be negative", s.Iterations)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"min", s.Min}, {"max", s.Max}, {"mean", s.Mean}, {"median", s.Median}, {"stddev", s.Stddev}, {"total", s.Total}} {
		if f.v < 0 {
			return f.name, fmt.Sprintf("%g seconds; a time cannot be negative", f.v)
		}
	}
	if s.Max != 0 && s.Min > s.Max { // 0: max missing from the file
		return "min", fmt.Sprintf("min %g is above max %g", s.Min, s.Max)
	}
	for i, v := range s.Data {
		if v < 0 {
			return fmt.Sprintf("data.%d", i), fmt.Sprintf("sample %g; a time cannot be negative", v)
		}
	}
	return "", ""
}

// locate turns a JSON decoding error into an *Error with a line and column.
func locate(name string, data []byte, err error) error {
	e := &Error{File: name, Msg: err.Error()}
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the offending byte itself; point at it.
		off = max(syn.Offset-1, 0)
		e.Msg = "invalid JSON: " + syn.Error()
		if errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(syn.Error(), "unexpected end") {
			off = syn.Offset
			e.Msg = "truncated JSON (the file ends early); restore it from version control or delete it"
		}
	case errors.As(err, &typ):
		off = typ.Offset
		e.Field = typ.Field
		e.Msg = fmt.Sprintf("expected %s, found JSON %s", typ.Type, typ.Value)
	}
	if off >= 0 {
		e.Line, e.Col = lineCol(data, int(off))
	}
	return e
}

// Encode returns f as indented JSON, as pytest-benchmark writes it (4-space
// indent, trailing newline). Text is HTML-escaped by encoding/json, so the
// output is also safe to embed.
func Encode(f *File) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "    ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
