package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/benchsite/benchsite/internal/result"
)

const machine = "Linux-Go-1.26-64bit"

// Environment of the helper process used by TestConcurrentProcesses.
const (
	envRoot  = "BENCHSITE_STORAGE_TEST_ROOT"
	envName  = "BENCHSITE_STORAGE_TEST_NAME"
	envCount = "BENCHSITE_STORAGE_TEST_COUNT"
	envGo    = "BENCHSITE_STORAGE_TEST_GO"
)

// TestMain turns the test binary into a saver when re-executed by
// TestConcurrentProcesses: it waits for the start signal, saves COUNT files
// and prints their paths.
func TestMain(m *testing.M) {
	if root := os.Getenv(envRoot); root != "" {
		os.Exit(helper(root))
	}
	os.Exit(m.Run())
}

func helper(root string) int {
	name := os.Getenv(envName)
	count, _ := strconv.Atoi(os.Getenv(envCount))
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, err := os.Stat(os.Getenv(envGo)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "no start signal")
			return 3
		}
	}
	s := Store{Root: root}
	for i := range count {
		p, err := s.Save(machine, name, sample(name, i))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(p)
	}
	return 0
}

func sample(name string, i int) *result.File {
	return &result.File{
		MachineInfo: result.MachineInfo{"system": "Linux", "go_version": "go1.26.8"},
		CommitInfo:  result.CommitInfo{ID: "unversioned"},
		Benchmarks: []result.Benchmark{{Name: "BenchmarkX", Fullname: "pkg.BenchmarkX",
			ExtraInfo: map[string]any{"saver": name, "i": float64(i)}, Stats: result.Stats{Rounds: 1, Min: 1, Max: 1, Mean: 1, Median: 1, Iterations: 1}}},
		Datetime: "2026-11-25T20:32:12+00:00",
		Version:  "test",
	}
}

func names(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, filepath.Base(e.Path))
	}
	return out
}

func touch(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSaveCounterAndList(t *testing.T) {
	s := Store{Root: filepath.Join(t.TempDir(), ".benchmarks")} // root does not exist yet
	if es, err := s.List(machine); err != nil || es != nil {
		t.Fatalf("empty store: %v %v", es, err)
	}
	if _, ok, err := s.Newest(machine); ok || err != nil {
		t.Fatalf("Newest on empty store: %v %v", ok, err)
	}
	p1, err := s.Save(machine, "baseline", sample("a", 0))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(s.Root, machine, "0001_baseline.json"); p1 != want {
		t.Errorf("first save at %s, want %s", p1, want)
	}
	p2, _ := s.Save(machine, "comparison", sample("a", 1))
	if filepath.Base(p2) != "0002_comparison.json" {
		t.Errorf("second save at %s", p2)
	}
	// The file is what Encode gives, readable, mode 0644, no temp files left.
	f, err := result.ReadFile(p2)
	if err != nil || f.Benchmarks[0].ExtraInfo["i"] != float64(1) {
		t.Fatalf("read back: %v %+v", err, f)
	}
	if info, _ := os.Stat(p2); info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
	des, _ := os.ReadDir(filepath.Join(s.Root, machine))
	if len(des) != 2 {
		t.Errorf("folder holds %d entries, want 2 (no temp or reservation files left)", len(des))
	}

	// Gaps are never filled: the next number follows the highest.
	touch(t, filepath.Join(s.Root, machine, "0007_manual.json"), "{}")
	p, _ := s.Save(machine, "baseline", sample("a", 2))
	if filepath.Base(p) != "0008_baseline.json" {
		t.Errorf("after 0007 saved at %s, want 0008_baseline.json", p)
	}
	// Files outside the pattern, hidden files and folders are not runs.
	touch(t, filepath.Join(s.Root, machine, "notes.json"), "{}")
	touch(t, filepath.Join(s.Root, machine, "9999.json"), "{}")
	touch(t, filepath.Join(s.Root, machine, ".0500_hidden.json"), "{}")
	os.Mkdir(filepath.Join(s.Root, machine, "0600_dir.json"), 0o755)
	touch(t, filepath.Join(s.Root, machine, ArchiveDir, "0900_old.json"), "{}")
	es, err := s.List(machine)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"0001_baseline.json", "0002_comparison.json", "0007_manual.json", "0008_baseline.json"}
	if !slices.Equal(names(es), want) {
		t.Errorf("List = %v, want %v", names(es), want)
	}
	if es[1].Name != "comparison" || es[1].Number != 2 || es[1].MachineID != machine || es[1].Label() != "0002_comparison" {
		t.Errorf("entry %+v", es[1])
	}
	// The uncounted folder "0600_dir.json" does not hold the counter up;
	// archive/0900 does not count either.
	if p, _ := s.Save(machine, "x", sample("a", 3)); filepath.Base(p) != "0009_x.json" {
		t.Errorf("saved at %s, want 0009_x.json", p)
	}
	// Numbers past 9999 keep counting.
	touch(t, filepath.Join(s.Root, machine, "9999_big.json"), "{}")
	if p, _ := s.Save(machine, "x", sample("a", 4)); filepath.Base(p) != "10000_x.json" {
		t.Errorf("saved at %s, want 10000_x.json", p)
	}
}

