package site

import (
	"bytes"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/history"
	"github.com/benchsite/benchsite/internal/result"
)

// hostileRuns rewrites the generated history at paths: run 7 gets a
// commit message and branch that try to break out of HTML, the other runs
// long commit messages, and benchmark 1 a name that tries to break out, in
// every run.
func hostileRuns(t *testing.T, paths []string) {
	t.Helper()
	for i, p := range paths {
		f, err := result.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if i == 6 {
			f.CommitInfo.Message = scriptBreakout + attrBreakout
			f.CommitInfo.Branch = jsURL
		} else {
			// 8 KiB of characters HTML escapes at five times their size.
			f.CommitInfo.Message = strings.Repeat(`"<`, 4000) + "\nThe body."
		}
		b := &f.Benchmarks[1]
		b.Name = "BenchmarkX/" + scriptBreakout
		b.Fullname = "example.com/project/bench." + b.Name
		data, err := result.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runsTable returns the run labels of the runs table(s) of an HTML page,
// in order, and the links of its pagers.
func runsTable(t *testing.T, page string) (labels, links []string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(readFile(t, page)))
	if err != nil {
		t.Fatal(err)
	}
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var s string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			s += text(c)
		}
		return s
	}
	class := func(n *html.Node) string {
		for _, a := range n.Attr {
			if a.Key == "class" {
				return a.Val
			}
		}
		return ""
	}
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch {
		case n.Data == "td" && class(n) == "run":
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.Data == "a" {
					labels = append(labels, text(c))
					break
				}
			}
		case n.Data == "nav" && class(n) == "pager":
			walk(n, func(a *html.Node) {
				if a.Type == html.ElementNode && a.Data == "a" {
					for _, at := range a.Attr {
						if at.Key == "href" {
							links = append(links, at.Val)
						}
					}
				}
			})
		}
	})
	return labels, links
}

