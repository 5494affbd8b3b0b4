package site

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/benchsite/benchsite/internal/history"
	"github.com/benchsite/benchsite/internal/history/historytest"
)

// evilName is a benchmark name that would break out of HTML, SVG and XML
// if it were not escaped.
const evilName = `BenchmarkEvil/</text><script>alert(1)</script><svg onload="alert(2)">&amp;'`

// changesSite builds a site from a history of 40 runs with three steps:
// BenchmarkUp +50 % at run 31, BenchmarkDown −40 % at run 33, evilName
// +50 % at run 21 (and a 3× outlier run in BenchmarkUp).
func changesSite(t *testing.T, out string) (Options, historytest.Spec) {
	t.Helper()
	root := filepath.Join(t.TempDir(), ".benchmarks")
	spec := historytest.Spec{Machine: "m1", Runs: 40, Seed: 4, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkUp", Median: 1e-3, Steps: map[int]float64{31: 1.5}, Outliers: map[int]float64{15: 3}},
		{Name: "BenchmarkDown", Median: 4e-6, Steps: map[int]float64{33: 0.6}},
		{Name: evilName, Median: 2e-3, Steps: map[int]float64{21: 1.5}},
		{Name: "BenchmarkFlat", Median: 3e-6},
	}}
	if _, err := historytest.Write(root, spec); err != nil {
		t.Fatal(err)
	}
	return Options{Storage: root, Out: out, RepoURL: "https://github.com/owner/repo", BaseURL: "https://owner.github.io/repo/"}, spec
}

// atom is what the test reads of the feed (RFC 4287 names).
type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Author struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func readFeed(t *testing.T, dir string) atom {
	t.Helper()
	var f atom
	dec := xml.NewDecoder(strings.NewReader(readFile(t, filepath.Join(dir, "changes.xml"))))
	dec.Strict = true
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("changes.xml is not an Atom document: %v", err)
	}
	return f
}