// A file is never overwritten: when the chosen name is occupied by
// something the counter does not see, the next number is taken.
func TestSaveNeverOverwrites(t *testing.T) {
	s := Store{Root: t.TempDir()}
	dir := filepath.Join(s.Root, machine)
	touch(t, filepath.Join(dir, "0001_run.json"), "first")
	// A folder with the exact target name: invisible to the counter, so
	// Save tries 0002_run.json, fails to link over it, and moves on.
	if err := os.MkdirAll(filepath.Join(dir, "0002_run.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := s.Save(machine, "run", sample("a", 0))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "0003_run.json" {
		t.Errorf("saved at %s, want 0003_run.json", p)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "0001_run.json")); string(b) != "first" {
		t.Errorf("0001 was changed: %q", b)
	}

	// linkExclusive itself refuses an existing target and leaves it alone.
	tmp := filepath.Join(dir, "tmp")
	touch(t, tmp, "new")
	err = linkExclusive(tmp, filepath.Join(dir, "0001_run.json"), []byte("new"))
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("linkExclusive over an existing file: %v, want ErrExist", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "0001_run.json")); string(b) != "first" {
		t.Errorf("0001 was overwritten: %q", b)
	}
}

// A reservation held by another saver is respected; one left by a crash
// costs a gap, and Reset clears it once stale.
func TestReservations(t *testing.T) {
	s := Store{Root: t.TempDir()}
	dir := filepath.Join(s.Root, machine)
	touch(t, filepath.Join(dir, "0001_a.json"), "{}")
	touch(t, filepath.Join(dir, ".reserve-0002"), "")
	if p, _ := s.Save(machine, "b", sample("b", 0)); filepath.Base(p) != "0003_b.json" {
		t.Errorf("saved at %s, want 0003_b.json (0002 is reserved)", p)
	}
	// Fresh reservation: Reset keeps it (a save may be in progress).
	if _, err := s.Reset(machine); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".reserve-0002")); err != nil {
		t.Errorf("fresh reservation removed by Reset: %v", err)
	}
	old := time.Now().Add(-2 * staleReservation)
	os.Chtimes(filepath.Join(dir, ".reserve-0002"), old, old)
	if _, err := s.Reset(machine); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Save(machine, "baseline", sample("c", 0)); filepath.Base(p) != "0001_baseline.json" {
		t.Errorf("after Reset saved at %s, want 0001_baseline.json", p)
	}
}

// Two real processes saving at once both land, every file with its own
// number and intact content.
func TestConcurrentProcesses(t *testing.T) {
	const perProcess = 25
	for loop := range 3 {
		root := t.TempDir()
		goFile := filepath.Join(root, "go")
		var cmds []*exec.Cmd
		var outs []*strings.Builder
		for _, name := range []string{"alpha", "beta"} {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), envRoot+"="+root, envName+"="+name,
				envCount+"="+strconv.Itoa(perProcess), envGo+"="+goFile)
			out := new(strings.Builder)
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds, outs = append(cmds, cmd), append(outs, out)
		}
		touch(t, goFile, "") // both start saving now
		for i, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Fatalf("loop %d: saver %d: %v\n%s", loop, i, err, outs[i])
			}
		}
		es, err := Store{Root: root}.List(machine)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 2*perProcess {
			t.Fatalf("loop %d: %d files, want %d: %v", loop, len(es), 2*perProcess, names(es))
		}
		seen := map[string]int{}
		for i, e := range es {
			if e.Number != i+1 {
				t.Fatalf("loop %d: numbers %v are not 1..%d without duplicates or gaps", loop, names(es), 2*perProcess)
			}
			f, err := e.Read()
			if err != nil {
				t.Fatalf("loop %d: %v", loop, err)
			}
			saver := f.Benchmarks[0].ExtraInfo["saver"]
			if saver != e.Name {
				t.Errorf("loop %d: %s holds the content of %v", loop, e.Path, saver)
			}
			seen[e.Name]++
		}
		if seen["alpha"] != perProcess || seen["beta"] != perProcess {
			t.Errorf("loop %d: files per saver %v", loop, seen)
		}
		// Each saver printed exactly the paths it got.
		for i, name := range []string{"alpha", "beta"} {
			lines := strings.Fields(outs[i].String())
			if len(lines) != perProcess || !strings.Contains(lines[0], "_"+name+".json") {
				t.Errorf("loop %d: saver %s printed %q", loop, name, lines)
			}
		}
		des, _ := os.ReadDir(filepath.Join(root, machine))
		for _, de := range des {
			if strings.HasPrefix(de.Name(), ".") {
				t.Errorf("loop %d: left behind %s", loop, de.Name())
			}
		}
	}
}