// Every run of a benchmark is reachable from its page: the newest page of
// the runs table is on the benchmark page, the older ones are pages of
// their own, counted from the oldest run, linked both ways; every run is
// listed exactly once, newest first; no page reaches 200 KB; untrusted
// names and commit messages stay escaped on them.
func TestRunsTablePages(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "history")
	const runs = 250
	paths := genHistory(t, hist, genSpec{Runs: runs, Benchmarks: 2, Seed: 3})
	hostileRuns(t, paths)
	checks, _ := compare.ParseChecks("mean:10%")
	opt := Options{Storage: hist, Out: filepath.Join(dir, "public"), RepoURL: "https://github.com/owner/repo",
		Compare: compare.Options{Checks: checks}}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	benchPages, _ := filepath.Glob(filepath.Join(opt.Out, "bench", "*.html"))
	if len(benchPages) != 2 {
		t.Fatalf("benchmark pages: %v", benchPages)
	}
	var want []string
	for i := runs; i >= 1; i-- {
		want = append(want, strings.TrimSuffix(filepath.Base(paths[i-1]), ".json"))
	}
	for _, bp := range benchPages {
		slug := strings.TrimSuffix(filepath.Base(bp), ".html")
		older, _ := filepath.Glob(filepath.Join(opt.Out, "bench", slug, "Linux-Go-1.26-64bit", "*"))
		wantOlder := []string{"runs-0001.html", "runs-0002.html"}
		var got []string
		for _, o := range older {
			got = append(got, filepath.Base(o))
		}
		if !slices.Equal(got, wantOlder) {
			t.Fatalf("%s: older pages %v, want %v", slug, got, wantOlder)
		}
		// Walk from the benchmark page to the oldest page by the "older"
		// links, then back by the "newer" ones.
		page := bp
		var seen []string
		visited := map[string]bool{}
		for page != "" && !visited[page] {
			visited[page] = true
			labels, links := runsTable(t, page)
			seen = append(seen, labels...)
			first := len(seen) - len(labels) // position in want
			switch {
			case page == bp && len(labels) != 50:
				t.Errorf("%s: %d runs on the benchmark page, want the newest page's 50", slug, len(labels))
			case page != bp && len(labels) != runsPerPage:
				t.Errorf("%s: %d runs on %s, want %d", slug, len(labels), page, runsPerPage)
			}
			if !slices.Equal(labels, want[first:min(first+len(labels), len(want))]) {
				t.Errorf("%s: runs of %s are not the next %d runs newest first: %v", slug, filepath.Base(page), len(labels), labels)
			}
			if st, err := os.Stat(page); err != nil || st.Size() > 200<<10 {
				t.Errorf("%s: %v, size over 200 KB", page, err)
			}
			next := ""
			for _, l := range links {
				u, err := url.Parse(l)
				if err != nil || u.IsAbs() {
					t.Fatalf("%s: pager link %q", page, l)
				}
				target := filepath.Join(filepath.Dir(page), filepath.FromSlash(u.Path))
				if _, err := os.Stat(target); err != nil {
					t.Errorf("%s: pager link %q leads nowhere: %v", page, l, err)
				}
				if strings.Contains(readFile(t, page), `href="`+l+`" rel="prev"`) {
					next = target
				}
			}
			if page != bp && !strings.Contains(readFile(t, page), `href="../../`+slug+`.html"`) {
				t.Errorf("%s: no link back to the benchmark page", page)
			}
			page = next
		}
		if !slices.Equal(seen, want) {
			t.Errorf("%s: the older links reach %d runs, want all %d once each, newest first", slug, len(seen), runs)
		}
		// runs-0002 (101–200) leads to the benchmark page as the newer one,
		// runs-0001 to runs-0002.
		p2 := filepath.Join(opt.Out, "bench", slug, "Linux-Go-1.26-64bit", "runs-0002.html")
		p1 := filepath.Join(opt.Out, "bench", slug, "Linux-Go-1.26-64bit", "runs-0001.html")
		if _, links := runsTable(t, p2); !slices.Contains(links, "../../"+slug+".html") || !slices.Contains(links, "runs-0001.html") {
			t.Errorf("runs-0002 links %v, want the benchmark page and runs-0001", links)
		}
		if _, links := runsTable(t, p1); !slices.Equal(links, []string{"runs-0002.html"}) {
			t.Errorf("runs-0001 links %v, want only runs-0002", links)
		}
	}
	if bad := liveInjections(t, opt.Out); len(bad) > 0 {
		t.Errorf("injections: %v", bad)
	}
	// Run 7's commit message is on the oldest page, escaped.
	var oldest string
	for _, bp := range benchPages {
		slug := strings.TrimSuffix(filepath.Base(bp), ".html")
		oldest += readFile(t, filepath.Join(opt.Out, "bench", slug, "Linux-Go-1.26-64bit", "runs-0001.html"))
	}
	if strings.Contains(oldest, scriptBreakout) || strings.Contains(oldest, attrBreakout) {
		t.Error("a commit message or name reaches an older runs page unescaped")
	}
	if !strings.Contains(oldest, `title="&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#34; onmouseover=alert(1) x=&#34;"`) {
		t.Error("run 7's commit message is not on the oldest runs page (escaped)")
	}
}

