package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/storage"
)

// fault is the absolute path of a copied fault input (see the SOURCE.md of
// internal/gobench/testdata and internal/result/testdata).
func fault(t *testing.T, name string) string {
	t.Helper()
	pkg := "gobench"
	if strings.HasPrefix(name, "pytest-") {
		pkg = "result"
	}
	p, err := filepath.Abs(filepath.Join("..", pkg, "testdata", "faults", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// savedBenchmarks reads every run in the history and counts benchmarks.
func savedBenchmarks(t *testing.T, root string) (runs, benchmarks int) {
	t.Helper()
	es, err := storage.Store{Root: root}.List("")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		f, err := result.ReadFile(e.Path)
		if err != nil {
			t.Errorf("saved file does not read back: %v", err)
			continue
		}
		benchmarks += len(f.Benchmarks)
	}
	return len(es), benchmarks
}

// Each fault input, imported: every benchmark arrives or is named, counts
// are right, and a refused input writes nothing, alone or among others.
func TestImportFaults(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, ".benchmarks")
	good := fault(t, "gobench-zero-ns.txt")

	refused := []struct {
		file string
		want []string
	}{
		{"gobench-nan-allocs.txt", []string{"gobench-nan-allocs.txt:2", "-3 B/op"}},
		{"gobench-negative-ns.txt", []string{"gobench-negative-ns.txt:2", "-5 ns/op"}},
		{"gobench-log-inside-line.txt", []string{"gobench-log-inside-line.txt:6", "--skip-invalid"}},
		{"pytest-stats-missing.json", []string{"pytest-stats-missing.json", `"benchmarks.0.stats"`, "missing"}},
		{"pytest-nan-infinity.json", []string{"pytest-nan-infinity.json:78:19", `"benchmarks.1.stats.stddev"`, "NaN"}},
	}
	for _, r := range refused {
		// Second of two files: the good first one must not be saved either.
		code, out, errs := bench(t, dir, "import", good, fault(t, r.file))
		if code != 2 || out != "" {
			t.Errorf("import good %s: exit %d, stdout %q; want 2 and nothing saved", r.file, code, out)
		}
		for _, w := range r.want {
			if !strings.Contains(errs, w) {
				t.Errorf("import %s: message %q does not contain %q", r.file, strings.TrimSpace(errs), w)
			}
		}
		if _, err := os.Stat(hist); err == nil {
			t.Fatalf("import of %s wrote to the history", r.file)
		}
	}

	// 0 ns/op kept: three benchmarks said and saved.
	code, out, errs := bench(t, dir, "import", good)
	if code != 0 || !strings.Contains(out, "(3 benchmarks)") {
		t.Fatalf("import zero-ns: exit %d\n%s%s", code, out, errs)
	}
	if runs, n := savedBenchmarks(t, hist); runs != 1 || n != 3 {
		t.Errorf("history holds %d runs, %d benchmarks; want 1, 3", runs, n)
	}

	// --skip-invalid: the rest is imported, the skipped line named.
	code, out, errs = bench(t, dir, "import", "--skip-invalid", fault(t, "gobench-log-inside-line.txt"))
	if code != 0 || !strings.Contains(out, "(1 benchmark)") || !strings.Contains(errs, "gobench-log-inside-line.txt:6") || !strings.Contains(errs, "skipped") {
		t.Errorf("import --skip-invalid: exit %d\n%s%s", code, out, errs)
	}

	// What import wrote, list and build read.
	if code, out, errs := bench(t, dir, "list"); code != 0 || strings.Contains(out, "unreadable") {
		t.Errorf("list after the imports: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := bench(t, dir, "build", "--out", filepath.Join(dir, "public")); code != 0 {
		t.Errorf("build after the imports: exit %d\n%s", code, errs)
	}
}

// Text encodings and truncation are said as such.
func TestImportEncodings(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(fault(t, "pytest-nan-infinity.json"))
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), `"stddev": NaN`, `"stddev": 0.0`, 1))
	bom := filepath.Join(dir, "bom.json")
	os.WriteFile(bom, append([]byte{0xEF, 0xBB, 0xBF}, data...), 0o644)
	utf16 := filepath.Join(dir, "utf16.txt")
	var u []byte
	for _, c := range "BenchmarkA-2 10 5 ns/op\n" {
		u = append(u, byte(c), 0)
	}
	os.WriteFile(utf16, append([]byte{0xFF, 0xFE}, u...), 0o644)
	cut := filepath.Join(dir, "cut.json")
	os.WriteFile(cut, data[:40], 0o644)

	for _, c := range []struct{ file, want string }{{utf16, "UTF-16"}, {cut, "truncated JSON"}} {
		if code, _, errs := bench(t, dir, "import", c.file); code != 2 || !strings.Contains(errs, c.want) || !strings.Contains(errs, filepath.Base(c.file)) {
			t.Errorf("import %s: exit %d, %s; want 2 and %q", filepath.Base(c.file), code, errs, c.want)
		}
	}
	code, out, errs := bench(t, dir, "import", bom)
	if code != 0 || !strings.Contains(out, "(2 benchmarks)") {
		t.Fatalf("import with a BOM: exit %d\n%s%s", code, out, errs)
	}
	// NaN and Infinity in extra_info are kept in the saved file, as Python
	// writes them.
	es, _ := storage.Store{Root: filepath.Join(dir, ".benchmarks")}.List("")
	saved, _ := os.ReadFile(es[0].Path)
	if !strings.Contains(string(saved), `"hit_ratio": NaN`) || !strings.Contains(string(saved), `"throughput": Infinity`) {
		t.Errorf("saved file lost NaN/Infinity:\n%s", saved)
	}
	pub := filepath.Join(dir, "public")
	if code, _, errs := bench(t, dir, "build", "--out", pub); code != 0 {
		t.Fatalf("build over NaN in extra_info: exit %d\n%s", code, errs)
	}
	// The benchmark's page shows them as such.
	shown := false
	filepath.WalkDir(pub, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			page, _ := os.ReadFile(p)
			if strings.Contains(string(page), "hit_ratio") {
				shown = strings.Contains(string(page), "<td>NaN</td>") && strings.Contains(string(page), "<td>Infinity</td>")
				return filepath.SkipAll
			}
		}
		return nil
	})
	if !shown {
		t.Error("no page shows hit_ratio NaN and throughput Infinity")
	}
}