func TestNewestBaseline(t *testing.T) {
	s := Store{Root: t.TempDir()}
	for _, n := range []string{"0001_baseline.json", "0002_comparison.json", "0003_nightly_baseline.json",
		"0004_comparison.json", "0005_baselines.json"} {
		touch(t, filepath.Join(s.Root, machine, n), "{}")
	}
	e, ok, err := s.NewestBaseline(machine)
	if err != nil || !ok || filepath.Base(e.Path) != "0003_nightly_baseline.json" {
		t.Errorf("NewestBaseline = %v %v %v, want 0003_nightly_baseline.json", e.Path, ok, err)
	}
	e, ok, _ = s.Newest(machine)
	if !ok || e.Number != 5 {
		t.Errorf("Newest = %+v", e)
	}
	if _, ok, _ := s.NewestBaseline("Other-Go-1.26-64bit"); ok {
		t.Error("baseline found for a machine without history")
	}
	touch(t, filepath.Join(s.Root, "Other", "0001_comparison.json"), "{}")
	if _, ok, _ := s.NewestBaseline("Other"); ok {
		t.Error("a comparison file became a baseline")
	}
	if _, _, err := s.NewestBaseline("../x"); err == nil {
		t.Error("invalid machine id accepted")
	}
}

func TestReset(t *testing.T) {
	s := Store{Root: t.TempDir()}
	dir := filepath.Join(s.Root, machine)
	touch(t, filepath.Join(dir, "0001_baseline.json"), "one")
	touch(t, filepath.Join(dir, "0002_comparison.json"), "two")
	touch(t, filepath.Join(dir, "notes.txt"), "notes")
	touch(t, filepath.Join(dir, ArchiveDir, "0001_baseline.json"), "older")
	touch(t, filepath.Join(dir, ArchiveDir, "0001_baseline~2.json"), "older2")
	touch(t, filepath.Join(s.Root, "Other", "0001_baseline.json"), "other machine")

	moved, err := s.Reset(machine)
	if err != nil {
		t.Fatal(err)
	}
	arch := filepath.Join(dir, ArchiveDir)
	want := []string{filepath.Join(arch, "0001_baseline~3.json"), filepath.Join(arch, "0002_comparison.json"), filepath.Join(arch, "notes.txt")}
	if !slices.Equal(moved, want) {
		t.Errorf("moved %v, want %v", moved, want)
	}
	for path, content := range map[string]string{
		filepath.Join(arch, "0001_baseline.json"):            "older",
		filepath.Join(arch, "0001_baseline~2.json"):          "older2",
		filepath.Join(arch, "0001_baseline~3.json"):          "one",
		filepath.Join(arch, "0002_comparison.json"):          "two",
		filepath.Join(s.Root, "Other", "0001_baseline.json"): "other machine",
	} {
		if b, err := os.ReadFile(path); err != nil || string(b) != content {
			t.Errorf("%s: %q %v, want %q", path, b, err, content)
		}
	}
	if es, _ := s.List(machine); len(es) != 0 {
		t.Errorf("after Reset List = %v", names(es))
	}
	if _, ok, _ := s.NewestBaseline(machine); ok {
		t.Error("archived baseline still found")
	}
	// The fresh baseline of `make benchmark-reset`.
	if p, _ := s.Save(machine, "baseline", sample("a", 0)); filepath.Base(p) != "0001_baseline.json" {
		t.Errorf("after Reset saved at %s", p)
	}
	// Resetting a machine without history is fine.
	if moved, err := s.Reset("Nobody"); err != nil || moved != nil {
		t.Errorf("Reset of empty machine: %v %v", moved, err)
	}
}

