package harness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
)

// jvalue is a JSON value of a file with the offset where it starts, so
// that errors can name the line:column of the benchmark they are about.
type jvalue struct {
	raw json.RawMessage
	off int
}

// kind is the first byte of the value: '{', '[', '"', 'n', 't', 'f' or a
// digit or '-'.
func (v jvalue) kind() byte {
	if len(v.raw) == 0 {
		return 0
	}
	return v.raw[0]
}

// jdoc is a JSON file being read.
type jdoc struct {
	data []byte
	name string
}

// root returns the file's top-level value. The file is not checked for
// JSON syntax here, which would cost a pass over it: members, elements and
// stream find a syntax error where they meet it and place it (syntaxError).
func (d *jdoc) root() (jvalue, error) {
	start := len(d.data) - len(bytes.TrimLeft(d.data, " \t\r\n\ufeff"))
	raw := bytes.TrimRight(d.data[start:], " \t\r\n")
	if len(raw) == 0 {
		return jvalue{}, d.errAt(start, "", "empty file")
	}
	return jvalue{raw: raw, off: start}, nil
}

// syntaxError places the file's first JSON syntax error, or returns nil
// when the file is valid JSON.
func (d *jdoc) syntaxError() error {
	if json.Valid(d.data) {
		return nil
	}
	var v any
	err := json.Unmarshal(d.data, &v)
	var syn *json.SyntaxError
	off := len(d.data)
	msg := "invalid JSON"
	if errors.As(err, &syn) {
		off = int(syn.Offset) - 1
		msg = "invalid JSON: " + syn.Error()
		if errors.Is(err, io.ErrUnexpectedEOF) || result.EndOfInput(d.data, syn) {
			off, msg = len(d.data), "truncated JSON (the file ends early)"
		}
		if off >= 0 && off < len(d.data) {
			if w := nonFiniteWord(d.data[off:]); w != "" {
				msg = w + " is not a figure a measurement can have; every value must be a finite number (fix the harness's output, or leave the benchmark out)"
			}
		}
	}
	return d.errAt(off, "", "%s", msg)
}

// nonFiniteWord returns the NaN or Infinity (as Python and some harnesses
// write them) that b starts with, "" when it starts with none.
func nonFiniteWord(b []byte) string {
	for _, w := range []string{"NaN", "Infinity", "-Infinity", "-NaN", "nan", "inf", "-inf"} {
		if bytes.HasPrefix(b, []byte(w)) {
			return w
		}
	}
	return ""
}

// invalid is the error for a decoder's failure inside v: the file's syntax
// error when it has one, else err at v.
func (d *jdoc) invalid(v jvalue, field string, err error) error {
	if serr := d.syntaxError(); serr != nil {
		return serr
	}
	return d.errAt(v.off, field, "invalid JSON: %v", err)
}

// errAt returns an error at byte offset off.
func (d *jdoc) errAt(off int, field, msg string, args ...any) *result.Error {
	line, col := result.Position(d.data, off)
	return &result.Error{File: d.name, Line: line, Col: col, Field: field, Msg: fmt.Sprintf(msg, args...)}
}

// members returns the members of object v in file order.
func (d *jdoc) members(v jvalue, field string) ([]string, map[string]jvalue, error) {
	if v.kind() != '{' {
		return nil, nil, d.errAt(v.off, field, "expected a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, nil, d.invalid(v, field, err)
	}
	var keys []string
	m := map[string]jvalue{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, d.invalid(v, field, err)
		}
		k, _ := t.(string)
		at := v.off + skipSep(v.raw, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, d.invalid(jvalue{off: at}, join(field, k), err)
		}
		if _, dup := m[k]; !dup {
			keys = append(keys, k)
		}
		m[k] = jvalue{raw: raw, off: at}
	}
	if _, err := dec.Token(); err != nil || int(dec.InputOffset()) != len(v.raw) { // } and nothing after it
		return nil, nil, d.invalid(v, field, fmt.Errorf("data after the object"))
	}
	return keys, m, nil
}

// elements returns the elements of array v.
func (d *jdoc) elements(v jvalue, field string) ([]jvalue, error) {
	if v.kind() != '[' {
		return nil, d.errAt(v.off, field, "expected a JSON array")
	}
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	if _, err := dec.Token(); err != nil { // [
		return nil, d.invalid(v, field, err)
	}
	var out []jvalue
	for dec.More() {
		at := v.off + skipSep(v.raw, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, d.invalid(jvalue{off: at}, field, err)
		}
		out = append(out, jvalue{raw: raw, off: at})
	}
	if _, err := dec.Token(); err != nil || int(dec.InputOffset()) != len(v.raw) { // ] and nothing after it
		return nil, d.invalid(v, field, fmt.Errorf("data after the array"))
	}
	return out, nil
}

// element is one element of an array being streamed (jdoc.stream).
type element struct {
	d     *jdoc
	dec   *json.Decoder
	arr   jvalue
	start int    // offset in arr.raw
	v     jvalue // the element, once decoded
	done  bool
}

