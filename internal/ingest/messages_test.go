package ingest

import (
	"os"
	"strings"
	"testing"
)

// Messages send the user the right way: a missing file says so, and a file
// read with the wrong --format names the format its content shows.
func TestMessagesPointTheWay(t *testing.T) {
	_, err := ReadFile("testdata-nosuch.txt", Options{})
	if err == nil || !strings.Contains(err.Error(), "no such file; name an existing file") {
		t.Errorf("missing file: %v", err)
	}
	for _, c := range []struct{ path, format, want string }{
		{"../gobench/testdata/benchstat/old.txt", "pytest", "looks like go test output, not pytest-benchmark JSON"},
		{"../result/testdata/pytest-benchmark/hand-written-5.x/0001_baseline.json", "go", "--format pytest"},
		{"../gobench/testdata/benchstat/old.txt", "googlecpp", "--format go"},
	} {
		data, err := os.ReadFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Read(data, c.path, "", Options{Format: c.format})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s read as %s: %v; want it to say %q", c.path, c.format, err, c.want)
		}
	}
}