func TestChangesFeed(t *testing.T) {
	opt, spec := changesSite(t, filepath.Join(t.TempDir(), "a"))
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	f := readFeed(t, opt.Out)
	if f.ID != "https://owner.github.io/repo/changes.xml" || f.Author.Name == "" || f.Title == "" {
		t.Errorf("feed id %q, author %q, title %q", f.ID, f.Author.Name, f.Title)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("feed updated %q: %v", f.Updated, err)
	}
	// Regressions only, newest first; the improvement is not an entry.
	if len(f.Entries) != 2 {
		t.Fatalf("%d entries, want 2 regressions", len(f.Entries))
	}
	if !strings.HasPrefix(f.Entries[0].Title, "BenchmarkUp on m1: +") || !strings.HasPrefix(f.Entries[1].Title, evilName+" on m1: +") {
		t.Errorf("entry titles %q, %q", f.Entries[0].Title, f.Entries[1].Title)
	}
	up := f.Entries[0]
	if !strings.Contains(up.Summary, "0031_comparison") || !strings.Contains(up.Summary, spec.CommitID(31)) {
		t.Errorf("summary %q does not name run 0031 and its commit", up.Summary)
	}
	hrefs := map[string]string{}
	for _, l := range up.Links {
		hrefs[l.Rel] = l.Href
	}
	if !strings.HasPrefix(hrefs["alternate"], "https://owner.github.io/repo/bench/benchmarkup-") ||
		hrefs["related"] != "https://github.com/owner/repo/commit/"+spec.CommitID(31) {
		t.Errorf("entry links %v", hrefs)
	}
	if up.ID == f.Entries[1].ID || !strings.HasPrefix(up.ID, "urn:") {
		t.Errorf("entry ids %q, %q", up.ID, f.Entries[1].ID)
	}
	if up.Updated != "2026-01-02T18:00:00Z" {
		t.Errorf("entry updated %q, want run 31's date", up.Updated)
	}

	// Rebuilt from a history with more runs, the old entries keep their ids.
	if _, err := historytest.Write(opt.Storage, historytest.Spec{Machine: "m2", Runs: 5, Benchmarks: spec.Benchmarks[:1]}); err != nil {
		t.Fatal(err)
	}
	opt.Out = filepath.Join(t.TempDir(), "b")
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	g := readFeed(t, opt.Out)
	if len(g.Entries) != 2 || g.Entries[0].ID != up.ID || g.Entries[1].ID != f.Entries[1].ID {
		t.Errorf("ids after a rebuild: %v, before %q %q", g.Entries, up.ID, f.Entries[1].ID)
	}

	// Every page links the feed from its head.
	for _, p := range siteFiles(t, opt.Out) {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		doc, err := html.Parse(strings.NewReader(readFile(t, filepath.Join(opt.Out, p))))
		if err != nil {
			t.Fatal(err)
		}
		found := ""
		walk(doc, func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "link" && attr(n, "rel") == "alternate" && attr(n, "type") == "application/atom+xml" {
				found = attr(n, "href")
			}
		})
		want := rootOf(p) + "changes.xml"
		if p == "404.html" {
			want = "/repo/changes.xml"
		}
		if found != want {
			t.Errorf("%s: feed link %q, want %q", p, found, want)
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestChangesPageAndMarks(t *testing.T) {
	opt, spec := changesSite(t, filepath.Join(t.TempDir(), "public"))
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	// The Changes page: two tables, newest first, every row filterable.
	doc, err := html.Parse(strings.NewReader(readFile(t, filepath.Join(opt.Out, "changes.html"))))
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string][]string{} // heading id → rows' data-name
	heading := ""
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if n.Data == "h2" {
			heading = attr(n, "id")
		}
		if n.Data == "tr" && attr(n, "data-machine") == "m1" {
			tables[heading] = append(tables[heading], attr(n, "data-name"))
		}
	})
	if len(tables["regressions"]) != 2 || !strings.HasPrefix(tables["regressions"][0], "benchmarkup ") ||
		!strings.HasPrefix(tables["regressions"][1], strings.ToLower(evilName)+" ") ||
		len(tables["improvements"]) != 1 || !strings.HasPrefix(tables["improvements"][0], "benchmarkdown ") {
		t.Errorf("changes page rows: %q", tables)
	}

	// The chart data of BenchmarkUp: a mark line at run 0031 with the
	// commit's URL, and the change on that run's row.
	var data benchData
	var upSlug string
	for _, p := range siteFiles(t, opt.Out) {
		if strings.HasPrefix(p, "data/benchmarkup-") {
			upSlug = strings.TrimSuffix(strings.TrimPrefix(p, "data/"), ".json")
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(opt.Out, p))), &data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if upSlug == "" {
		t.Fatal("no data file of BenchmarkUp")
	}
	md := data.Machines[0]
	if len(md.Changes) != 1 || md.Changes[0].N != "0031" || md.Changes[0].Direction != "regression" ||
		md.Changes[0].URL != "https://github.com/owner/repo/commit/"+spec.CommitID(31) {
		t.Fatalf("changes in the data: %+v", md.Changes)
	}
	var mark map[string]any
	for _, s := range md.History.Series {
		if s.Id == "median" && s.MarkLines != nil {
			for _, d := range s.MarkLines.Data {
				if m, ok := d.(map[string]any); ok && m["name"] == "change" {
					mark = m
				}
			}
		}
	}
	// The mark sits where run 0031's point is: the history chart's x
	// axis is a time axis, so at that run's time, not at its number.
	var run31 *runRow
	for i := range md.Runs {
		if md.Runs[i].N == "0031" {
			run31 = &md.Runs[i]
		}
	}
	if run31 == nil || run31.T == nil {
		t.Fatal("run 0031 has no time in the chart data")
	}
	if md.History.XAxis[0].Type != "time" {
		t.Fatalf("history x axis %q, want time", md.History.XAxis[0].Type)
	}
	if x, ok := mark["xAxis"].(float64); !ok || int64(x) != *run31.T {
		t.Errorf("change mark at x %v, want run 0031's time %d", mark["xAxis"], *run31.T)
	}
	if x, ok := md.Changes[0].X.(float64); !ok || int64(x) != *run31.T {
		t.Errorf("change in the data at x %v, want %d", md.Changes[0].X, *run31.T)
	}
	if mark == nil || mark["run"] != "0031" || mark["url"] != md.Changes[0].URL ||
		!strings.HasPrefix(mark["label"].(map[string]any)["formatter"].(string), "+") {
		t.Errorf("history chart's change mark: %v", mark)
	}
	withChange := 0
	for _, r := range md.Runs {
		if r.ChangePoint != nil {
			withChange++
			if r.N != "0031" {
				t.Errorf("change point on run %s", r.N)
			}
		}
	}
	if withChange != 1 {
		t.Errorf("%d runs carry a change point, want 1", withChange)
	}
	// The benchmark page lists it, linking the Changes page's row.
	page := readFile(t, filepath.Join(opt.Out, "bench", upSlug+".html"))
	if !strings.Contains(page, `data-change-points`) || !strings.Contains(page, `href="../changes.html#change-`) {
		t.Errorf("benchmark page does not list its change point")
	}
	if found := liveInjections(t, opt.Out); len(found) > 0 {
		t.Errorf("live injections:\n%s", strings.Join(found, "\n"))
	}
}

