package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/profile"
	"github.com/benchsite/benchsite/internal/storage"
)

func TestRunProfileSavesBesideTheRun(t *testing.T) {
	dir := tinyModule(t)
	code, out, errOut := bench(t, dir, "run", "--bench", "BenchmarkHash/n=1000$", "--profile", "cpu", "--disable-gc", "--save", "prof", "--json", "out.json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "BenchmarkHash/n=1000 - cpu profile (by cumulative cpu; total ") || !strings.Contains(out, "example.com/tiny.work") {
		t.Errorf("no profile table naming the hot function:\n%s", out)
	}
	runs, err := storage.Store{Root: filepath.Join(dir, ".benchmarks")}.List("")
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	f, err := runs[0].Read()
	if err != nil {
		t.Fatal(err)
	}
	b := f.Benchmarks[0]
	kind, file, ok := b.Profile()
	if !ok || kind != "cpu" || file != "BenchmarkHash_2Fn_3D1000.pprof" {
		t.Fatalf("options %v", b.Options)
	}
	if off, recorded := b.GCDisabled(); !off || !recorded {
		t.Errorf("options.disable_gc = %v (recorded %v), want true", off, recorded)
	}
	// The profile is beside the saved run and beside the --json file, and
	// it is a pprof file naming the hot function.
	for _, p := range []string{filepath.Join(storage.ProfileDir(runs[0].Path), file), filepath.Join(dir, "out.profiles", file)} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("profile %s: %v", p, err)
		}
		m, err := profile.Parse(data, p)
		if err != nil {
			t.Fatal(err)
		}
		top, err := profile.Summarize(m, "cpu", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(top.Funcs[:min(8, len(top.Funcs))], func(f profile.Func) bool { return f.Name == "example.com/tiny.work" }) {
			t.Errorf("%s: tiny.work not among the top functions %v", p, top.Funcs)
		}
	}
	if !strings.Contains(out, "Saved 1 profile in ") {
		t.Errorf("output does not say where the profile is:\n%s", out)
	}
}

func TestRunTroubleshootFlagsBadInput(t *testing.T) {
	dir := tinyModule(t)
	before := tree(t, dir)
	code, _, errOut := bench(t, dir, "run", "--profile", "heap")
	if code != 2 || !strings.Contains(errOut, "--profile: unknown profile \"heap\": use one of cpu, mem, block, mutex") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if after := tree(t, dir); len(after) != len(before) {
		t.Errorf("a bad flag touched files: %d → %d", len(before), len(after))
	}
	// Without a place to keep them, the run says the profiles were not kept.
	code, out, _ := bench(t, dir, "run", "--bench", "BenchmarkHash/n=100$", "--profile", "mem", "--verbose")
	if code != 0 || !strings.Contains(out, "The profiles were not kept") || !strings.Contains(out, "mem profile (by cumulative alloc_space") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
