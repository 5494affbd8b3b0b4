package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/shard"
)

// shardModule writes a module of two packages with five top-level
// benchmarks, two of them with sub-benchmarks, in a git repository.
func shardModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "go.mod", "module example.com/sh\n\ngo 1.23\n")
	body := func(pkg string, names ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "package %s\n\nimport \"testing\"\n\nvar sink int\n", pkg)
		for _, n := range names {
			fmt.Fprintf(&b, `
func Benchmark%s(b *testing.B) {
	if %q == "Sub" || %q == "Grid" {
		for _, s := range []string{"a", "b"} {
			b.Run("k="+s, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sink += i
				}
			})
		}
		return
	}
	for i := 0; i < b.N; i++ {
		sink += i
	}
}
`, n, n, n)
		}
		return b.String()
	}
	write(t, dir, "a_test.go", body("sh", "Alpha", "Sub", "Gamma"))
	if err := os.MkdirAll(filepath.Join(dir, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "inner/b_test.go", body("inner", "Alpha", "Grid"))
	write(t, dir, "benchsite.toml", "[run]\nrounds = 2\nround-time = \"1ms\"\n")
	git(t, dir, "init", "-q")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-q", "-m", "first")
	return dir
}

func fullnames(t *testing.T, path string) []string {
	t.Helper()
	f, err := result.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range f.Benchmarks {
		out = append(out, b.Fullname)
	}
	slices.Sort(out)
	return out
}

// Shards 1/N … N/N of a run (N = 2, 3) cover every benchmark exactly once, and their
// merge is the run an unsharded run makes (same benchmarks), saved in the
// history; a missing shard is refused and nothing is saved.
func TestShardAndMerge(t *testing.T) {
	t.Parallel()
	dir := shardModule(t)
	if code, out, errs := bench(t, dir, "run", "--json", "whole.json"); code != 0 {
		t.Fatalf("unsharded run: exit %d\n%s%s", code, out, errs)
	}
	whole := fullnames(t, filepath.Join(dir, "whole.json"))
	if len(whole) != 7 {
		t.Fatalf("unsharded run has %d benchmarks (%v), want 7", len(whole), whole)
	}
	for n := 2; n <= 3; n++ {
		var files, got []string
		for i := 1; i <= n; i++ {
			f := fmt.Sprintf("s%d-%d.json", i, n)
			code, out, errs := bench(t, dir, "run", "--shard", fmt.Sprintf("%d/%d", i, n), "--json", f)
			if code != 0 {
				t.Fatalf("shard %d/%d: exit %d\n%s%s", i, n, code, out, errs)
			}
			names := fullnames(t, filepath.Join(dir, f))
			if len(names) == 0 {
				t.Errorf("shard %d/%d is empty although there are 5 top-level benchmarks", i, n)
			}
			got = append(got, names...)
			files = append(files, f)
		}
		slices.Sort(got)
		if !slices.Equal(got, whole) {
			t.Errorf("N=%d: shards ran %v, want each of %v exactly once", n, got, whole)
		}
		storage := fmt.Sprintf("hist%d", n)
		if n > 1 {
			code, out, errs := bench(t, dir, append([]string{"merge", "--storage", storage}, files[1:]...)...)
			if code != ExitBadUse || !strings.Contains(errs, "shard missing: 1/") {
				t.Errorf("merge without shard 1: exit %d, want 2 naming it\n%s%s", code, out, errs)
			}
			if _, err := os.Stat(filepath.Join(dir, storage)); err == nil {
				t.Errorf("a refused merge wrote %s", storage)
			}
		}
		// A --summary in a folder that does not exist is refused before
		// anything is saved, as run refuses it.
		code, out, errs := bench(t, dir, append([]string{"merge", "--storage", storage, "--summary", filepath.Join("nowhere", "s.md")}, files...)...)
		if code != ExitBadUse || !strings.Contains(errs, "--summary") {
			t.Errorf("merge --summary nowhere/s.md: exit %d, want 2 naming --summary\n%s%s", code, out, errs)
		}
		if _, err := os.Stat(filepath.Join(dir, storage)); err == nil {
			t.Errorf("a merge refused for its --summary wrote %s", storage)
		}
		code, out, errs = bench(t, dir, append([]string{"merge", "--storage", storage, "--machine", "m", "--save", "baseline"}, files...)...)
		if code != 0 {
			t.Fatalf("merge N=%d: exit %d\n%s%s", n, code, out, errs)
		}
		if merged := fullnames(t, filepath.Join(dir, storage, "m", "0001_baseline.json")); !slices.Equal(merged, whole) {
			t.Errorf("merged run of %d shards has %v, want %v", n, merged, whole)
		}
		if strings.Contains(errs, "warning") {
			t.Errorf("merge of complete shards warns: %s", errs)
		}
	}
	// A shard's file that lost its benchmarks (and names no failure) is
	// merged, but every unit of its share is named.
	f, err := result.ReadFile(filepath.Join(dir, "s2-2.json"))
	if err != nil {
		t.Fatal(err)
	}
	lost := map[string]bool{}
	for _, b := range f.Benchmarks {
		lost[shard.Unit(b.Fullname)] = true
	}
	f.Benchmarks = nil
	data, err := result.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "s2-2-empty.json", string(data))
	code, out, errs := bench(t, dir, "merge", "--storage", "histlost", "--machine", "m", "s1-2.json", "s2-2-empty.json")
	if code != 0 {
		t.Fatalf("merge with an emptied shard: exit %d\n%s%s", code, out, errs)
	}
	for u := range lost {
		if !strings.Contains(errs, "warning: merge: no result and no failure of "+u+" (shard 2/2, s2-2-empty.json)") {
			t.Errorf("merge does not name %s, lost with shard 2/2's benchmarks:\n%s", u, errs)
		}
	}
	// --shard needs --json and refuses --save: a shard is not a run.
	for _, args := range [][]string{{"run", "--shard", "1/2"}, {"run", "--shard", "1/2", "--json", "x.json", "--save", "b"}, {"run", "--shard", "3/2", "--json", "x.json"}, {"run", "--shard", "", "--json", "x.json"}} {
		if code, _, errs := bench(t, dir, args...); code != ExitBadUse || !strings.Contains(errs, "--shard") {
			t.Errorf("%v: exit %d, want 2 naming --shard: %s", args, code, errs)
		}
	}
}

