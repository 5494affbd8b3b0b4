package config

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse: the config parser never panics, names the file in every
// error, and what it accepts is valid. Seeds: this repository's
// benchsite.toml, testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("../../benchsite.toml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("[run]\nrounds = 0\n"))
	f.Add([]byte("[[targets]]\nbenchmark = \"B\"\nlimit = \"2ms\"\nexcess = \"10%\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "b.toml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "b.toml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if c.Run.Rounds < 1 || c.Storage == "" {
			t.Fatalf("accepted rounds %d, storage %q", c.Run.Rounds, c.Storage)
		}
	})
}