// compare reads what import reads, and finds a run in any machine folder,
// saying which file matched or that a reference is ambiguous.
func TestCompareInputs(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join("..", "gobench", "testdata", "benchstat", "old.txt")
	nw := filepath.Join("..", "gobench", "testdata", "benchstat", "new.txt")
	old, _ = filepath.Abs(old)
	nw, _ = filepath.Abs(nw)
	code, out, errs := bench(t, dir, "compare", "--compare-fail", "mean:1000%", old, nw)
	if code != 0 || !strings.Contains(out, "old") || strings.Contains(errs, "invalid JSON") {
		t.Errorf("compare old.txt new.txt: exit %d\n%s%s", code, out, errs)
	}

	// Imported pytest-benchmark runs live in their own machine folder.
	pyDir := filepath.Join("..", "result", "testdata", "pytest-benchmark", "tests", "test_storage")
	a, _ := filepath.Abs(filepath.Join(pyDir, "0001_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190343_uncommitted-changes.json"))
	b, _ := filepath.Abs(filepath.Join(pyDir, "0002_b87b9aae14ff14a7887a6bbaa9731b9a8760555d_20150814_190348_uncommitted-changes.json"))
	if code, out, errs := bench(t, dir, "import", a, b); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = bench(t, dir, "compare", "0001", "0002")
	if code != 0 || !strings.Contains(errs, filepath.Join("Linux-CPython-2.7-64bit", "0001_")) || !strings.Contains(errs, filepath.Join("Linux-CPython-2.7-64bit", "0002_")) {
		t.Errorf("compare 0001 0002 across machine folders: exit %d\n%s%s", code, out, errs)
	}
	// A second machine with a 0001: ambiguous, both listed.
	if code, out, errs := bench(t, dir, "import", "--machine", "other-box", a); code != 0 {
		t.Fatalf("import --machine: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = bench(t, dir, "compare", "0001", "0002")
	if code != 2 || !strings.Contains(errs, "matches 2") || !strings.Contains(errs, "other-box") {
		t.Errorf("ambiguous 0001: exit %d, %s", code, errs)
	}
	if code, _, errs := bench(t, dir, "compare", "other-box/0001", "Linux-CPython-2.7-64bit/0002"); code != 0 {
		t.Errorf("machine/NNNN references: exit %d, %s", code, errs)
	}
}

// Usage mistakes that used to pass: each is exit 2 naming what to fix.
func TestUsageErrors(t *testing.T) {
	dir := tinyModule(t)
	before := tree(t, dir)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", "--rounds", "0"}, []string{"--rounds", "at least 1"}},
		{[]string{"reset", "--machine", "nosuch"}, []string{"nosuch", "no history"}},
		{[]string{"reset", "--storage", "/nonexistent"}, []string{"--storage", "/nonexistent"}},
		{[]string{"build", "--storage", "/nonexistent"}, []string{"--storage", "/nonexistent"}},
		{[]string{"list", "--storage", "/nonexistent"}, []string{"--storage", "/nonexistent"}},
		{[]string{"import", "--machine", "../up", "x.txt"}, []string{"--machine"}},
	} {
		code, out, errs := bench(t, dir, c.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s%s", c.args, code, out, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: message %q does not contain %q", c.args, strings.TrimSpace(errs), w)
			}
		}
	}
	sameTree(t, before, tree(t, dir), "a refused command")
	// This machine's own empty history is fine to reset, and build of no
	// history says what to do in words that fit any project.
	if code, out, errs := bench(t, dir, "reset"); code != 0 || !strings.Contains(out, "Nothing to archive") || strings.Contains(out, "Archived") {
		t.Errorf("reset of an empty history: exit %d, %s%s; want a message that nothing was there", code, out, errs)
	}
	code, _, errs := bench(t, dir, "build", "--out", filepath.Join(t.TempDir(), "p"))
	if code != 0 || strings.Contains(errs, "make ") || !strings.Contains(errs, "benchsite run --save") {
		t.Errorf("build without a history: exit %d, %s", code, errs)
	}
}