// Adding the run that starts a new page of the runs table: the page it
// completed becomes a page of its own, the one before it is rendered
// again (its "newer" link now leads there), and the output is a clean
// build's.
func TestRunsPagesIncremental(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "history")
	paths := genHistory(t, hist, genSpec{Runs: 301, Benchmarks: 1, Seed: 9})
	newest := paths[len(paths)-1]
	aside := filepath.Join(dir, "newest.json")
	if err := os.Rename(newest, aside); err != nil {
		t.Fatal(err)
	}
	opt := Options{Storage: hist, Out: filepath.Join(dir, "public"), Cache: filepath.Join(dir, "cache")}
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	older := func() map[string]os.FileInfo {
		m, _ := filepath.Glob(filepath.Join(opt.Out, "bench", "*", "*", "runs-*.html"))
		out := map[string]os.FileInfo{}
		for _, p := range m {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			out[path.Base(filepath.ToSlash(p))] = st
		}
		return out
	}
	before := older()
	if len(before) != 2 {
		t.Fatalf("older pages before run 301: %v, want runs-0001 and runs-0002", before)
	}
	if err := os.Rename(aside, newest); err != nil {
		t.Fatal(err)
	}
	res, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	after := older()
	if len(after) != 3 {
		t.Fatalf("older pages after run 301: %d, want 3", len(after))
	}
	if !os.SameFile(before["runs-0001.html"], after["runs-0001.html"]) {
		t.Error("runs-0001 was rendered again; nothing on it changed")
	}
	if os.SameFile(before["runs-0002.html"], after["runs-0002.html"]) {
		t.Error("runs-0002 was kept; its newer link must now lead to runs-0003")
	}
	if res.ReusedPages == 0 || res.ReusedPages >= res.Pages {
		t.Errorf("%d of %d pages reused", res.ReusedPages, res.Pages)
	}
	clean := opt
	clean.Out, clean.Cache = filepath.Join(dir, "clean"), ""
	if _, err := Build(clean); err != nil {
		t.Fatal(err)
	}
	sameTree(t, opt.Out, clean.Out)

	// The preview server builds each time into a new folder and links
	// from the one it serves (Options.Reuse). Nothing changed here, so
	// every page is linked but the compare page, which is never reused.
	served := opt
	served.Out, served.Reuse = filepath.Join(dir, "served-2"), opt.Out
	res, err = Build(served)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages-res.ReusedPages != 1 {
		t.Errorf("a rebuild with nothing changed rendered %d pages, want 1 (the compare page)", res.Pages-res.ReusedPages)
	}
	rel, _ := filepath.Rel(opt.Out, firstOlder(t, opt.Out))
	st, err := os.Stat(filepath.Join(served.Out, rel))
	if err != nil || !os.SameFile(st, after["runs-0001.html"]) {
		t.Errorf("the rebuild into a new folder did not link %s from the served site (%v)", rel, err)
	}
	sameTree(t, served.Out, clean.Out)

	// A file edited in the served site since is rendered again, not linked.
	edited := filepath.Join(served.Out, rel)
	if err := os.WriteFile(edited, []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	again := served
	again.Out, again.Reuse = filepath.Join(dir, "served-3"), served.Out
	if _, err := Build(again); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(again.Out, rel)); got != readFile(t, filepath.Join(clean.Out, rel)) {
		t.Errorf("%s: the edited file was carried over: %.40q", rel, got)
	}
	sameTree(t, again.Out, clean.Out)
}

// firstOlder is the path of an older runs page under out.
func firstOlder(t *testing.T, out string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(out, "bench", "*", "*", "runs-0001.html"))
	if len(m) == 0 {
		t.Fatal("no older runs page")
	}
	return m[0]
}

// sameTree fails unless the files under got and want are the same, byte
// for byte.
func sameTree(t *testing.T, got, want string) {
	t.Helper()
	g, w := tree(t, got), tree(t, want)
	for p, wb := range w {
		if gb, ok := g[p]; !ok {
			t.Errorf("%s lacks %s", got, p)
		} else if !bytes.Equal(gb, wb) {
			t.Errorf("%s differs from the clean build's", p)
		}
	}
	for p := range g {
		if _, ok := w[p]; !ok {
			t.Errorf("%s has %s, which the clean build has not", got, p)
		}
	}
}

func TestSubject(t *testing.T) {
	long := strings.Repeat("é", subjectRunes+5)
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Fix the kernel", "Fix the kernel"},
		{"Fix the kernel\r\n\r\nIt was slow.", "Fix the kernel"},
		{long, strings.Repeat("é", subjectRunes) + "…"},
		{long[:2*subjectRunes], long[:2*subjectRunes]},
	} {
		if got := subject(c.in); got != c.want {
			t.Errorf("subject(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// runsKey writes every field of the page, its navigation and each run's
// verdict by name: a field added to one of them must be added there, or a
// page that changed would be linked from the earlier build unchanged.
func TestRunsKeyCoversEveryField(t *testing.T) {
	for _, c := range []struct {
		typ  reflect.Type
		want int
	}{
		{reflect.TypeFor[Page](), 16},
		{reflect.TypeFor[RunsPage](), 11},
		{reflect.TypeFor[RunsNav](), 9},
		{reflect.TypeFor[history.Verdict](), 8},
	} {
		if n := c.typ.NumField(); n != c.want {
			t.Errorf("%s has %d fields, runsKey knows %d: add the new ones to runsKey (runs.go), then here", c.typ, n, c.want)
		}
	}
}