func TestResolve(t *testing.T) {
	s := Store{Root: t.TempDir()}
	other := "Darwin-Go-1.26-64bit"
	for _, p := range []string{
		machine + "/0001_baseline.json", machine + "/0002_comparison.json", machine + "/0003_baseline.json",
		machine + "/00010_big.json", machine + "/0011_x.json", machine + "/0012_x.json",
		machine + "/" + ArchiveDir + "/0004_old.json",
		other + "/0001_baseline.json", other + "/0003_mac.json",
	} {
		touch(t, filepath.Join(s.Root, p), "{}")
	}
	loose := filepath.Join(t.TempDir(), "somewhere.json")
	touch(t, loose, "{}")

	ok := []struct{ ref, machineID, want string }{
		{"0002", machine, machine + "/0002_comparison.json"},
		{"0003", machine, machine + "/0003_baseline.json"},
		{"0001", machine, machine + "/0001_baseline.json"}, // exact number beats 00010_big
		{"00010", machine, machine + "/00010_big.json"},
		{"0002_comp", machine, machine + "/0002_comparison.json"},
		{"0002*", machine, machine + "/0002_comparison.json"},
		{"0002_comparison.json", machine, machine + "/0002_comparison.json"},
		{"*comparison", machine, machine + "/0002_comparison.json"},
		{other + "/0003", machine, other + "/0003_mac.json"},
		{other + "/0003", "", other + "/0003_mac.json"},
		{"0003_mac", "", other + "/0003_mac.json"}, // "" searches every machine
		{"*/0003_mac", machine, other + "/0003_mac.json"},
	}
	for _, tc := range ok {
		e, err := s.Resolve(tc.ref, tc.machineID)
		if err != nil {
			t.Errorf("Resolve(%q, %q): %v", tc.ref, tc.machineID, err)
			continue
		}
		if want := filepath.Join(s.Root, tc.want); e.Path != want {
			t.Errorf("Resolve(%q, %q) = %s, want %s", tc.ref, tc.machineID, e.Path, want)
		}
	}
	// A path to a file, inside the store or anywhere.
	in := filepath.Join(s.Root, machine, "0003_baseline.json")
	if e, err := s.Resolve(in, ""); err != nil || e.Path != in || e.Number != 3 || e.Name != "baseline" || e.MachineID != machine {
		t.Errorf("Resolve(path) = %+v, %v", e, err)
	}
	if e, err := s.Resolve(loose, machine); err != nil || e.Path != loose || e.Number != 0 || e.Name != "somewhere" {
		t.Errorf("Resolve(loose path) = %+v, %v", e, err)
	}

	bad := []struct{ ref, machineID, wantInErr string }{
		{"0004", machine, "no result file matches"},   // only in archive/
		{"0099", machine, "benchsite list"},           // says what to do
		{"1", machine, "no result file matches"},      // prefix, not number: 1*.json
		{"0011_y", machine, "no result file matches"}, //
		{"001", machine, "0011_x.json"},               // ambiguous: candidates listed
		{"0001", "", other},                           // ambiguous across machines
		{"0003", "", machine + string(filepath.Separator) + "0003_baseline.json"},
		{"", machine, "empty"},
		{"a/b/c", machine, "not an existing file"},
		{"../0001", machine, "not an existing file"},
		{"[", machine, "bad pattern"},
		{"0001", "../etc", "machine id: invalid name"},
	}
	for _, tc := range bad {
		_, err := s.Resolve(tc.ref, tc.machineID)
		if err == nil || !strings.Contains(err.Error(), tc.wantInErr) {
			t.Errorf("Resolve(%q, %q): error %v, want one containing %q", tc.ref, tc.machineID, err, tc.wantInErr)
		}
	}
	// Match returns all candidates without complaint.
	es, err := s.Match("00", machine)
	if err != nil || len(es) != 6 {
		t.Errorf("Match(00) = %v, %v", names(es), err)
	}
}

func TestNamesValidated(t *testing.T) {
	s := Store{Root: t.TempDir()}
	for _, name := range []string{"", ".", "..", "a/b", `a\b`, "x y", "<script>", "näme", strings.Repeat("a", 201)} {
		if _, err := s.Save(machine, name, sample("a", 0)); err == nil || !strings.Contains(err.Error(), "run name: invalid name") {
			t.Errorf("Save name %q: %v", name, err)
		}
		if _, err := s.Save(name, "run", sample("a", 0)); err == nil || !strings.Contains(err.Error(), "machine id: invalid name") {
			t.Errorf("Save machine %q: %v", name, err)
		}
	}
	if _, err := s.Save("Linux-Go-1.26-64bit", "v1.2_rc-3", sample("a", 0)); err != nil {
		t.Error(err)
	}
	if des, _ := os.ReadDir(s.Root); len(des) != 1 {
		t.Errorf("invalid names created %d entries", len(des))
	}
}

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := WriteNew(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	err := WriteNew(p, []byte("two"))
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), p) {
		t.Errorf("second WriteNew: %v, want ErrExist naming the path", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("file overwritten: %q", b)
	}
	if des, _ := os.ReadDir(dir); len(des) != 1 {
		t.Errorf("%d entries left in the folder, want 1", len(des))
	}
	if err := WriteNew(filepath.Join(dir, "missing", "x.json"), nil); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("WriteNew into a missing folder: %v", err)
	}
}

