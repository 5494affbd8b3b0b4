package result

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzEncodeRoundTrip: a file Decode reads is encoded and read back to the
// same values, field by field.
func FuzzEncodeRoundTrip(f *testing.F) {
	filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") && !strings.Contains(p, "fuzz") {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
	clean := func(f *File) {
		f.Notes = nil
		for i := range f.Benchmarks {
			s := &f.Benchmarks[i].Stats
			s.present, s.absent, s.Truncated = false, nil, false
			if len(s.Data) == 0 {
				s.Data = nil
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Decode(data, "f.json")
		if err != nil {
			return
		}
		enc, err := Encode(a)
		if err != nil {
			t.Fatalf("does not encode: %v", err)
		}
		b, err := Decode(enc, "g.json")
		if err != nil {
			t.Fatalf("does not decode again: %v\n%s", err, enc)
		}
		clean(a)
		clean(b)
		if !reflect.DeepEqual(a, b) {
			enc2, _ := Encode(b)
			if string(enc2) == string(enc) && strings.Contains(string(enc), "NaN") {
				return // NaN != NaN
			}
			t.Fatalf("round trip differs:\n%+v\n%+v\n%s", a, b, enc)
		}
	})
}
