package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/target"
)

const evilName = "BenchmarkEvil|x</td><script>alert(1)</script>`code`[link](http://e.x)*b*\n| fake | row |"

func sample(rng *rand.Rand, n int, center float64) result.Stats {
	s := result.Stats{Rounds: n, Iterations: 10}
	for i := 0; i < n; i++ {
		v := center * (1 + 0.01*rng.NormFloat64())
		s.Data = append(s.Data, v)
		s.Mean += v / float64(n)
	}
	s.Median, s.Min, s.Max = s.Mean, s.Mean*0.98, s.Mean*1.03
	return s
}

// testReport has one row of every kind that matters to rendering: a real
// regression, noise, an added and a removed benchmark, a hostile name, and a
// machine warning.
func testReport(t *testing.T) *compare.Report {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	mk := func(name string, s result.Stats) result.Benchmark {
		return result.Benchmark{Name: name, Fullname: "pkg." + name, Stats: s}
	}
	noisy := sample(rng, 12, 2e-6)
	noisy.Mean *= 1.2 // a mean breach the samples do not support
	base := &result.File{
		MachineInfo: result.MachineInfo{"cpu_model": "CPU <b>one</b>"},
		Benchmarks: []result.Benchmark{
			mk("BenchmarkA", sample(rng, 12, 1e-3)), mk("BenchmarkB", sample(rng, 12, 2e-6)),
			mk("BenchmarkGone", sample(rng, 12, 1)), mk(evilName, sample(rng, 12, 1e-3)),
		},
	}
	cur := &result.File{
		MachineInfo: result.MachineInfo{"cpu_model": "CPU two"},
		Benchmarks: []result.Benchmark{
			mk("BenchmarkA", sample(rng, 12, 1.3e-3)), mk("BenchmarkB", noisy),
			mk("BenchmarkNew", sample(rng, 12, 5e-9)), mk(evilName, sample(rng, 12, 2e-3)),
		},
	}
	checks, err := compare.ParseChecks("mean:10%")
	if err != nil {
		t.Fatal(err)
	}
	r := compare.Compare(base, cur, "0001_baseline", "0002_comparison", compare.Options{Checks: checks})
	got := map[string]compare.Status{}
	for _, row := range r.Rows {
		got[row.Name] = row.Status
	}
	if got["BenchmarkA"] != compare.Regression || got["BenchmarkB"] != compare.Noise || got[evilName] != compare.Regression ||
		got["BenchmarkNew"] != compare.Added || got["BenchmarkGone"] != compare.Removed || len(r.Warnings) != 1 {
		t.Fatalf("test setup: statuses %v warnings %q", got, r.Warnings)
	}
	return r
}

func TestComparisonTable(t *testing.T) {
	r := testReport(t)
	var buf bytes.Buffer
	if err := Comparison(&buf, r, "table"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.ContainsAny(out, "\x1b") || strings.Contains(out, "\n| fake | row |") {
		t.Fatalf("untrusted name broke the output:\n%s", out)
	}
	lines := strings.Split(out, "\n")
	// Header, rule, then one line per row in name order.
	hi := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "Name ") && strings.Contains(l, "p-value") {
			hi = i
			break
		}
	}
	if hi < 0 {
		t.Fatalf("no header:\n%s", out)
	}
	wantOrder := []string{"BenchmarkA ", "BenchmarkB ", "BenchmarkEvil", "BenchmarkGone ", "BenchmarkNew "}
	for i, w := range wantOrder {
		if !strings.HasPrefix(lines[hi+2+i], w) {
			t.Errorf("row %d = %q, want it to start with %q", i, lines[hi+2+i], w)
		}
	}
	// Verdict column aligned: every row's verdict starts at the header's
	// "Verdict" column.
	col := width(lines[hi][:strings.Index(lines[hi], "Verdict")])
	for _, l := range lines[hi+2 : hi+2+len(wantOrder)] {
		var at, i int
		for i = range l {
			if width(l[:i]) == col {
				at = i
				break
			}
		}
		if at == 0 || l[at-1] != ' ' || l[at] == ' ' {
			t.Errorf("verdict not aligned in %q", l)
		}
	}
	if !strings.Contains(lines[hi+2], "+3") || !strings.Contains(lines[hi+2], "regression") {
		t.Errorf("row A lacks change/verdict: %q", lines[hi+2])
	}
	// Regression lines in pytest-benchmark's words, after the table,
	// before the warning.
	reg := strings.Index(out, "\nPerformance has regressed:\n\tBenchmarkA (0001_baseline) - Field 'mean' has failed PercentageRegressionCheck: ")
	warn := strings.Index(out, "WARNING: machine_info differs: CPU model")
	if reg < 0 || warn < reg {
		t.Errorf("regressions at %d, warning at %d:\n%s", reg, warn, out)
	}
	if !strings.Contains(out, "noise") || !strings.Contains(out, "Not counted as regressions") {
		t.Error("noise row not explained")
	}
}