func TestBadges(t *testing.T) {
	opt, _ := changesSite(t, filepath.Join(t.TempDir(), "public"))
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{} // file → aria-label
	for _, p := range siteFiles(t, opt.Out) {
		if !strings.HasPrefix(p, "badges/") {
			continue
		}
		base := strings.TrimPrefix(p, "badges/")
		if strings.Trim(strings.TrimSuffix(base, ".svg"), "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			t.Errorf("badge file name %q is not [a-z0-9-].svg", p)
		}
		labels[base] = svgCheck(t, filepath.Join(opt.Out, p))
	}
	if len(labels) != 5 {
		t.Fatalf("badges %v, want status and 4 benchmarks", slices.Collect(mapsKeys(labels)))
	}
	// Open regressions are what `benchsite changes` fails on: the newest
	// change of a series, a regression, among the machine's newest 10 runs.
	// BenchmarkUp's (run 31 of 40) is; the hostile benchmark's (run 21, 19
	// runs old) is not, though it is still its series' newest change.
	if labels["status.svg"] != "regressions: 1 open" {
		t.Errorf("status badge %q, want 1 open", labels["status.svg"])
	}
	page := readFile(t, filepath.Join(opt.Out, "changes.html"))
	if n := strings.Count(page, `<td data-label="State"><b>open</b></td>`); n != 1 {
		t.Errorf("the Changes page marks %d regressions open, want 1 (as the badge)", n)
	}
	for f, l := range labels {
		switch {
		case strings.HasPrefix(f, "benchmarkup-"):
			if !strings.HasPrefix(l, "BenchmarkUp: ") || !strings.Contains(l, "↑ +") {
				t.Errorf("%s: %q, want the median and an upward trend", f, l)
			}
		case strings.HasPrefix(f, "benchmarkdown-"):
			if !strings.Contains(l, "↓ −") {
				t.Errorf("%s: %q, want a downward trend", f, l)
			}
		case strings.HasPrefix(f, "benchmarkflat-"):
			if !strings.HasSuffix(l, " →") {
				t.Errorf("%s: %q, want steady", f, l)
			}
		case strings.HasPrefix(f, "benchmarkevil-"):
			// The name comes back whole (clipped) after a real XML parse.
			if !strings.HasPrefix(l, evilName[:40]) {
				t.Errorf("%s: %q does not carry the escaped name", f, l)
			}
		}
	}
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// svgCheck parses an SVG strictly as XML, fails on anything that could run
// script (script or foreignObject elements, on* attributes, javascript:
// links) and returns the root's aria-label.
func svgCheck(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	dec.Strict = true
	label, root := "", true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed XML: %v", path, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root && (se.Name.Local != "svg" || se.Name.Space != "http://www.w3.org/2000/svg") {
			t.Errorf("%s: root <%s %s>", path, se.Name.Space, se.Name.Local)
		}
		if se.Name.Local == "script" || se.Name.Local == "foreignObject" {
			t.Errorf("%s: <%s> element", path, se.Name.Local)
		}
		for _, a := range se.Attr {
			if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
				t.Errorf("%s: event attribute %s", path, a.Name.Local)
			}
			if strings.Contains(strings.ToLower(a.Value), "javascript:") {
				t.Errorf("%s: script URL in %s", path, a.Name.Local)
			}
			if root && a.Name.Local == "aria-label" {
				label = a.Value
			}
		}
		root = false
	}
	return label
}

