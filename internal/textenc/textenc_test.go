package textenc

import (
	"errors"
	"testing"
)

func TestUTF8(t *testing.T) {
	cases := []struct {
		in   []byte
		want string // encoding named in the error; "" = accepted
		out  string
	}{
		{[]byte("BenchmarkA 1 1 ns/op\n"), "", "BenchmarkA 1 1 ns/op\n"},
		{[]byte("\xEF\xBB\xBF{}"), "", "{}"},
		{[]byte(""), "", ""},
		{[]byte("\xFF\xFE{\x00}\x00"), "UTF-16LE", ""},
		{[]byte("{\x00}\x00"), "UTF-16LE", ""},
		{[]byte("\xFE\xFF\x00{\x00}"), "UTF-16BE", ""},
		{[]byte("\x00{\x00}"), "UTF-16BE", ""},
		{[]byte("\xFF\xFE\x00\x00{\x00\x00\x00"), "UTF-32LE", ""},
		{[]byte("\x00\x00\xFE\xFF\x00\x00\x00{"), "UTF-32BE", ""},
		{[]byte("é"), "", "é"},
	}
	for _, c := range cases {
		out, err := UTF8(c.in)
		var e *EncodingError
		switch {
		case c.want == "" && (err != nil || string(out) != c.out):
			t.Errorf("UTF8(%q) = %q, %v; want %q", c.in, out, err, c.out)
		case c.want != "" && (!errors.As(err, &e) || e.Encoding != c.want):
			t.Errorf("UTF8(%q): error %v; want %s named", c.in, err, c.want)
		}
	}
}
