package site

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/target"
)

// testOptions builds a small two-machine history and content directory.
func testOptions(t *testing.T) Options {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "history")
	genHistory(t, root, genSpec{Runs: 12, Benchmarks: 5, BaselineEvery: 5, Regress: 12, Seed: 1})
	genHistory(t, root, genSpec{Machine: "Darwin-Go-1.26-64bit", Runs: 3, Benchmarks: 2, Seed: 2})
	content := filepath.Join(dir, "content")
	writeFile(t, filepath.Join(content, "_index.md"), "---\ntitle: Test project\n---\n\nIntro text. See the [guide](guide.md#running).\n")
	writeFile(t, filepath.Join(content, "guide.md"), "---\ntitle: The guide\nweight: 2\n---\n\n## Running\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```go\nfunc main() {}\n```\n\nBack [home](_index.md) or to [notes](sub/notes.md).\n")
	writeFile(t, filepath.Join(content, "sub", "notes.md"), "# Notes from a subfolder\n\nSee [the guide](../guide.md).\n")
	checks, err := compare.ParseChecks("mean:10%")
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Storage: root, Content: content, Out: filepath.Join(dir, "public"),
		BaseURL: "https://owner.github.io/repo/", RepoURL: "https://github.com/owner/repo",
		Compare:           compare.Options{Checks: checks},
		Targets:           []target.Target{{Benchmark: "BenchmarkWork00/size=1", Limit: 1.2e-6, Excess: 0.1}},
		BrowserBenchmarks: []string{"BenchmarkWork01/size=2"},
	}
}