// decode decodes the element into dst, reading it from the array's
// decoder: one pass to find its end and one to decode, where reading it
// apart and then decoding it would take four. Errors are placed as
// jdoc.decode places them.
func (e *element) decode(field string, dst any) error {
	e.done = true
	if err := e.dec.Decode(dst); err != nil {
		el := jvalue{off: e.arr.off + e.start}
		var raw json.RawMessage
		if json.NewDecoder(bytes.NewReader(e.arr.raw[e.start:])).Decode(&raw) != nil {
			return e.d.invalid(el, field, err)
		}
		el.raw = raw
		if derr := e.d.decode(el, field, dst); derr != nil {
			return derr
		}
		return e.d.errAt(el.off, field, "%v", err)
	}
	end := int(e.dec.InputOffset())
	e.v = jvalue{raw: e.arr.raw[e.start:end], off: e.arr.off + e.start}
	return nil
}

// streamMember streams the array that is member key of object v, from the
// object's own decoder (so the array is not read apart first: two passes
// over a large file instead of four). Every other member is handed to
// other, in file order, as it is met. A missing key or a syntax error ends
// the loop with *errp set.
func (d *jdoc) streamMember(v jvalue, key string, other func(k string, val jvalue) error, errp *error) iter.Seq2[int, *element] {
	return func(yield func(int, *element) bool) {
		if v.kind() != '{' {
			*errp = d.errAt(v.off, "", "expected a JSON object")
			return
		}
		dec := json.NewDecoder(bytes.NewReader(v.raw))
		if _, err := dec.Token(); err != nil {
			*errp = d.invalid(v, "", err)
			return
		}
		found := false
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				*errp = d.invalid(v, "", err)
				return
			}
			k, _ := t.(string)
			at := skipSep(v.raw, int(dec.InputOffset()))
			if k != key || found {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					*errp = d.invalid(jvalue{off: v.off + at}, k, err)
					return
				}
				if other != nil {
					if err := other(k, jvalue{raw: raw, off: v.off + at}); err != nil {
						*errp = err
						return
					}
				}
				continue
			}
			found = true
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				*errp = d.errAt(v.off+at, key, "expected a JSON array")
				if err != nil {
					*errp = d.invalid(jvalue{off: v.off + at}, key, err)
				}
				return
			}
			for i := 0; dec.More(); i++ {
				e := &element{d: d, dec: dec, arr: v, start: skipSep(v.raw, int(dec.InputOffset()))}
				if !yield(i, e) {
					return
				}
				if !e.done {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						*errp = d.invalid(jvalue{off: v.off + e.start}, key, err)
						return
					}
				}
			}
			if _, err := dec.Token(); err != nil { // ]
				*errp = d.invalid(v, key, err)
				return
			}
		}
		if _, err := dec.Token(); err != nil || int(dec.InputOffset()) != len(v.raw) { // } and nothing after it
			*errp = d.invalid(v, "", fmt.Errorf("data after the object"))
			return
		}
		if !found {
			*errp = d.errAt(v.off, key, "missing")
		}
	}
}

// stream yields the elements of array v one by one; the loop body decodes
// each (element.decode) or leaves it. A syntax error ends the loop with
// *errp set.
func (d *jdoc) stream(v jvalue, field string, errp *error) iter.Seq2[int, *element] {
	return func(yield func(int, *element) bool) {
		if v.kind() != '[' {
			*errp = d.errAt(v.off, field, "expected a JSON array")
			return
		}
		dec := json.NewDecoder(bytes.NewReader(v.raw))
		if _, err := dec.Token(); err != nil {
			*errp = d.invalid(v, field, err)
			return
		}
		for i := 0; dec.More(); i++ {
			e := &element{d: d, dec: dec, arr: v, start: skipSep(v.raw, int(dec.InputOffset()))}
			if !yield(i, e) {
				return
			}
			if !e.done {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					*errp = d.invalid(jvalue{off: v.off + e.start}, field, err)
					return
				}
			}
		}
		if _, err := dec.Token(); err != nil || int(dec.InputOffset()) != len(v.raw) { // ] and nothing after it
			*errp = d.invalid(v, field, fmt.Errorf("data after the array"))
		}
	}
}

// decode decodes v into dst, placing a type error at the offending value.
func (d *jdoc) decode(v jvalue, field string, dst any) error {
	err := json.Unmarshal(v.raw, dst)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		// The value is not JSON (a file cut off, for one): placed and
		// worded as every reader's syntax error, not at the value's start.
		return d.invalid(v, field, err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		f := join(field, typ.Field)
		at := v.off + int(typ.Offset)
		if typ.Field != "" {
			at = d.at(v, strings.Split(typ.Field, ".")...)
		}
		return d.errAt(at, f, "expected %s, found JSON %s", typ.Type, typ.Value)
	}
	// A json.Number given a string: encoding/json names the text, not
	// where it is, so look for it.
	msg := err.Error()
	if i := strings.Index(msg, "invalid number literal, trying to unmarshal "); i >= 0 {
		lit := msg[i+len("invalid number literal, trying to unmarshal "):]
		lit, _, _ = strings.Cut(lit, " into")
		if raw, uerr := strconv.Unquote(lit); uerr == nil {
			if off, path, ok := d.search(v, field, raw); ok {
				return d.errAt(off, path, "expected a number, found %s", raw)
			}
		}
	}
	return d.errAt(v.off, field, "%v", err)
}

