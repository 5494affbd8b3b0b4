package result

import (
	"bytes"
	"math"
	"sort"
)

// Python's json module writes float('nan') and float('inf') as the bare
// words NaN, Infinity and -Infinity, and reads them back; pytest-benchmark
// files can hold them wherever a user's value goes (extra_info above all).
// They are not JSON, so encoding/json refuses them. Decode rewrites each one
// outside a string into a marker string (nonFiniteMark followed by the
// word), decodes, and then turns markers in free-form values (extra_info,
// params, options, machine_info) into float64 NaN or ±Inf. A marker in a
// typed field is an error naming it: a statistic must be a finite number.
// Encode writes such values back as the bare words, so pytest-benchmark
// reads the files benchsite writes.

// nonFiniteMark starts the marker strings; a NUL never occurs in real
// result text.
const nonFiniteMark = "\x00"

// nonFiniteWords are Python's spellings, longest first for matching.
var nonFiniteWords = []string{"-Infinity", "Infinity", "NaN"}

// shift records that the rewritten text is longer than the original from
// offset at (in the rewritten text) on, by delta bytes in total.
type shift struct{ at, delta int }

// rewriteNonFinite returns data with every bare NaN, Infinity and -Infinity
// outside a string replaced by a marker string, and the shifts to map
// offsets back; ok is false when there was none.
func rewriteNonFinite(data []byte) (out []byte, shifts []shift, ok bool) {
	inStr, esc := false, false
	delta := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		if c == '"' {
			inStr = true
			continue
		}
		if c != 'N' && c != 'I' && c != '-' {
			continue
		}
		for _, w := range nonFiniteWords {
			if !bytes.HasPrefix(data[i:], []byte(w)) {
				continue
			}
			if out == nil {
				out = make([]byte, 0, len(data)+64)
			}
			out = append(out, data[len(out)-delta:i]...)
			mark := `"\u0000` + w + `"`
			out = append(out, mark...)
			delta += len(mark) - len(w)
			shifts = append(shifts, shift{at: len(out), delta: delta})
			i += len(w) - 1
			break
		}
	}
	if out == nil {
		return data, nil, false
	}
	out = append(out, data[len(out)-delta:]...)
	return out, shifts, true
}

// origOffset maps an offset in rewritten text back to the original text.
func origOffset(shifts []shift, off int) int {
	i := sort.Search(len(shifts), func(i int) bool { return shifts[i].at > off })
	if i == 0 {
		return off
	}
	return max(off-shifts[i-1].delta, 0)
}

// nonFiniteValue returns the float a marker string stands for.
func nonFiniteValue(s string) (float64, bool) {
	switch s {
	case nonFiniteMark + "NaN":
		return math.NaN(), true
	case nonFiniteMark + "Infinity":
		return math.Inf(1), true
	case nonFiniteMark + "-Infinity":
		return math.Inf(-1), true
	}
	return 0, false
}

// restoreNonFinite turns marker strings inside v (maps and slices of
// decoded JSON) into NaN or ±Inf, in place, and returns v.
func restoreNonFinite(v any) any {
	switch x := v.(type) {
	case string:
		if f, ok := nonFiniteValue(x); ok {
			return f
		}
	case map[string]any:
		for k, e := range x {
			x[k] = restoreNonFinite(e)
		}
	case []any:
		for i, e := range x {
			x[i] = restoreNonFinite(e)
		}
	}
	return v
}

// markNonFinite returns v with every non-finite float replaced by its marker
// string, copying only what changes, and whether anything did.
func markNonFinite(v any) (any, bool) {
	switch x := v.(type) {
	case float64:
		switch {
		case math.IsNaN(x):
			return nonFiniteMark + "NaN", true
		case math.IsInf(x, 1):
			return nonFiniteMark + "Infinity", true
		case math.IsInf(x, -1):
			return nonFiniteMark + "-Infinity", true
		}
	case float32:
		return markNonFinite(float64(x))
	case map[string]any:
		var c map[string]any
		for k, e := range x {
			if m, ok := markNonFinite(e); ok {
				if c == nil {
					c = make(map[string]any, len(x))
					for k2, e2 := range x {
						c[k2] = e2
					}
				}
				c[k] = m
			}
		}
		if c != nil {
			return c, true
		}
	case MachineInfo:
		m, ok := markNonFinite(map[string]any(x))
		if ok {
			return MachineInfo(m.(map[string]any)), true
		}
	case []any:
		var c []any
		for i, e := range x {
			if m, ok := markNonFinite(e); ok {
				if c == nil {
					c = append([]any(nil), x...)
				}
				c[i] = m
			}
		}
		if c != nil {
			return c, true
		}
	}
	return v, false
}

// unmarkEncoded turns the encoded marker strings of markNonFinite back into
// Python's bare words.
func unmarkEncoded(data []byte) []byte {
	for _, w := range nonFiniteWords {
		data = bytes.ReplaceAll(data, []byte(`"\u0000`+w+`"`), []byte(w))
	}
	return data
}

// isNonFiniteMark reports whether s is a marker string.
func isNonFiniteMark(s string) bool {
	_, ok := nonFiniteValue(s)
	return ok
}
