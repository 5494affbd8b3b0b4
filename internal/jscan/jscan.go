// Package jscan is a lean scanner over JSON documents of a known shape,
// the fast path of readers whose input is large or many: a
// target/criterion folder's 30,000 files (package harness) and the data
// arrays of a result file (package result), where encoding/json costs a
// validating pass over the text, then reflection and a conversion per
// number. It reads only what it understands — strings without escapes
// (valid UTF-8, no control characters), numbers in JSON's grammar (their
// text; strconv.ParseFloat converts them, as encoding/json does) — skips
// any value in JSON's grammar, and declines (false) anything else; the
// caller then reads the document with encoding/json, which
// places the error or reads what the scanner declined. So a fast path
// built on it never decides what a document means where encoding/json
// would decide otherwise: it only declines.
//
// Written here rather than taken from a library because the point is to
// read numbers straight from the bytes into the caller's own slices, with
// their decimal text at hand (package harness converts units on the text,
// exactly), and to decline rather than decide: encoding/json validates a
// whole document before decoding it and converts each number through
// reflection, and the faster libraries return values of their own.
package jscan

import "unicode/utf8"

// Scanner reads one JSON document from its start, value by value.
type Scanner struct {
	buf []byte
	pos int
}

// New returns a scanner at the start of data.
func New(data []byte) *Scanner { return &Scanner{buf: data} }

// Pos returns the offset of the next byte to read.
func (s *Scanner) Pos() int { return s.pos }

// Space skips JSON whitespace.
func (s *Scanner) Space() {
	for s.pos < len(s.buf) {
		switch s.buf[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return
		}
	}
}

// Eat skips whitespace and then c, reporting whether c was there.
func (s *Scanner) Eat(c byte) bool {
	s.Space()
	if s.pos < len(s.buf) && s.buf[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// Peek skips whitespace and returns the next byte, 0 at the end.
func (s *Scanner) Peek() byte {
	s.Space()
	if s.pos < len(s.buf) {
		return s.buf[s.pos]
	}
	return 0
}

// Str reads a string without escapes or control characters, in valid
// UTF-8, and returns its content (a slice of the document); ok is false
// for any other string (or none), which encoding/json would unescape or
// repair.
func (s *Scanner) Str() ([]byte, bool) {
	if !s.Eat('"') {
		return nil, false
	}
	start, high := s.pos, false
	for s.pos < len(s.buf) {
		switch c := s.buf[s.pos]; {
		case c == '"':
			s.pos++
			v := s.buf[start : s.pos-1]
			// encoding/json would replace invalid UTF-8 by U+FFFD.
			return v, !high || utf8.Valid(v)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			high = true
		}
		s.pos++
	}
	return nil, false
}

// Num reads a number in JSON's grammar (-?int frac? exp?) and returns its
// text, without converting it (strconv.ParseFloat does, as encoding/json
// does).
func (s *Scanner) Num() ([]byte, bool) {
	s.Space()
	b, i := s.buf, s.pos
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return nil, false
		}
	}
	s.pos = i
	return b[start:i], true
}

// Skip reads any value in JSON's grammar (nested at most 64 deep),
// strings with escapes too: a value skipped, or read by Raw for
// encoding/json, needs no unescaping here.
func (s *Scanner) Skip() bool { return s.skip(0) }

func (s *Scanner) skip(depth int) bool {
	if depth > 64 {
		return false
	}
	switch s.Peek() {
	case '"':
		return s.skipString()
	case '{':
		s.pos++
		if s.Eat('}') {
			return true
		}
		for {
			if s.Peek() != '"' || !s.skipString() || !s.Eat(':') || !s.skip(depth+1) {
				return false
			}
			if s.Eat('}') {
				return true
			}
			if !s.Eat(',') {
				return false
			}
		}
	case '[':
		s.pos++
		if s.Eat(']') {
			return true
		}
		for {
			if !s.skip(depth + 1) {
				return false
			}
			if s.Eat(']') {
				return true
			}
			if !s.Eat(',') {
				return false
			}
		}
	case 't':
		return s.Word("true")
	case 'f':
		return s.Word("false")
	case 'n':
		return s.Word("null")
	}
	_, ok := s.Num()
	return ok
}

// skipString reads a string at the scanner, escapes and all, as JSON's
// grammar has it (the bytes between the quotes are not checked for UTF-8,
// as encoding/json does not: it repairs them when decoding).
func (s *Scanner) skipString() bool {
	s.pos++ // "
	for s.pos < len(s.buf) {
		c := s.buf[s.pos]
		switch {
		case c == '"':
			s.pos++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if s.pos+1 >= len(s.buf) {
				return false
			}
			switch s.buf[s.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos += 2
				continue
			case 'u':
				if s.pos+6 > len(s.buf) {
					return false
				}
				for _, h := range s.buf[s.pos+2 : s.pos+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				s.pos += 6
				continue
			}
			return false
		}
		s.pos++
	}
	return false
}

// Raw reads any value the scanner understands and returns its text.
func (s *Scanner) Raw() ([]byte, bool) {
	s.Space()
	start := s.pos
	if !s.Skip() {
		return nil, false
	}
	return s.buf[start:s.pos], true
}

// Word reads the literal w (true, false, null).
func (s *Scanner) Word(w string) bool {
	if len(s.buf)-s.pos >= len(w) && string(s.buf[s.pos:s.pos+len(w)]) == w {
		s.pos += len(w)
		return true
	}
	return false
}

// Object reads an object, calling member for each key (the scanner then
// stands at the member's value, which member must read). ok is false if
// the object is not one the scanner understands or member says so.
func (s *Scanner) Object(member func(key []byte) bool) bool {
	if !s.Eat('{') {
		return false
	}
	if s.Eat('}') {
		return true
	}
	for {
		k, ok := s.Str()
		if !ok || !s.Eat(':') || !member(k) {
			return false
		}
		if s.Eat('}') {
			return true
		}
		if !s.Eat(',') {
			return false
		}
	}
}

// End reports whether only whitespace is left.
func (s *Scanner) End() bool {
	s.Space()
	return s.pos == len(s.buf)
}