// Paired shards (run --against REF --shard I/N) merge into one paired run
// whose verdicts cover every benchmark run (two top-level benchmarks, one
// of them with two sub-benchmarks, in two packages: each pair of processes
// costs time).
func TestShardPairedMerge(t *testing.T) {
	t.Parallel()
	dir := shardModule(t)
	var files []string
	for i := 1; i <= 2; i++ {
		f := fmt.Sprintf("p%d.json", i)
		code, out, errs := bench(t, dir, "run", "--against", "HEAD", "--bench", "^Benchmark(Alpha|Grid)$", "--shard", fmt.Sprintf("%d/2", i), "--json", f)
		if code != 0 {
			t.Fatalf("paired shard %d/2: exit %d\n%s%s", i, code, out, errs)
		}
		if strings.Contains(out, "removed") {
			t.Errorf("paired shard %d/2 lists the other shard's benchmarks as removed:\n%s", i, out)
		}
		files = append(files, f)
	}
	code, out, errs := bench(t, dir, append([]string{"merge", "--machine", "m", "--report", "report.json"}, files...)...)
	if code != 0 {
		t.Fatalf("merge: exit %d\n%s%s", code, out, errs)
	}
	// --report writes the joined paired comparison as compare --format
	// json does (ci-check-merge keeps it as ci-check keeps its report).
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatalf("merge --report: %v", err)
	}
	var rep struct {
		Rows []struct {
			Compared string `json:"compared"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	paired := 0
	for _, r := range rep.Rows {
		if r.Compared == "median (paired)" {
			paired++
		}
	}
	if paired != 4 {
		t.Errorf("merge --report: %d paired rows, want the 4 benchmarks':\n%s", paired, data)
	}
	f, err := result.ReadFile(filepath.Join(dir, ".benchmarks", "m", "0001_merged.json"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Paired == nil || len(f.Paired.Benchmarks) != 4 || len(f.Benchmarks) != 4 {
		t.Fatalf("merged paired run: %d benchmarks, paired %v", len(f.Benchmarks), f.Paired != nil)
	}
	if !strings.Contains(out, "Paired comparison with HEAD") {
		t.Errorf("merge does not show the paired comparison:\n%s", out)
	}
}