// renderMarkdown renders GitHub-flavoured Markdown with raw HTML passed
// through (stricter than GitHub, which filters it), so any markup that
// escapes the escaping shows up.
func renderMarkdown(t *testing.T, md string) string {
	t.Helper()
	var out bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := gm.Convert([]byte(md), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestComparisonMarkdown(t *testing.T) {
	r := testReport(t)
	var buf bytes.Buffer
	if err := Comparison(&buf, r, "markdown"); err != nil {
		t.Fatal(err)
	}
	html := renderMarkdown(t, buf.String())
	if strings.Contains(html, "<script") || strings.Contains(html, "<b>") || strings.Contains(html, "<a ") || strings.Contains(html, "<em>") {
		t.Fatalf("untrusted text became markup:\n%s", html)
	}
	tbody := regexp.MustCompile(`(?s)<tbody>(.*?)</tbody>`).FindStringSubmatch(html)
	if tbody == nil {
		t.Fatalf("no table:\n%s", html)
	}
	trs := regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(tbody[1], -1)
	if len(trs) != len(r.Rows) {
		t.Fatalf("%d table rows, want %d:\n%s", len(trs), len(r.Rows), tbody[1])
	}
	cell := regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	for i, tr := range trs {
		cells := cell.FindAllStringSubmatch(tr[1], -1)
		if len(cells) != 7 {
			t.Errorf("row %d has %d cells: %s", i, len(cells), tr[1])
			continue
		}
		if !strings.Contains(cells[6][1], string(r.Rows[i].Status)) {
			t.Errorf("row %d verdict %q, want %s", i, cells[6][1], r.Rows[i].Status)
		}
	}
	// The hostile name survives as text in its own cell.
	evil := cell.FindAllStringSubmatch(trs[2][1], -1)[0][1]
	for _, want := range []string{"BenchmarkEvil|x&lt;/td&gt;&lt;script&gt;", "`code`", "[link](http://e.x)", "*b*"} {
		if !strings.Contains(evil, want) {
			t.Errorf("name cell %q lacks %q", evil, want)
		}
	}
	// p-values are shown for rows that have them.
	if !regexp.MustCompile(`<td[^>]*>(0\.\d{3}|&lt;0\.001)</td>`).MatchString(trs[0][1]) {
		t.Errorf("row A shows no p-value: %s", trs[0][1])
	}
	// Regression lines as a code block, in pytest-benchmark's words.
	if !strings.Contains(html, "<pre><code>\tBenchmarkA (0001_baseline) - Field 'mean' has failed PercentageRegressionCheck: ") {
		t.Errorf("regressions block missing:\n%s", html)
	}
	if !strings.Contains(html, "<blockquote>") || !strings.Contains(html, "CPU &lt;b&gt;one&lt;/b&gt;") {
		t.Errorf("warning missing or unescaped:\n%s", html)
	}
}

func TestComparisonJSON(t *testing.T) {
	r := testReport(t)
	var buf bytes.Buffer
	if err := Comparison(&buf, r, "json"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "<script") {
		t.Error("JSON not HTML-escaped")
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"baseline", "current", "alpha", "strict", "failed", "counts", "rows", "regressions", "warnings"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("top-level key %q missing", k)
		}
	}
	if doc["failed"] != true || doc["baseline"] != "0001_baseline" || doc["alpha"] != 0.05 {
		t.Errorf("header fields: %v %v %v", doc["failed"], doc["baseline"], doc["alpha"])
	}
	rows := doc["rows"].([]any)
	byName := map[string]map[string]any{}
	for _, x := range rows {
		row := x.(map[string]any)
		byName[row["name"].(string)] = row
	}
	a := byName["BenchmarkA"]
	if a["status"] != "regression" || a["p_value"] == nil || a["significant"] != true || a["change_percent"].(float64) < 20 {
		t.Errorf("row A: %v", a)
	}
	if c := a["checks"].([]any)[0].(map[string]any); c["check"] != "mean:10%" || c["kind"] != "PercentageRegressionCheck" || c["failed"] != true {
		t.Errorf("row A check: %v", c)
	}
	if n := byName["BenchmarkNew"]; n["status"] != "added" || n["baseline"] != nil || n["current"] == nil || n["change_percent"] != nil || n["p_value"] != nil {
		t.Errorf("added row: %v", n)
	}
	if g := byName["BenchmarkGone"]; g["status"] != "removed" || g["current"] != nil {
		t.Errorf("removed row: %v", g)
	}
	if byName[evilName] == nil {
		t.Error("hostile name did not round-trip")
	}
	counts := doc["counts"].(map[string]any)
	if counts["regression"] != 2.0 || counts["noise"] != 1.0 || counts["improvement"] != 0.0 {
		t.Errorf("counts %v", counts)
	}
	if len(doc["regressions"].([]any)) != 2 {
		t.Errorf("regressions %v", doc["regressions"])
	}
}

func TestComparisonUpstreamFixtures(t *testing.T) {
	base := readFixture(t, "0001_*.json")
	cur := readFixture(t, "0030_*.json")
	checks, _ := compare.ParseChecks("stddev:5%")
	r := compare.Compare(base, cur, "0001_baseline", "0030_current", compare.Options{Checks: checks})
	var buf bytes.Buffer
	if err := Comparison(&buf, r, "table"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"+23.3%  " + "      —  regression", // no data in 2.5.0 files: no p-value (numfmt.Missing)
		"\ttest_xfast_parametrized[0] (0001_baseline) - Field 'stddev' has failed PercentageRegressionCheck: 23.331641765 > 5.000000000\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestFormatsRejected(t *testing.T) {
	r := testReport(t)
	for _, f := range []string{"html", "csv", "Markdown"} {
		if err := Comparison(&bytes.Buffer{}, r, f); err == nil || !strings.Contains(err.Error(), "table, markdown or json") {
			t.Errorf("Comparison format %q: %v", f, err)
		}
		if err := Targets(&bytes.Buffer{}, nil, f); err == nil {
			t.Errorf("Targets format %q accepted", f)
		}
	}
}

func TestTargetsFormats(t *testing.T) {
	f := &result.File{Benchmarks: []result.Benchmark{
		{Name: "BenchmarkForward/batch=32", Fullname: "p.BenchmarkForward/batch=32", Stats: result.Stats{Median: 61.2e-3}},
		{Name: "BenchmarkSetup", Fullname: "p.BenchmarkSetup", Stats: result.Stats{Median: 150e-6}},
	}}
	st := target.Check(f, []target.Target{
		{Benchmark: "BenchmarkForward/batch=32", Limit: 50e-3, Excess: 0.1},
		{Benchmark: "BenchmarkSetup", Limit: 200e-6, Excess: 0.1},
		{Benchmark: "Benchmark<img src=x>|Missing", Limit: 2e-3, Excess: 0.1},
	})

	var text bytes.Buffer
	if err := Targets(&text, st, "table"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(text.String(), "\n")
	var rows []string
	for _, l := range lines {
		if strings.HasPrefix(l, "Benchmark") && !strings.HasPrefix(l, "Benchmark ") {
			rows = append(rows, l)
		}
	}
	if len(rows) < 3 || !strings.HasSuffix(rows[0], "MISSED") || !strings.HasSuffix(rows[1], "met") || !strings.HasSuffix(rows[2], "not found") {
		t.Errorf("table rows %q", rows)
	}
	if !strings.Contains(text.String(), "BenchmarkForward/batch=32: median 61.2 ms exceeds target 50 ms +10% (limit 55 ms)") {
		t.Errorf("miss message missing:\n%s", text.String())
	}

	var md bytes.Buffer
	if err := Targets(&md, st, "markdown"); err != nil {
		t.Fatal(err)
	}
	html := renderMarkdown(t, md.String())
	if strings.Contains(html, "<img") {
		t.Fatalf("untrusted target name became markup:\n%s", html)
	}
	if n := strings.Count(html, "<tr>"); n != 4 { // header + 3
		t.Errorf("%d table rows:\n%s", n, html)
	}
	if !strings.Contains(html, "❌ MISSED") || !strings.Contains(html, "❔ not found") {
		t.Errorf("verdicts missing:\n%s", html)
	}

	var js bytes.Buffer
	if err := Targets(&js, st, "json"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Missed  bool
		Targets []map[string]any
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Missed || len(doc.Targets) != 3 || doc.Targets[0]["missed"] != true || doc.Targets[2]["found"] != false || doc.Targets[2]["median"] != nil {
		t.Errorf("json %s", js.String())
	}
	if b := doc.Targets[0]["bound"].(float64); b < 0.0549 || b > 0.0551 {
		t.Errorf("bound %v", b)
	}
}
