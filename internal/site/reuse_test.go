package site

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/benchsite/benchsite/internal/compare"
)

// A page replaced in the output by a rename (as an editor's save or sed -i
// does) with the same size and its modification time put back is not the
// file the earlier build wrote: the next build renders it again instead of
// keeping the edit.
func TestReuseSeesReplacedFile(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "history")
	genHistory(t, hist, genSpec{Runs: 150, Benchmarks: 1, Seed: 9})
	checks, _ := compare.ParseChecks("mean:10%")
	opt := Options{Storage: hist, Out: filepath.Join(dir, "public"), Cache: filepath.Join(dir, "cache"),
		Compare: compare.Options{Checks: checks}}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	page := firstOlder(t, opt.Out)
	want, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(page)
	if err != nil {
		t.Fatal(err)
	}
	// Same size: one run label's digit changed, as sed -i 's/0001_/0009_/'.
	edited := bytes.Replace(want, []byte(">0001_<"), []byte(">0009_<"), 1)
	if bytes.Equal(edited, want) || len(edited) != len(want) {
		t.Fatalf("%s: no run 0001 label to edit", page)
	}
	tmp := page + ".tmp"
	if err := os.WriteFile(tmp, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, page); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(page); !bytes.Equal(got, want) {
		t.Errorf("%s: the edit made by a rename, with size and time put back, was kept by the rebuild", page)
	}
}