// build refuses a content/ link out of the project: exit 2, naming it.
func TestBuildSymlinkOut(t *testing.T) {
	dir := tinyModule(t)
	secret := filepath.Join(t.TempDir(), "secret.md")
	os.WriteFile(secret, []byte("SECRET\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	if err := os.Symlink(secret, filepath.Join(dir, "content", "leak.md")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	code, _, errs := bench(t, dir, "build")
	if code != 2 || !strings.Contains(errs, "leak.md") || !strings.Contains(errs, "outside the project") {
		t.Errorf("build with content/leak.md -> %s: exit %d, %s", secret, code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "leak.html")); err == nil {
		t.Error("leak.html published")
	}
}

// Links inside the project are followed: a content/ that is itself a link,
// and a linked folder in it, publish their pages; a content/ or
// templates/ that links out of the project is refused naming it.
func TestBuildSymlinkInside(t *testing.T) {
	dir := tinyModule(t)
	for p, text := range map[string]string{"docs/guide.md": "# Guide\n", "more/extra.md": "# Extra\n"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(text), 0o644)
	}
	os.RemoveAll(filepath.Join(dir, "content"))
	if err := os.Symlink("docs", filepath.Join(dir, "content")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	os.Symlink(filepath.Join("..", "more"), filepath.Join(dir, "docs", "more"))
	out := filepath.Join(t.TempDir(), "p")
	if code, _, errs := bench(t, dir, "build", "--out", out); code != 0 {
		t.Fatalf("build: exit %d, %s", code, errs)
	}
	for _, page := range []string{"guide.html", "more/extra.html"} {
		if _, err := os.Stat(filepath.Join(out, page)); err != nil {
			t.Errorf("%s not published through the link: %v", page, err)
		}
	}
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "x.md"), []byte("SECRET\n"), 0o644)
	os.WriteFile(filepath.Join(outside, "page.html"), []byte("SECRET"), 0o644)
	for _, link := range []string{"content", "templates"} {
		os.Remove(filepath.Join(dir, link))
		os.RemoveAll(filepath.Join(dir, link))
		os.Symlink(outside, filepath.Join(dir, link))
		code, _, errs := bench(t, dir, "build", "--out", filepath.Join(t.TempDir(), "p"))
		if code != 2 || !strings.Contains(errs, link) || !strings.Contains(errs, "outside the project") {
			t.Errorf("%s linked out of the project: exit %d, %s", link, code, errs)
		}
		os.Remove(filepath.Join(dir, link))
	}
}

// A file whose samples were cut short reads, and every command says so,
// naming the benchmark.
func TestCutSamplesNamed(t *testing.T) {
	dir := t.TempDir()
	cut, _ := filepath.Abs(filepath.Join("..", "result", "testdata", "pytest-benchmark", "github-action-benchmark", "test", "data", "extract", "pytest_output.json"))
	const want = `"test_fib_10": stats.data holds 4 of its 38523 rounds' samples`
	code, _, errs := bench(t, dir, "import", cut)
	if code != 0 || !strings.Contains(errs, want) {
		t.Errorf("import: exit %d, %s", code, errs)
	}
	for _, args := range [][]string{
		{"list"},
		{"build", "--out", filepath.Join(dir, "public")},
		{"compare", "0001", "0001"},
		{"compare", cut, cut},
	} {
		code, out, errs := bench(t, dir, args...)
		if code != 0 || strings.Count(errs, want) != map[bool]int{true: 2, false: 1}[args[0] == "compare"] {
			t.Errorf("%v: exit %d, stderr:\n%s%s", args, code, errs, out)
		}
	}
}