func TestMachines(t *testing.T) {
	s := Store{Root: filepath.Join(t.TempDir(), "missing")}
	if ids, err := s.Machines(); err != nil || ids != nil {
		t.Errorf("missing root: %v %v", ids, err)
	}
	s.Root = t.TempDir()
	touch(t, filepath.Join(s.Root, "B-Go-1.26-64bit", "0001_a.json"), "{}")
	touch(t, filepath.Join(s.Root, "A-Go-1.26-64bit", "0002_b.json"), "{}")
	touch(t, filepath.Join(s.Root, ".hidden", "0001_a.json"), "{}")
	touch(t, filepath.Join(s.Root, "README.md"), "")
	ids, err := s.Machines()
	if err != nil || !slices.Equal(ids, []string{"A-Go-1.26-64bit", "B-Go-1.26-64bit"}) {
		t.Errorf("Machines = %v %v", ids, err)
	}
	es, _ := s.List("")
	if got := names(es); !slices.Equal(got, []string{"0002_b.json", "0001_a.json"}) || es[0].MachineID != "A-Go-1.26-64bit" {
		t.Errorf("List(\"\") = %v", got)
	}
}

// Errors name the path and what to do.
func TestErrorsNamePath(t *testing.T) {
	root := t.TempDir()
	blocker := filepath.Join(root, "file")
	touch(t, blocker, "")
	s := Store{Root: blocker} // the root is a file: nothing can be created under it
	_, err := s.Save(machine, "run", sample("a", 0))
	if err == nil || !strings.Contains(err.Error(), blocker) || !strings.Contains(err.Error(), "check") {
		t.Errorf("Save under a file: %v", err)
	}
}

func BenchmarkSave(b *testing.B) {
	s := Store{Root: b.TempDir()}
	f := sample("bench", 0)
	for b.Loop() {
		if _, err := s.Save(machine, "run", f); err != nil {
			b.Fatal(err)
		}
	}
}

// Temporary files left by a crash are removed by the next save and by
// Reset once stale; a fresh one (a save in progress) is left alone.
func TestStaleTempFiles(t *testing.T) {
	s := Store{Root: t.TempDir()}
	dir := filepath.Join(s.Root, machine)
	old := time.Now().Add(-2 * staleReservation)
	stale := filepath.Join(dir, ".save-123.tmp")
	fresh := filepath.Join(dir, ".save-456.tmp")
	touch(t, stale, "{half")
	touch(t, fresh, "{")
	os.Chtimes(stale, old, old)
	if _, err := s.Save(machine, "a", sample("a", 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temporary file survived a save: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file removed: %v", err)
	}
	os.Chtimes(fresh, old, old)
	if _, err := s.Reset(machine); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(fresh); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temporary file survived Reset: %v", err)
	}
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		if de.Name() != ArchiveDir {
			t.Errorf("left in the machine folder after Reset: %s", de.Name())
		}
	}
}

func TestLabelAndBaselineRules(t *testing.T) {
	for _, c := range []struct {
		path     string
		label    string
		baseline bool
	}{
		{"x/m/0001_baseline.json", "0001_baseline", true},
		{"x/m/0007_ci_baseline.json", "0007_ci_baseline", true},
		{"x/m/0002_comparison.json", "0002_comparison", false},
		{"x/m/0003_baselines.json", "0003_baselines", false},
		{"x/m/0004_6c9faa74cb51_20261125_212323.json", "0004_6c9faa74cb51_20261125_212323", false},
	} {
		e := entryForPath(c.path)
		if e.Label() != c.label || Label(c.path) != c.label {
			t.Errorf("%s: label %q / %q, want %q", c.path, e.Label(), Label(c.path), c.label)
		}
		if e.Baseline() != c.baseline {
			t.Errorf("%s: baseline %v, want %v", c.path, e.Baseline(), c.baseline)
		}
	}
}
