package jscan

import (
	"encoding/json"
	"strconv"
	"testing"
)

// accepts reports whether the scanner reads data as one whole value.
func accepts(data string) bool {
	s := New([]byte(data))
	return s.Skip() && s.End()
}

// The scanner never accepts what encoding/json refuses, and reads the
// plain documents it is for.
func TestAcceptsOnlyJSON(t *testing.T) {
	for _, ok := range []string{`0`, `-0.5e+3`, `1E9`, `"µs"`, `[]`, `{}`, ` {"a": [1, 2.5, {"b": null}], "c": true, "d": false} `,
		`{"iters":[55.0,110.0],"times":[1022840.0,2016796.0]}`, `"a\"b\u00b5\n"`, `{"\u003c": "\ud800"}`} {
		if !accepts(ok) {
			t.Errorf("declined %s", ok)
		}
	}
	for _, bad := range []string{``, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `NaN`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `[1 2]`,
		"\"tab\there\"", `"\x"`, `"\u12"`, `tru`, `nul`, `[1]]`, `{"a":1} {}`} {
		if accepts(bad) {
			t.Errorf("accepted %q", bad)
		}
	}
}

// Str reads only strings that need no unescaping or repair.
func TestStr(t *testing.T) {
	for _, in := range []string{`"a\"b"`, `"\u00b5s"`, "\"\xff\"", "\"a\nb\""} {
		if v, ok := New([]byte(in)).Str(); ok {
			t.Errorf("Str(%q) = %q", in, v)
		}
	}
	if v, ok := New([]byte(` "µs" `)).Str(); !ok || string(v) != "µs" {
		t.Errorf("Str: %q %v", v, ok)
	}
}

// A number read has the text encoding/json parses to the same value.
func TestNum(t *testing.T) {
	for _, n := range []string{"0", "-0", "1022840.0", "1.5e-9", "2E+21", "123456789012345678901234567890"} {
		s := New([]byte(n + ","))
		got, ok := s.Num()
		var want float64
		if !ok || string(got) != n || json.Unmarshal([]byte(n), &want) != nil || s.Pos() != len(n) {
			t.Errorf("Num(%s) = %q %v at %d", n, got, ok, s.Pos())
			continue
		}
		if v, _ := strconv.ParseFloat(string(got), 64); v != want {
			t.Errorf("%s: %g, encoding/json %g", n, v, want)
		}
	}
}

// Object hands each key to member and stops at the first refusal.
func TestObject(t *testing.T) {
	s := New([]byte(`{"a": 1, "b": "x", "c": [2]}`))
	var keys []string
	if !s.Object(func(k []byte) bool { keys = append(keys, string(k)); return s.Skip() }) || len(keys) != 3 || keys[2] != "c" || !s.End() {
		t.Errorf("%v", keys)
	}
	s = New([]byte(`{"a": 1, "b": 2}`))
	n := 0
	if s.Object(func(k []byte) bool { n++; return false }) || n != 1 {
		t.Errorf("a refused member went on (%d)", n)
	}
}

// FuzzScanner: whatever the scanner accepts whole is valid JSON, and a
// string it reads is the string encoding/json reads.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e-3,"x"]}`, `"µ"`, `[null,true,false]`, `-0.0E+1`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if accepts(data) && !json.Valid([]byte(data)) {
			t.Errorf("accepted invalid JSON %q", data)
		}
		s := New([]byte(data))
		if v, ok := s.Str(); ok && s.End() {
			var want string
			if err := json.Unmarshal([]byte(data), &want); err != nil || want != string(v) {
				t.Errorf("Str(%q) = %q; encoding/json %q, %v", data, v, want, err)
			}
		}
	})
}
