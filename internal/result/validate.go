package result

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// validate checks the JSON types of the fields benchsite reads, walking the
// document once with a token decoder. encoding/json's own type errors give
// neither the array index nor the start of the value, and errors from
// Stats.UnmarshalJSON carry offsets relative to the stats object; walking
// here gives every problem its full path ("benchmarks.3.stats.rounds") and
// the line:column where the offending value starts. Unknown keys, and
// null for any known one, are accepted, as encoding/json accepts them.
//
// Numbers must fit a float64 (1e400 does not). A NaN or Infinity (rewritten
// to a marker string, see rewriteNonFinite) is accepted only where any value
// may go, and so is a string in stats.data (a hand-cut array's end).
//
// It also returns where some values start (see remember), for errors found after decoding. src.text must be valid
// JSON.
func validate(src *source, name string) (map[string]int, error) {
	v := validator{src: src, data: src.text, name: name, pos: map[string]int{}}
	v.dec = json.NewDecoder(bytes.NewReader(src.text))
	v.dec.UseNumber()
	if err := v.walk(fileSchema, ""); err != nil {
		return nil, err
	}
	return v.pos, nil
}

type kind uint8

const (
	kAny kind = iota
	kObject
	kArray
	kString
	kNumber
	kInt
	kBool
	kSample // an element of stats.data: a number, or a string or null that ends a hand-cut array
)

var kindWords = [...]string{kAny: "any value", kObject: "an object", kArray: "an array", kString: "a string",
	kNumber: "a number", kInt: "a whole number", kBool: "true or false", kSample: "a number"}

type schema struct {
	kind   kind
	fields map[string]*schema // known keys of an object
	values *schema            // the values of any other key (a map such as paired.benchmarks)
	elem   *schema            // elements of an array
}

var (
	anyValue = &schema{kind: kAny}
	str      = &schema{kind: kString}
	num      = &schema{kind: kNumber}
	integer  = &schema{kind: kInt}
	object   = &schema{kind: kObject}
	// freeForm is an object of any keys, walked key by key so that a bad
	// value (a number out of range) is named by its key.
	freeForm  = &schema{kind: kObject, fields: map[string]*schema{}}
	statsType = &schema{kind: kObject, fields: map[string]*schema{
		"min": num, "max": num, "mean": num, "stddev": num, "rounds": integer, "median": num,
		"iqr": num, "q1": num, "q3": num, "iqr_outliers": integer, "stddev_outliers": integer,
		"outliers": str, "ld15iqr": num, "hd15iqr": num, "ops": num, "total": num,
		// A hand-cut array ends in a string (see Stats).
		"data":       {kind: kArray, elem: &schema{kind: kSample}},
		"iterations": integer,
	}}
	benchmarkType = &schema{kind: kObject, fields: map[string]*schema{
		"group": str, "name": str, "fullname": str, "params": freeForm, "param": str,
		"extra_info": freeForm, "options": freeForm, "stats": statsType,
	}}
	fileSchema = &schema{kind: kObject, fields: map[string]*schema{
		"machine_info": {kind: kObject, fields: map[string]*schema{}}, // walked to locate its keys
		"commit_info":  commitType,
		"benchmarks":   {kind: kArray, elem: benchmarkType},
		"datetime":     str,
		"version":      str,
		"paired":       pairedType,
	}}
	commitType = &schema{kind: kObject, fields: map[string]*schema{
		"id": str, "time": str, "author_time": str, "dirty": {kind: kBool},
		"project": str, "branch": str, "message": str,
	}}
	numbers             = &schema{kind: kArray, elem: num}
	pairedBenchmarkType = &schema{kind: kObject, fields: map[string]*schema{
		"name": str, "field": str, "verdict": str, "pairs": integer,
		"change_percent": num, "ci_low_percent": num, "ci_high_percent": num,
		"threshold_percent": num, "base": num, "cur": num,
		"base_values": numbers, "cur_values": numbers,
	}}
	// pairedType is benchsite's key "paired" (see Paired).
	pairedType = &schema{kind: kObject, fields: map[string]*schema{
		"baseline": commitType, "ref": str, "label": str, "method": str,
		"confidence": num, "check": str,
		"seeds": {kind: kArray, elem: integer}, "rounds_per_process": integer,
		"benchmarks": {kind: kObject, fields: map[string]*schema{}, values: pairedBenchmarkType},
		"removed":    {kind: kArray, elem: str},
	}}
)

type validator struct {
	src  *source
	data []byte
	name string
	dec  *json.Decoder
	pos  map[string]int
}

// start returns the offset where the next value begins: the decoder's offset
// is just after the previous token, before any ':' or ','.
func (v *validator) start() int {
	i := int(v.dec.InputOffset())
	for i < len(v.data) {
		switch v.data[i] {
		case ' ', '\t', '\r', '\n', ':', ',':
			i++
			continue
		}
		break
	}
	return i
}