func TestChangesNoneFound(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".benchmarks")
	if _, err := historytest.Write(root, historytest.Spec{Runs: 12, Benchmarks: []historytest.Bench{{Name: "BenchmarkFlat", Median: 1e-3}}}); err != nil {
		t.Fatal(err)
	}
	opt := Options{Storage: root, Out: filepath.Join(t.TempDir(), "public")}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	f := readFeed(t, opt.Out)
	// Updated as of the newest run, run 12 (an hour after each other from
	// 12:00).
	if len(f.Entries) != 0 || f.Updated != "2026-01-01T23:00:00Z" || !strings.HasPrefix(f.ID, "urn:benchsite:feed:") {
		t.Errorf("feed of no regressions: id %q, updated %q, %d entries", f.ID, f.Updated, len(f.Entries))
	}
	// The feed's id does not depend on the site's title: renaming the
	// site keeps the feed (a reader would otherwise see a new one).
	opt.Title, opt.Out = "Another title", filepath.Join(t.TempDir(), "renamed")
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	if g := readFeed(t, opt.Out); g.ID != f.ID || g.Title == f.Title {
		t.Errorf("after renaming the site: feed id %q (was %q), title %q (was %q)", g.ID, f.ID, g.Title, f.Title)
	}
	if l := svgCheck(t, filepath.Join(opt.Out, "badges", "status.svg")); l != "regressions: none open" {
		t.Errorf("status badge %q", l)
	}
	page := readFile(t, filepath.Join(opt.Out, "changes.html"))
	if !strings.Contains(page, "No regressions found in the history.") || !strings.Contains(page, "No improvements found in the history.") {
		t.Error("the Changes page does not say that nothing was found")
	}
}

