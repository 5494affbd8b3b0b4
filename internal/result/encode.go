package result

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"sync"
)

// encodeFile appends f as indented JSON to b, byte for byte what
// encoding/json's Encoder with SetIndent("", "    ") writes for it (a test
// holds the two equal for every field), in one pass.
//
// Written by hand because encoding/json encodes a value twice over when
// indenting (compact, then an indenting pass over the whole output) and a
// run of 10,000 benchmarks of 100 samples each is a million numbers, some
// 40 MB: the benchmarks and their stats are written here, field by field;
// every free-form value (machine_info, params, extra_info …) and every
// string still goes through encoding/json (an indenting json.Encoder), so its
// rules — map key order, HTML escaping, invalid UTF-8 — stay encoding/json's.
func encodeFile(b []byte, f *File) ([]byte, error) {
	var err error
	b = append(b, "{\n"...)
	const in1 = "    "
	if b, err = member(b, in1, "machine_info", f.MachineInfo, true); err != nil {
		return nil, err
	}
	if b, err = member(b, in1, "commit_info", f.CommitInfo, true); err != nil {
		return nil, err
	}
	b = append(b, in1+`"benchmarks": `...)
	switch {
	case f.Benchmarks == nil:
		b = append(b, "null"...)
	case len(f.Benchmarks) == 0:
		b = append(b, "[]"...)
	default:
		b = append(b, "[\n"...)
		for i := range f.Benchmarks {
			if b, err = encodeBenchmark(b, &f.Benchmarks[i]); err != nil {
				return nil, err
			}
			if i < len(f.Benchmarks)-1 {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		b = append(b, in1+"]"...)
	}
	b = append(b, ",\n"...)
	if b, err = member(b, in1, "datetime", f.Datetime, true); err != nil {
		return nil, err
	}
	last := f.Shard == nil && len(f.Failures) == 0 && f.Paired == nil
	if b, err = member(b, in1, "version", f.Version, !last); err != nil {
		return nil, err
	}
	// The omitempty members, each followed by a comma unless no other is.
	var rest []func([]byte, bool) ([]byte, error)
	if f.Shard != nil {
		rest = append(rest, func(b []byte, more bool) ([]byte, error) { return member(b, in1, "shard", f.Shard, more) })
	}
	if len(f.Failures) > 0 {
		rest = append(rest, func(b []byte, more bool) ([]byte, error) { return member(b, in1, "failures", f.Failures, more) })
	}
	if f.Paired != nil {
		rest = append(rest, func(b []byte, more bool) ([]byte, error) { return member(b, in1, "paired", f.Paired, more) })
	}
	for i, m := range rest {
		if b, err = m(b, i < len(rest)-1); err != nil {
			return nil, err
		}
	}
	return append(b, "}\n"...), nil
}

// member appends `indent"key": value` (value as json.MarshalIndent writes it, its
// lines indented under the key), a comma when more, and a newline.
func member(b []byte, indent, key string, v any, more bool) ([]byte, error) {
	b = append(b, indent...)
	b = strconv.AppendQuote(b, key) // keys are fixed ASCII names
	b = append(b, ": "...)
	if str, ok := v.(string); ok && plain(str) {
		b = append(b, '"')
		b = append(b, str...)
		b = append(b, '"')
		if more {
			b = append(b, ',')
		}
		return append(b, '\n'), nil
	}
	if m, ok := v.(map[string]any); ok && m != nil && len(m) == 0 {
		b = append(b, "{}"...)
	} else {
		// json.MarshalIndent, without its allocations: an Encoder
		// indents into a buffer it keeps.
		ve := valueEncoders.Get().(*valueEncoder)
		ve.buf.Reset()
		ve.enc.SetIndent(indent, "    ")
		err := ve.enc.Encode(v)
		if err != nil {
			valueEncoders.Put(ve)
			return nil, err
		}
		b = append(b, bytes.TrimSuffix(ve.buf.Bytes(), []byte("\n"))...)
		valueEncoders.Put(ve)
	}
	if more {
		b = append(b, ',')
	}
	return append(b, '\n'), nil
}

// valueEncoder is a json.Encoder writing into its own buffer, reused.
type valueEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var valueEncoders = sync.Pool{New: func() any {
	ve := &valueEncoder{}
	ve.enc = json.NewEncoder(&ve.buf)
	return ve
}}

// encodeBenchmark appends one element of "benchmarks" (8 spaces in), as
// encoding/json writes a Benchmark; without the comma or newline after it.
func encodeBenchmark(b []byte, bm *Benchmark) ([]byte, error) {
	const in2, in3 = "        ", "            "
	var err error
	b = append(b, in2+"{\n"...)
	for _, m := range []struct {
		key string
		v   any
	}{{"group", bm.Group}, {"name", bm.Name}, {"fullname", bm.Fullname}, {"params", bm.Params},
		{"param", bm.Param}, {"extra_info", bm.ExtraInfo}, {"options", bm.Options}} {
		if b, err = member(b, in3, m.key, m.v, true); err != nil {
			return nil, err
		}
	}
	b = append(b, in3+`"stats": {`+"\n"...)
	if b, err = encodeStats(b, &bm.Stats); err != nil {
		return nil, err
	}
	return append(b, in3+"}\n"+in2+"}"...), nil
}

// encodeStats appends the members of a Stats object (16 spaces in), as
// encoding/json writes them, each line ended.
func encodeStats(b []byte, s *Stats) ([]byte, error) {
	const in4, in5 = "                ", "                    "
	var err error
	float := func(key string, v float64) {
		if err != nil {
			return
		}
		b = append(b, in4+`"`+key+`": `...)
		if b, err = appendFloat(b, v); err == nil {
			b = append(b, ",\n"...)
		}
	}
	integer := func(key string, v int) {
		b = append(b, in4+`"`+key+`": `...)
		b = strconv.AppendInt(b, int64(v), 10)
		b = append(b, ",\n"...)
	}
	float("min", s.Min)
	float("max", s.Max)
	float("mean", s.Mean)
	float("stddev", s.Stddev)
	integer("rounds", s.Rounds)
	float("median", s.Median)
	float("iqr", s.IQR)
	float("q1", s.Q1)
	float("q3", s.Q3)
	integer("iqr_outliers", s.IQROutliers)
	integer("stddev_outliers", s.StddevOutliers)
	if err != nil {
		return nil, err
	}
	if b, err = member(b, in4, "outliers", s.Outliers, true); err != nil {
		return nil, err
	}
	float("ld15iqr", s.LD15IQR)
	float("hd15iqr", s.HD15IQR)
	float("ops", s.OPS)
	float("total", s.Total)
	if err != nil {
		return nil, err
	}
	// The omitempty members: "total" ends with a comma only when one
	// follows.
	if len(s.Data) == 0 && s.Iterations == 0 {
		b = append(b[:len(b)-2], '\n')
		return b, nil
	}
	if len(s.Data) > 0 {
		b = append(b, in4+`"data": [`+"\n"...)
		for i, v := range s.Data {
			b = append(b, in5...)
			if b, err = appendFloat(b, v); err != nil {
				return nil, err
			}
			if i < len(s.Data)-1 {
				b = append(b, ',')
			}
			b = append(b, '\n')
		}
		b = append(b, in4+"]"...)
		if s.Iterations != 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	if s.Iterations != 0 {
		b = append(b, in4+`"iterations": `...)
		b = strconv.AppendInt(b, int64(s.Iterations), 10)
		b = append(b, '\n')
	}
	return b, nil
}

// appendFloat appends v as encoding/json writes a float64 (ES6's number
// to string conversion: %f, or %e below 1e-6 and from 1e21, without a
// padded exponent), and refuses NaN and ±Inf with its error.
func appendFloat(b []byte, v float64) ([]byte, error) {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil, &json.UnsupportedValueError{Value: reflect.ValueOf(v), Str: strconv.FormatFloat(v, 'g', -1, 64)}
	}
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// plain reports whether encoding/json writes s as it is, between quotes:
// printable ASCII without the characters it escapes (", \ and <, >, &
// for HTML).
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