func writeFile(t testing.TB, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// siteFiles lists every file under dir (slash paths), sorted.
func siteFiles(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func TestBuildPages(t *testing.T) {
	opt := testOptions(t)
	res, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Machines != 2 || res.Runs != 15 || res.Benchmarks != 5 {
		t.Errorf("result = %+v, want 2 machines, 15 runs, 5 benchmarks", res)
	}
	files := siteFiles(t, opt.Out)
	has := map[string]bool{}
	for _, f := range files {
		has[f] = true
	}
	for _, want := range []string{
		"index.html", "compare.html", "targets.html", "machines.html", "404.html", "run.html",
		"guide.html", "sub/notes.html", "data/browser.json",
		"assets/style.css", "assets/site.js", "assets/charts.js",
		"assets/echarts/echarts.min.js", "assets/echarts/LICENSE", "assets/echarts/NOTICE",
		"results/Linux-Go-1.26-64bit/0001_baseline.json", "results/Darwin-Go-1.26-64bit/0003_comparison.json",
	} {
		if !has[want] {
			t.Errorf("missing %s", want)
		}
	}
	if res.Files != len(files) {
		t.Errorf("Result.Files = %d, %d files written", res.Files, len(files))
	}
	// One page and one data file per benchmark.
	var pages, data int
	for _, f := range files {
		if strings.HasPrefix(f, "bench/") {
			pages++
		}
		if strings.HasPrefix(f, "data/") && f != "data/browser.json" {
			data++
			var d benchData
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(opt.Out, f))), &d); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
	if pages != 5 || data != 5 {
		t.Errorf("%d benchmark pages and %d data files, want 5 each", pages, data)
	}
	// The raw result files are copied byte for byte.
	src := readFile(t, filepath.Join(opt.Storage, "Linux-Go-1.26-64bit", "0007_comparison.json"))
	if got := readFile(t, filepath.Join(opt.Out, "results/Linux-Go-1.26-64bit/0007_comparison.json")); got != src {
		t.Error("copied result file differs from the original")
	}

	home := readFile(t, filepath.Join(opt.Out, "index.html"))
	for _, want := range []string{
		"<title>Test project</title>", "Intro text.", `href="guide.html#running"`,
		"BenchmarkWork04/size=16", "Darwin-Go-1.26-64bit", `<polyline points="`,
		`id="filter-name"`, `<option>group1</option>`,
		`href="https://github.com/owner/repo/commit/`,
		`<link rel="canonical" href="https://owner.github.io/repo/">`,
	} {
		if !strings.Contains(home, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	// The change chart of each compared machine (a bar per benchmark, so its
	// size does not depend on the history) is the home page's only ECharts
	// chart; trend lines are inline SVG.
	for _, want := range []string{`id="changes_0"`, `<script type="application/json" id="changes_1_data">{"option":`, `src="assets/echarts/echarts.min.js"`} {
		if !strings.Contains(home, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	guide := readFile(t, filepath.Join(opt.Out, "guide.html"))
	for _, want := range []string{
		`<h2 id="running">Running<a href="#running" class="anchor"`, // heading anchor
		"<table>", "<td>1</td>", // GFM table
		`<pre tabindex="0" class="chroma"><code><span class="line"><span class="cl"><span class="kd">func</span>`, // highlighted
		`href="index.html"`, `href="sub/notes.html"`, // .md links point at pages
		`aria-current="page">The guide</a>`,
	} {
		if !strings.Contains(guide, want) {
			t.Errorf("guide.html lacks %q", want)
		}
	}
	notes := readFile(t, filepath.Join(opt.Out, "sub/notes.html"))
	if !strings.Contains(notes, "<title>Notes from a subfolder · Test project</title>") || !strings.Contains(notes, `href="../guide.html"`) ||
		!strings.Contains(notes, `href="../assets/style.css"`) {
		t.Error("sub/notes.html: title from the first heading or relative links wrong")
	}
	// One <h1> each: the title's when the Markdown has none, else its own.
	if strings.Count(notes, "<h1") != 1 || strings.Count(guide, "<h1") != 1 || !strings.Contains(guide, "<h1>The guide</h1>") {
		t.Errorf("docs pages have %d and %d <h1>", strings.Count(guide, "<h1"), strings.Count(notes, "<h1"))
	}
	css := readFile(t, filepath.Join(opt.Out, "assets/style.css"))
	if !strings.Contains(css, "prefers-color-scheme: dark") || !strings.Contains(css, ".chroma .kd") {
		t.Error("the stylesheet lacks the dark palette or the code highlighting classes")
	}

	// Benchmark 0 regressed (+40 %) in run 12, the newest: home, compare and
	// its page say so, with compare.Compare's pytest-style message.
	cmp := readFile(t, filepath.Join(opt.Out, "compare.html"))
	for _, want := range []string{
		"BenchmarkWork00/size=1 (0011_baseline) - Field &#39;mean&#39; has failed PercentageRegressionCheck",
		`<span class="verdict v-regression">regression</span>`,
		`<script type="application/json" id="compare_1_data">{"option":`,
	} {
		if !strings.Contains(cmp, want) {
			t.Errorf("compare.html lacks %q", want)
		}
	}
	slug0 := ""
	for _, f := range files {
		if strings.HasPrefix(f, "bench/benchmarkwork00-size-1-") {
			slug0 = strings.TrimSuffix(strings.TrimPrefix(f, "bench/"), ".html")
		}
	}
	var d benchData
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(opt.Out, "data", slug0+".json"))), &d); err != nil {
		t.Fatal(err)
	}
	m := d.Machines[0]
	if m.ID != "Darwin-Go-1.26-64bit" || len(m.Runs) != 3 || d.Machines[1].ID != "Linux-Go-1.26-64bit" {
		t.Fatalf("machines in %s: %s (%d runs), want Darwin first", slug0, m.ID, len(m.Runs))
	}
	lin := d.Machines[1]
	if len(lin.Runs) != 12 || lin.Runs[11].Verdict != "regression" || lin.Runs[11].Against != "0011_baseline" {
		t.Errorf("run 12 of benchmark 0: verdict %q against %q, want regression against 0011_baseline", lin.Runs[11].Verdict, lin.Runs[11].Against)
	}
	// The newest run and the baseline it is compared with carry their
	// samples; an older run only its figures (charts.js reads its samples
	// from its result file when the reader picks it).
	if len(lin.Runs[11].Data) != 20 || len(lin.Runs[10].Data) != 20 || len(lin.Runs[0].Data) != 0 {
		t.Errorf("runs 12, 11 and 1 carry %d, %d and %d samples, want 20, 20 and 0", len(lin.Runs[11].Data), len(lin.Runs[10].Data), len(lin.Runs[0].Data))
	}
	if lin.Runs[0].Bytes == nil || *lin.Runs[0].Bytes != 64 || lin.Runs[0].I != 0 || lin.Runs[11].I != 11 || lin.Total != 12 || len(lin.Periods) != 0 {
		t.Errorf("run 1 lacks its B/op or position, or the short series is cut: %+v, total %d, %d periods", lin.Runs[0], lin.Total, len(lin.Periods))
	}
	if lin.Unit.Name != "µs" || lin.Memory == nil {
		t.Errorf("unit %q, memory chart %v", lin.Unit.Name, lin.Memory != nil)
	}
	var regMarks []any
	for _, s := range lin.History.Series {
		if s.Id == "regression" {
			regMarks = s.Data.([]any)
		}
	}
	if len(regMarks) != 1 {
		t.Errorf("history marks %d regressions, want 1 (run 0012)", len(regMarks))
	}
	page := readFile(t, filepath.Join(opt.Out, "bench", slug0+".html"))
	for _, want := range []string{
		`data-src="../data/` + slug0 + `.json"`, `id="history_1"`, `id="dist_1"`, `id="memory_1"`,
		`<option value="11">0012_comparison`, `href="../results/Linux-Go-1.26-64bit/0012_comparison.json"`,
		"1.2 µs &#43;10%", `src="../assets/echarts/echarts.min.js"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("%s.html lacks %q", slug0, want)
		}
	}
	// The browser-runnable flag reaches the page data and the hook.
	run := readFile(t, filepath.Join(opt.Out, "run.html"))
	if !strings.Contains(run, `data-benchmark="BenchmarkWork01/size=2"`) {
		t.Error("run.html lacks the browser-runnable benchmark")
	}
	var list []BrowserBench
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(opt.Out, "data/browser.json"))), &list); err != nil || len(list) != 1 || len(list[0].Published) != 2 {
		t.Errorf("data/browser.json: %v, %+v", err, list)
	}
	checkLinks(t, opt.Out)
}

// checkLinks parses every page and checks that each relative href and src
// names a file of the site.
func checkLinks(t *testing.T, dir string) {
	t.Helper()
	for _, f := range siteFiles(t, dir) {
		if !strings.HasSuffix(f, ".html") || f == "404.html" {
			continue
		}
		doc, err := html.Parse(strings.NewReader(readFile(t, filepath.Join(dir, f))))
		if err != nil {
			t.Fatal(err)
		}
		walk(doc, func(n *html.Node) {
			for _, a := range n.Attr {
				if a.Key != "href" && a.Key != "src" && a.Key != "data-src" {
					continue
				}
				u, err := url.Parse(a.Val)
				if err != nil {
					t.Errorf("%s: bad URL %q", f, a.Val)
					continue
				}
				if u.Scheme != "" || u.Path == "" {
					continue // external, or a fragment of this page
				}
				target := path.Join(path.Dir(f), u.Path)
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(target))); err != nil {
					t.Errorf("%s: link %q leads nowhere (%s)", f, a.Val, target)
				}
			}
		})
	}
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	opt := testOptions(t)
	first := filepath.Join(t.TempDir(), "one")
	second := filepath.Join(t.TempDir(), "two")
	opt.Out = first
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	opt.Out = second
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	// A rebuild over an earlier output goes through the replace path.
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	a, b := siteFiles(t, first), siteFiles(t, second)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("the two builds have different files:\n%v\n%v", a, b)
	}
	for _, f := range a {
		if readFile(t, filepath.Join(first, f)) != readFile(t, filepath.Join(second, f)) {
			t.Errorf("%s differs between two builds of the same inputs", f)
		}
	}
}

func TestBuildInvalidFile(t *testing.T) {
	opt := testOptions(t)
	bad := filepath.Join(opt.Storage, "Linux-Go-1.26-64bit", "0013_comparison.json")
	writeFile(t, bad, `{"machine_info": {}, "benchmarks": [{"name": "x", "stats": {"mean": `)
	_, err := Build(opt)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "--skip-invalid") {
		t.Fatalf("Build with a truncated file: %v; want an error naming %s", err, bad)
	}
	if _, serr := os.Stat(opt.Out); serr == nil {
		if files := siteFiles(t, opt.Out); len(files) > 0 {
			t.Errorf("a failed build left %d files", len(files))
		}
	}
	opt.SkipInvalid = true
	var warnings bytes.Buffer
	opt.Warnings = &warnings
	res, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0] != bad || !strings.Contains(warnings.String(), bad) {
		t.Errorf("skipped %v, warnings %q; want %s skipped with a warning", res.Skipped, warnings.String(), bad)
	}
	if res.Runs != 15 {
		t.Errorf("%d runs read, want 15", res.Runs)
	}
}

func TestBuildOutputDirectory(t *testing.T) {
	opt := testOptions(t)
	// A non-empty directory that benchsite did not write is never touched.
	writeFile(t, filepath.Join(opt.Out, "precious.txt"), "keep me")
	if _, err := Build(opt); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("Build into a foreign directory: %v", err)
	}
	if readFile(t, filepath.Join(opt.Out, "precious.txt")) != "keep me" {
		t.Fatal("foreign file changed")
	}
	// An earlier site is replaced whole: stale pages disappear.
	os.Remove(filepath.Join(opt.Out, "precious.txt"))
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(opt.Out, "bench", "stale.html"), "old")
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(opt.Out, "bench", "stale.html")); err == nil {
		t.Error("a stale page survived the rebuild")
	}
	entries, _ := os.ReadDir(filepath.Dir(opt.Out))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".new-") {
			t.Errorf("temporary directory %s left behind", e.Name())
		}
	}
	// A failing build (broken user template) leaves the old site in place.
	opt.Templates = filepath.Join(t.TempDir(), "tmpl")
	writeFile(t, filepath.Join(opt.Templates, "index.html"), "{{template \"head\" .}}{{.NoSuchField}}")
	if _, err := Build(opt); err == nil || !strings.Contains(err.Error(), "index.html") {
		t.Fatalf("Build with a broken template: %v", err)
	}
	if _, err := os.Stat(filepath.Join(opt.Out, "index.html")); err != nil {
		t.Error("the old site is gone after a failed build")
	}
	// A failed build into a new directory leaves no half-written site.
	opt.Out = filepath.Join(t.TempDir(), "fresh")
	if _, err := Build(opt); err == nil {
		t.Fatal("Build with a broken template succeeded")
	}
	if files := siteFiles(t, opt.Out); len(files) != 0 {
		t.Errorf("a failed build left %d files, e.g. %s", len(files), files[0])
	}
}

func TestTemplateOverride(t *testing.T) {
	opt := testOptions(t)
	opt.Templates = t.TempDir()
	// Replace one page and redefine a block of partials.html from another file.
	writeFile(t, filepath.Join(opt.Templates, "machines.html"), `{{template "head" .}}<p id="custom">{{len .Machines.Machines}} machines</p>{{template "foot" .}}`)
	writeFile(t, filepath.Join(opt.Templates, "zz-blocks.html"), `{{define "verdict"}}<em class="my-verdict">{{.}}</em>{{end}}`)
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(opt.Out, "machines.html")); !strings.Contains(got, `<p id="custom">2 machines</p>`) {
		t.Errorf("machines.html not overridden:\n%s", got)
	}
	if got := readFile(t, filepath.Join(opt.Out, "compare.html")); !strings.Contains(got, `<em class="my-verdict">regression</em>`) {
		t.Error("the verdict block was not redefined")
	}
	// Defaults still apply to the other pages.
	if got := readFile(t, filepath.Join(opt.Out, "targets.html")); !strings.Contains(got, "Performance targets") {
		t.Error("targets.html lost its default template")
	}
}

func TestBuildEmptyHistory(t *testing.T) {
	dir := t.TempDir()
	var warnings bytes.Buffer
	res, err := Build(Options{Storage: filepath.Join(dir, "none"), Out: filepath.Join(dir, "out"), Warnings: &warnings,
		Targets: []target.Target{{Benchmark: "BenchmarkX", Limit: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != 0 || !strings.Contains(warnings.String(), "does not exist") {
		t.Errorf("result %v, warnings %q", res, warnings.String())
	}
	home := readFile(t, filepath.Join(dir, "out", "index.html"))
	if !strings.Contains(home, "No runs are saved yet") || !strings.Contains(home, "<title>Benchmarks</title>") {
		t.Error("the empty site's home page does not say there are no runs")
	}
	checkLinks(t, filepath.Join(dir, "out"))
}

// TestPytestBenchmarkHistory builds a site from files written by
// pytest-benchmark itself (2.5-era and 3.2.2): no samples, no ops, params
// null, data cut short.
func TestPytestBenchmarkHistory(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	checks, _ := compare.ParseChecks("mean:10%")
	res, err := Build(Options{Storage: filepath.Join("testdata", "pytest"), Out: out, Compare: compare.Options{Checks: checks}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != 6 || len(res.Skipped) != 0 {
		t.Fatalf("result %v", res)
	}
	if found := liveInjections(t, out); len(found) > 0 {
		t.Errorf("%v", found)
	}
	checkLinks(t, out)
	// 0032 is compared with the baseline 0031, the compare page shows it.
	cmp := readFile(t, filepath.Join(out, "compare.html"))
	if !strings.Contains(cmp, "0031_several-units_baseline") || !strings.Contains(cmp, "0032_pytest-output") {
		t.Error("compare.html lacks the baseline and the newest run")
	}
	// A benchmark from the 2015 files has runs without samples.
	var d benchData
	for _, f := range siteFiles(t, out) {
		if strings.HasPrefix(f, "data/test-xfast-parametrized-0-") {
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, f))), &d); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(d.Machines) != 1 || len(d.Machines[0].Runs) != 4 || d.Machines[0].Runs[0].Data != nil || d.Machines[0].Runs[0].Median == nil {
		t.Errorf("test_xfast_parametrized[0]: %+v", d)
	}
}

// TestHomeWeight checks that the home page does not grow with the length of
// the history: 40 and 400 runs give pages of the same size, give or take
// the digits of run numbers and dates.
func TestHomeWeight(t *testing.T) {
	size := func(runs int) int {
		dir := t.TempDir()
		genHistory(t, filepath.Join(dir, "h"), genSpec{Runs: runs, Benchmarks: 8, Rounds: 5, Seed: 3})
		if _, err := Build(Options{Storage: filepath.Join(dir, "h"), Out: filepath.Join(dir, "out")}); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(filepath.Join(dir, "out", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		return int(st.Size())
	}
	small, large := size(40), size(400)
	if d := large - small; d < -200 || d > 200 {
		t.Errorf("index.html: %d bytes for 40 runs, %d for 400", small, large)
	}
}

// TestDocsNameClash: a Markdown page may not take the name of one of the
// site's own pages or folders.
func TestDocsNameClash(t *testing.T) {
	for _, name := range []string{"compare.md", "bench/x.md"} {
		opt := testOptions(t)
		p := filepath.Join(opt.Content, filepath.FromSlash(name))
		writeFile(t, p, "# Clash\n")
		if _, err := Build(opt); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "rename") {
			t.Errorf("content/%s: Build error %v; want one naming the file", name, err)
		}
	}
}
