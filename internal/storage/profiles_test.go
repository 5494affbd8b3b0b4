package storage

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProfileFileName(t *testing.T) {
	for in, want := range map[string]string{
		"BenchmarkForward/batch=32": "BenchmarkForward_2Fbatch_3D32.pprof",
		"BenchmarkForward_batch":    "BenchmarkForward_5Fbatch.pprof",
		"../../etc/passwd":          "_2E._2F.._2Fetc_2Fpasswd.pprof",
		"":                          "_.pprof",
		"Benchmark<script>":         "Benchmark_3Cscript_3E.pprof",
	} {
		if got := ProfileFileName(in); got != want {
			t.Errorf("ProfileFileName(%q) = %q, want %q", in, got, want)
		}
		if !ValidProfileFile(ProfileFileName(in)) {
			t.Errorf("ValidProfileFile(ProfileFileName(%q)) = false", in)
		}
	}
	// One-to-one: names that differ only in escaped characters differ.
	seen := map[string]string{}
	for _, n := range []string{"B/x=1", "B_2Fx=1", "B/x_3D1", "B_x=1", "B/x 1", "B/x\x001"} {
		f := ProfileFileName(n)
		if other, dup := seen[f]; dup {
			t.Errorf("%q and %q share %q", n, other, f)
		}
		seen[f] = n
	}
	long := strings.Repeat("BenchmarkLong/", 40)
	a, b := ProfileFileName(long+"a"), ProfileFileName(long+"b")
	if a == b || len(a) > 255 || !ValidProfileFile(a) {
		t.Errorf("long names: %q, %q (len %d)", a, b, len(a))
	}
	for _, bad := range []string{"x.json", ".pprof", "../x.pprof", "a/b.pprof", ".x.pprof", "a b.pprof"} {
		if ValidProfileFile(bad) {
			t.Errorf("ValidProfileFile(%q) = true", bad)
		}
		if _, err := ProfilePath("d/0001_x.json", bad); err == nil {
			t.Errorf("ProfilePath(%q) accepted", bad)
		}
	}
	if got := ProfileDir(filepath.Join("d", "0003_x.json")); got != filepath.Join("d", "0003_x.profiles") {
		t.Errorf("ProfileDir = %q", got)
	}
}

func TestSaveProfilesNeverOverwrites(t *testing.T) {
	s := Store{Root: t.TempDir()}
	path, err := s.Save("m", "run", sample("run", 1))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{ProfileFileName("B/a"): []byte("one"), ProfileFileName("B/b"): []byte("two")}
	written, err := SaveProfiles(path, files)
	if err != nil || len(written) != 2 {
		t.Fatalf("SaveProfiles = %v, %v", written, err)
	}
	if got, _ := os.ReadFile(filepath.Join(filepath.Dir(path), "0001_run.profiles", "B_2Fa.pprof")); string(got) != "one" {
		t.Errorf("B_2Fa.pprof = %q", got)
	}
	_, err = SaveProfiles(path, map[string][]byte{ProfileFileName("B/a"): []byte("changed")})
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "B_2Fa.pprof") {
		t.Errorf("second save: err = %v, want ErrExist naming the file", err)
	}
	if got, _ := os.ReadFile(written[0]); !bytes.Equal(got, []byte("one")) {
		t.Errorf("existing profile changed to %q", got)
	}
	if _, err := SaveProfiles(path, map[string][]byte{"../x.pprof": nil}); err == nil {
		t.Error("a file name outside the folder was accepted")
	}
	// No temporary files are left behind.
	des, _ := os.ReadDir(ProfileDir(path))
	if len(des) != 2 {
		t.Errorf("profile folder holds %d entries, want 2", len(des))
	}
}

// A profile folder without its result file (removed by hand) keeps its
// number: the next run is numbered after it, so its profiles never mix.
func TestProfileFolderHoldsItsNumber(t *testing.T) {
	s := Store{Root: t.TempDir()}
	if err := os.MkdirAll(filepath.Join(s.Root, "m", "0007_old.profiles"), 0o755); err != nil {
		t.Fatal(err)
	}
	path, err := s.Save("m", "old", sample("old", 1))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "0008_old.json" {
		t.Errorf("saved as %s, want 0008_old.json", filepath.Base(path))
	}
}

func TestResetMovesProfiles(t *testing.T) {
	s := Store{Root: t.TempDir()}
	path, err := s.Save("m", "baseline", sample("baseline", 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SaveProfiles(path, map[string][]byte{"B.pprof": []byte("p")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reset("m"); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(s.Root, "m", ArchiveDir, "0001_baseline.profiles", "B.pprof")); err != nil || string(got) != "p" {
		t.Errorf("archived profile: %q, %v", got, err)
	}
	// The fresh baseline gets a fresh profile folder.
	path, err = s.Save("m", "baseline", sample("baseline", 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SaveProfiles(path, map[string][]byte{"B.pprof": []byte("new")}); err != nil {
		t.Errorf("profiles of the run after a reset: %v", err)
	}
}