// Control and format characters in a benchmark name (an escape sequence, a
// bidi override, NUL) and in a commit message are replaced by U+FFFD on the
// Changes page, the benchmark's page, the overview, the badge and in the
// feed, not written raw.
func TestChangesControlCharacters(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".benchmarks")
	name := "BenchmarkCtl/\x1b[31mred\u202egnp.exe\x00x"
	paths, err := historytest.Write(root, historytest.Spec{Machine: "m1", Runs: 30, Seed: 4, Benchmarks: []historytest.Bench{
		{Name: name, Median: 1e-3, Steps: map[int]float64{21: 1.5}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// The commit message of the change's run (its tooltip on every page
	// that shows the run) holds them too.
	var doc map[string]any
	if err := json.Unmarshal([]byte(readFile(t, paths[20])), &doc); err != nil {
		t.Fatal(err)
	}
	doc["commit_info"].(map[string]any)["message"] = "fix \x1b]8;;http://evil\x07click\x1b]8;;\x07 \u202eevil"
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(paths[20], data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(Options{Storage: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	badges, err := filepath.Glob(filepath.Join(out, "badges", "benchmarkctl-*.svg"))
	if err != nil || len(badges) != 1 {
		t.Fatalf("the benchmark's badge: %v %v", badges, err)
	}
	pages, err := filepath.Glob(filepath.Join(out, "bench", "benchmarkctl-*.html"))
	if err != nil || len(pages) != 1 {
		t.Fatalf("the benchmark's page: %v %v", pages, err)
	}
	chartData, err := filepath.Glob(filepath.Join(out, "data", "benchmarkctl-*.json"))
	if err != nil || len(chartData) != 1 {
		t.Fatalf("the benchmark's chart data: %v %v", chartData, err)
	}
	for _, f := range []string{"changes.html", "changes.xml", "index.html", badges[0], pages[0], chartData[0]} {
		if !filepath.IsAbs(f) {
			f = filepath.Join(out, f)
		}
		text := readFile(t, f)
		for i, r := range text {
			if (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || r == 0x7f || r == '\u202e' ||
				strings.HasPrefix(text[i:], `\u001b`) || strings.HasPrefix(text[i:], `\u0000`) {
				t.Errorf("%s: raw %U at byte %d: %q", f, r, i, text[max(0, i-40):min(len(text), i+20)])
				break
			}
		}
	}
	if page := readFile(t, filepath.Join(out, "changes.html")); !strings.Contains(page, "fix \uFFFD]8;;http://evil\uFFFDclick\uFFFD]8;;\uFFFD \uFFFDevil") {
		t.Error("changes.html does not show the commit message with U+FFFD")
	}
	for _, f := range []string{"changes.html", "changes.xml"} {
		text := readFile(t, filepath.Join(out, f))
		if !strings.Contains(text, "Benchmark<wbr>Ctl/<wbr>\uFFFD[31mred\uFFFDgnp.exe\uFFFDx") && !strings.Contains(text, "BenchmarkCtl/\uFFFD[31mred\uFFFDgnp.exe\uFFFDx") {
			t.Errorf("%s does not show the name with U+FFFD", f)
		}
	}
}

// TestCleanJSON: the escapes of control characters and the raw bidi
// controls in encoding/json's output become \ufffd; an escaped backslash
// followed by "u001b" is text and stays, as do \t, \n, \r and U+2028's
// escape.
func TestCleanJSON(t *testing.T) {
	for _, c := range []struct{ in, want any }{
		{"a\x1b[31m\x00\b\f\x7f\u0085\u202eb", "a\uFFFD[31m\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDb"},
		{`a\u001b`, `a\u001b`},
		{"t\tn\nr\r\u2028é", "t\tn\nr\r\u2028é"},
		{map[string]any{"k\u2066": []any{"\x1b", 1.5}}, map[string]any{"k\uFFFD": []any{"\uFFFD", 1.5}}},
	} {
		data, err := marshal(c.in)
		if err != nil {
			t.Fatal(err)
		}
		var got any
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("%q: %s is not JSON: %v", c.in, data, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %q (%s), want %q", c.in, got, data, c.want)
		}
	}
}

// TestChangesFeedUpdated: a drift's entry is updated as of its last change
// point (a reader sees it again as it grows), a doubted step's as of the
// paired run, and the feed as of the history's newest run, never earlier
// as runs are added; the titles say "drift" and "doubtful".
func TestChangesFeedUpdated(t *testing.T) {
	// 40 flat runs, then +0.3 % per run for 100 runs (+35 %): one drift.
	root := filepath.Join(t.TempDir(), ".benchmarks")
	drift := map[int]float64{}
	for r := 41; r <= 140; r++ {
		drift[r] = 1.003
	}
	// BenchmarkStep: +50 % at run 31, made doubtful by the paired run 33
	// against run 1 (no change found, its interval far from +50 %).
	if _, err := historytest.Write(root, historytest.Spec{Machine: "m1", Runs: 140, Seed: 9, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkDrift", Median: 1e-3, Steps: drift},
		{Name: "BenchmarkStep", Median: 1e-3, Steps: map[int]float64{31: 1.5},
			Paired: map[int]historytest.Paired{33: {Verdict: "same", Change: 0.5, CILow: -1, CIHigh: 2}}},
	}}); err != nil {
		t.Fatal(err)
	}
	h, err := history.Load(history.Options{Storage: root})
	if err != nil {
		t.Fatal(err)
	}
	ch := h.Changes()
	if len(ch) != 2 || !ch[0].Drift() || !ch[1].Doubtful || ch[1].Paired.Run.Number != 33 {
		t.Fatalf("%d changes; the test needs a drift and a doubtful step, newest first", len(ch))
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(Options{Storage: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	f := readFeed(t, out)
	rfc := func(at time.Time) string { return at.UTC().Format(time.RFC3339) }
	if len(f.Entries) != 2 {
		t.Fatalf("entries %v; want the drift and the step", f.Entries)
	}
	d, st := f.Entries[0], f.Entries[1]
	if d.Updated != rfc(ch[0].Last.Time) || !strings.Contains(d.Title, "BenchmarkDrift on m1: drift +") {
		t.Errorf("drift entry %q updated %s; want 'drift +…' updated %s (the drift's last change point, run %s; first run %s)",
			d.Title, d.Updated, rfc(ch[0].Last.Time), ch[0].Last.Label, ch[0].Run.Label)
	}
	if st.Updated != rfc(ch[1].Paired.Run.Time) || !strings.HasSuffix(st.Title, ", doubtful: a paired run found no such change") {
		t.Errorf("step entry %q updated %s; want it doubtful, updated %s (the paired run's date)", st.Title, st.Updated, rfc(ch[1].Paired.Run.Time))
	}
	newest := h.Machines[0].Runs[len(h.Machines[0].Runs)-1]
	if f.Updated != rfc(newest.Time) {
		t.Errorf("feed updated %s; want the newest run's date %s", f.Updated, rfc(newest.Time))
	}
}

// TestHasUnshown: the byte scan finds exactly the characters unshown
// reports, over every character up to U+2FFF (and a few beyond).
func TestHasUnshown(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		p := []byte("a" + string(r) + "b")
		if got, want := hasUnshown(p), unshown(r); got != want {
			t.Errorf("%U: hasUnshown %v, unshown %v", r, got, want)
		}
	}
	for _, r := range []rune{0xfeff, 0xfffd, 0x1f600} {
		if hasUnshown([]byte(string(r))) {
			t.Errorf("%U is reported", r)
		}
	}
}

// BenchmarkCleanPage: the cost of the control-character pass over a
// rendered page of 1 MB of typical text (ASCII markup with "—", "µs", "→")
// without one to replace: what every page pays.
func BenchmarkCleanPage(b *testing.B) {
	row := `<tr data-name="benchmarkforward/batch=32"><td class="name"><a href="bench/x.html">Benchmark<wbr>Forward/<wbr>batch=<wbr>32</a></td><td class="num">1.204 µs</td><td>+4.2% → 1.25 µs — regression</td></tr>` + "\n"
	page := []byte(strings.Repeat(row, 1<<20/len(row)))
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if len(cleanPage(page)) != len(page) {
			b.Fatal("changed")
		}
	}
}

// TestDoubtfulBadge: a benchmark's badge does not show a doubtful
// regression (a paired run found no such change) as one: grey, "doubtful",
// as the status badge leaves it out.
func TestDoubtfulBadge(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".benchmarks")
	if _, err := historytest.Write(root, historytest.Spec{Machine: "m1", Runs: 40, Seed: 9, Benchmarks: []historytest.Bench{
		{Name: "BenchmarkStep", Median: 1e-3, Steps: map[int]float64{33: 1.5},
			Paired: map[int]historytest.Paired{34: {Verdict: "same", Change: 0.5, CILow: -1, CIHigh: 2}}},
	}}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(Options{Storage: root, Out: out}); err != nil {
		t.Fatal(err)
	}
	badges, err := filepath.Glob(filepath.Join(out, "badges", "benchmarkstep-*.svg"))
	if err != nil || len(badges) != 1 {
		t.Fatalf("the benchmark's badge: %v %v", badges, err)
	}
	label, text := svgCheck(t, badges[0]), readFile(t, badges[0])
	if !strings.Contains(label, "↑ +") || !strings.HasSuffix(label, " doubtful") || strings.Contains(text, badgeRed) {
		t.Errorf("badge %q (red: %v); want the step marked doubtful, not red", label, strings.Contains(text, badgeRed))
	}
	if l := svgCheck(t, filepath.Join(out, "badges", "status.svg")); l != "regressions: none open" {
		t.Errorf("status badge %q", l)
	}
}