// A run file in the history that is a symbolic link is skipped by every
// command — list, build, compare — with a warning naming it; none reads it.
func TestRunFileLinkSkipped(t *testing.T) {
	dir := t.TempDir()
	in, _ := filepath.Abs(filepath.Join("..", "gobench", "testdata", "benchstat", "crc-old.txt"))
	if code, _, errs := bench(t, dir, "import", "--machine", "m1", in); code != 0 {
		t.Fatalf("import: exit %d, %s", code, errs)
	}
	saved := filepath.Join(dir, ".benchmarks", "m1", "0001_import.json")
	other := filepath.Join(t.TempDir(), "other.json")
	data, _ := os.ReadFile(saved)
	os.WriteFile(other, data, 0o644)
	link := filepath.Join(dir, ".benchmarks", "m1", "0002_link.json")
	if err := os.Symlink(other, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"list"}, 0},
		{[]string{"build", "--out", filepath.Join(t.TempDir(), "p")}, 0},
		{[]string{"compare", "0001", "0002"}, 2},
	} {
		code, out, errs := bench(t, dir, c.args...)
		if code != c.code || !strings.Contains(errs, "0002_link.json is a symbolic link") || strings.Contains(out, "0002_link") {
			t.Errorf("%v: exit %d (want %d), stdout:\n%s\nstderr:\n%s; want the link skipped with a warning naming it", c.args, code, c.code, out, errs)
		}
	}
}

// A machine folder whose name is not a machine id and a .json file in a
// machine folder not named as a run file are skipped by every command with
// a warning naming them, not left out silently.
func TestMisnamedHistorySkippedLoudly(t *testing.T) {
	dir := t.TempDir()
	in, _ := filepath.Abs(filepath.Join("..", "gobench", "testdata", "benchstat", "crc-old.txt"))
	if code, _, errs := bench(t, dir, "import", "--machine", "m1", in); code != 0 {
		t.Fatalf("import: exit %d, %s", code, errs)
	}
	root := filepath.Join(dir, ".benchmarks")
	data, err := os.ReadFile(filepath.Join(root, "m1", "0001_import.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "my machine"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(root, "my machine", "0001_import.json"), filepath.Join(root, "m1", "0002.json")} {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"list"}, {"changes"}, {"build", "--out", filepath.Join(t.TempDir(), "p")}} {
		code, _, errs := bench(t, dir, args...)
		if code != 0 || !strings.Contains(errs, filepath.Join(root, "my machine")+" is not a machine folder") ||
			!strings.Contains(errs, filepath.Join(root, "m1", "0002.json")+" is not named as a run file") {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant both skipped with a warning naming them", args, code, errs)
		}
	}
}

// When a save fails part-way through a multi-file import, what was saved is
// taken back, the folders the import created are removed, and nothing says
// "Saved".
func TestImportSaveFailsLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	goText, _ := filepath.Abs(filepath.Join("..", "gobench", "testdata", "benchstat", "crc-old.txt"))
	pytest, _ := filepath.Abs(filepath.Join("..", "result", "testdata", "pytest-benchmark", "hand-written-5.x", "0001_baseline.json"))
	// The second file's machine folder cannot be made: a file holds its name.
	os.MkdirAll(filepath.Join(dir, ".benchmarks"), 0o755)
	os.WriteFile(filepath.Join(dir, ".benchmarks", "Linux-CPython-3.12-64bit"), nil, 0o644)
	before := tree(t, dir)
	code, out, errs := bench(t, dir, "import", goText, pytest)
	if code != 2 || strings.Contains(out, "Saved") || !strings.Contains(errs, "nothing of this import was kept") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, no \"Saved\", the error saying nothing was kept", code, out, errs)
	}
	sameTree(t, before, tree(t, dir), "a failed import")
	if _, err := os.Stat(filepath.Join(dir, ".benchmarks", "Darwin-Go-unknown-64bit")); err == nil {
		t.Error("the first file's machine folder was left behind")
	}
}

// --save and --machine given empty are refused, not taken for "not given".
func TestImportEmptyNames(t *testing.T) {
	dir := t.TempDir()
	in, _ := filepath.Abs(filepath.Join("..", "gobench", "testdata", "benchstat", "crc-old.txt"))
	for _, flag := range []string{"--save", "--machine"} {
		if code, _, errs := bench(t, dir, "import", flag, "", in); code != 2 || !strings.Contains(errs, flag) {
			t.Errorf("import %s '': exit %d, %s", flag, code, errs)
		}
	}
	// run checks --save before running anything.
	if code, _, errs := bench(t, dir, "run", "--save", ""); code != 2 || !strings.Contains(errs, "--save") {
		t.Errorf("run --save '': exit %d, %s", code, errs)
	}
}