func (v *validator) walk(s *schema, path string) error {
	if s == nil {
		s = anyValue
	}
	at := v.start()
	if remember(path) {
		v.pos[path] = at
	}
	if s.leaf() {
		// Nothing inside to check: skip the value in one call (much faster
		// than token by token over large data arrays) and look at its first
		// byte for the type.
		var raw json.RawMessage
		if err := v.dec.Decode(&raw); err != nil {
			return v.errAt(at, path, "invalid JSON: "+err.Error())
		}
		want := byte('{')
		switch s.kind {
		case kAny:
			if c := raw[0]; c == '-' || c >= '0' && c <= '9' {
				if _, err := strconv.ParseFloat(string(raw), 64); err != nil {
					return v.errAt(at, path, "the number "+quote(string(raw))+" is out of range (beyond ±1.8e308); fix or delete the file")
				}
			}
			return nil
		case kArray:
			want = '['
		}
		if raw[0] == want || raw[0] == 'n' {
			return nil
		}
		return v.errAt(at, path, v.typeMsg(s, path, describe(raw)))
	}
	tok, err := v.dec.Token()
	if err != nil {
		return v.errAt(at, path, "invalid JSON: "+err.Error())
	}
	found := ""
	switch t := tok.(type) {
	case nil:
		return nil // null leaves a known field at its zero value (Decode checks the statistics)
	case json.Delim:
		if t == '{' {
			if s.kind != kAny && s.kind != kObject {
				found = "an object"
				break
			}
			for v.dec.More() {
				key, err := v.dec.Token()
				if err != nil {
					return v.errAt(v.start(), path, "invalid JSON: "+err.Error())
				}
				k, _ := key.(string)
				sub := s.fields[k]
				if sub == nil {
					sub = s.values
				}
				if err := v.walk(sub, join(path, k)); err != nil {
					return err
				}
			}
		} else {
			if s.kind != kAny && s.kind != kArray {
				found = "an array"
				break
			}
			for i := 0; v.dec.More(); i++ {
				if err := v.walk(s.elem, join(path, strconv.Itoa(i))); err != nil {
					return err
				}
			}
		}
		_, err := v.dec.Token() // closing delimiter
		if err != nil {
			return v.errAt(v.start(), path, "invalid JSON: "+err.Error())
		}
		return nil
	case string:
		if isNonFiniteMark(t) {
			if s.kind == kAny {
				return nil
			}
			word := t[len(nonFiniteMark):]
			if s.kind == kNumber || s.kind == kInt || s.kind == kSample {
				return v.errAt(at, path, word+" is not a figure a measurement can have; every statistic and sample must be a finite number (fix or delete the file)")
			}
			return v.errAt(at, path, v.typeMsg(s, path, word))
		}
		if s.kind == kAny || s.kind == kString || s.kind == kSample {
			return nil
		}
		found = "the string " + quote(t)
	case json.Number:
		if s.kind != kAny {
			if _, err := strconv.ParseFloat(t.String(), 64); err != nil {
				return v.errAt(at, path, "the number "+quote(t.String())+" is out of range (beyond ±1.8e308); fix or delete the file")
			}
		}
		switch s.kind {
		case kAny, kNumber, kSample:
			return nil
		case kInt:
			if _, err := strconv.ParseInt(t.String(), 10, 0); err == nil {
				return nil
			}
		}
		found = "the number " + t.String()
	case bool:
		if s.kind == kAny || s.kind == kBool {
			return nil
		}
		found = strconv.FormatBool(t)
	}
	return v.errAt(at, path, v.typeMsg(s, path, found))
}

// leaf reports whether s checks nothing inside a container: any value, an
// object without known keys or an array of anything.
func (s *schema) leaf() bool {
	switch s.kind {
	case kAny:
		return true
	case kObject:
		return s.fields == nil && s.values == nil
	case kArray:
		return s.elem == nil || s.elem.kind == kAny
	}
	return false
}

func (v *validator) typeMsg(s *schema, path, found string) string {
	if path == "" {
		return fmt.Sprintf("expected a JSON object (a pytest-benchmark result file), found %s", found)
	}
	return fmt.Sprintf("expected %s, found %s; this is not a valid pytest-benchmark result file (fix the value or delete the file)", kindWords[s.kind], found)
}

func (v *validator) errAt(off int, path, msg string) *Error {
	line, col := v.src.lineCol(off)
	return &Error{File: v.name, Line: line, Col: col, Field: path, Msg: msg}
}

// lineCol converts a byte offset to a 1-based line and column (in runes).
func lineCol(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	lineStart := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(data[lineStart:off])
}

// remember reports whether validate records where path's value starts:
// top-level keys, the keys of commit_info and machine_info, "benchmarks.N",
// the keys of each benchmark and those of its stats (and extra_info).
func remember(path string) bool {
	if path == "" {
		return false
	}
	head, rest, nested := strings.Cut(path, ".")
	switch head {
	case "benchmarks": // benchmarks.N, benchmarks.N.field, benchmarks.N.stats.figure
		return strings.Count(rest, ".") <= 2
	case "commit_info", "machine_info":
		return !nested || !strings.Contains(rest, ".")
	case "paired": // small: every key, down to each benchmark's fields
		return true
	}
	return !nested
}

// describe names the JSON value raw for an error message.
func describe(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		var str string
		json.Unmarshal(raw, &str)
		return "the string " + quote(str)
	case 't', 'f':
		return string(raw)
	}
	return "the number " + string(raw)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// quote shows an untrusted string briefly and safely.
func quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}