// at returns the offset of the value at path (object keys and array
// indexes) inside v, or of the deepest part of it that exists.
func (d *jdoc) at(v jvalue, path ...string) int {
	for _, k := range path {
		var next jvalue
		var ok bool
		switch v.kind() {
		case '{':
			_, m, err := d.members(v, "")
			if err != nil {
				return v.off
			}
			next, ok = m[k]
		case '[':
			els, err := d.elements(v, "")
			i, aerr := strconv.Atoi(k)
			if err != nil || aerr != nil || i < 0 || i >= len(els) {
				return v.off
			}
			next, ok = els[i], true
		}
		if !ok {
			return v.off
		}
		v = next
	}
	return v.off
}

// search finds the first value inside v whose JSON text is raw.
func (d *jdoc) search(v jvalue, path, raw string) (int, string, bool) {
	if string(v.raw) == raw {
		return v.off, path, true
	}
	switch v.kind() {
	case '{':
		keys, m, err := d.members(v, path)
		if err != nil {
			return 0, "", false
		}
		for _, k := range keys {
			if off, p, ok := d.search(m[k], join(path, k), raw); ok {
				return off, p, true
			}
		}
	case '[':
		els, err := d.elements(v, path)
		if err != nil {
			return 0, "", false
		}
		for i, e := range els {
			if off, p, ok := d.search(e, join(path, strconv.Itoa(i)), raw); ok {
				return off, p, true
			}
		}
	}
	return 0, "", false
}

// skipSep moves i past whitespace, ':' and ',' to where the next value
// starts (a decoder's offset is just after the previous token).
func skipSep(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n', ':', ',':
			i++
			continue
		}
		break
	}
	return i
}

func join(path, key string) string {
	switch {
	case path == "":
		return key
	case key == "":
		return path
	}
	return path + "." + key
}

// number converts a JSON number (as text) in unit u. The number is at path
// inside v, whose own path in the file is field; both are used only to
// place an error.
func (d *jdoc) number(n json.Number, u Unit, v jvalue, field string, path ...string) (float64, error) {
	x, err := u.Value(string(n))
	if err != nil {
		return 0, d.errAt(d.at(v, path...), join(field, strings.Join(path, ".")), "%v", err)
	}
	return x, nil
}

// sniffSize is how much of a file detectors look at: Detect reads a
// file's head, not the whole file.
const sniffSize = 64 << 10

// sniff is what detectors look at, from the first sniffSize bytes: the
// first non-space byte, the text, and for JSON the keys of the top-level
// object (with the keys of the first element of each of its arrays) or of
// the first element of a top-level array. A value cut off at the end of the
// head is simply not looked into, so large files are told apart as well as
// small ones.
type sniff struct {
	data  []byte
	first byte
	obj   map[string]bool            // top-level object keys
	sub   map[string]map[string]bool // key → keys of its array's first object
	elem0 map[string]bool            // keys of a top-level array's first object
	text  string
}

func newSniff(data []byte) *sniff {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	t = t[:min(len(t), sniffSize)]
	s := &sniff{data: t, text: string(t)}
	if len(t) == 0 {
		return s
	}
	s.first = t[0]
	dec := json.NewDecoder(bytes.NewReader(t))
	switch s.first {
	case '{':
		dec.Token()
		s.sub = map[string]map[string]bool{}
		s.obj = objectKeys(dec, s.sub)
	case '[':
		dec.Token()
		if tok, err := dec.Token(); err == nil && tok == json.Delim('{') {
			s.elem0 = objectKeys(dec, nil)
		}
	}
	return s
}

// objectKeys reads the members of an object whose '{' dec has just read,
// up to and including its '}', and returns their keys. With sub, it also
// records the keys of the first object in each array-valued member.
func objectKeys(dec *json.Decoder, sub map[string]map[string]bool) map[string]bool {
	keys := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		keys[k] = true
		v, err := dec.Token()
		if err != nil {
			return keys
		}
		switch v {
		case json.Delim('['):
			if sub != nil && dec.More() {
				first, err := dec.Token()
				if err != nil {
					return keys
				}
				depth := 1
				if first == json.Delim('{') {
					sub[k] = objectKeys(dec, nil)
				} else if first == json.Delim('[') {
					depth++
				}
				if skip(dec, depth) != nil {
					return keys
				}
			} else if skip(dec, 1) != nil {
				return keys
			}
		case json.Delim('{'):
			if skip(dec, 1) != nil {
				return keys
			}
		}
	}
	dec.Token() // }
	return keys
}

// skip reads tokens until depth open arrays or objects are closed.
func skip(dec *json.Decoder, depth int) error {
	for depth > 0 {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// has reports whether m has every key.
func has(m map[string]bool, keys ...string) bool {
	for _, k := range keys {
		if !m[k] {
			return false
		}
	}
	return len(keys) > 0
}
