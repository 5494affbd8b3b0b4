package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/target"
)

// The payloads of testdata/hostile (see its SOURCE.md).
const (
	scriptBreakout = `</script><script>alert(1)</script>`
	attrBreakout   = `" onmouseover=alert(1) x="`
	jsURL          = `javascript:alert(1)`
)

func hostileOptions(t *testing.T) Options {
	checks, err := compare.ParseChecks("mean:10%")
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Storage: filepath.Join("testdata", "hostile", "history"),
		Content: filepath.Join("testdata", "hostile", "content"),
		Out:     filepath.Join(t.TempDir(), "public"),
		RepoURL: "https://github.com/owner/repo",
		BaseURL: "https://owner.github.io/repo/",
		Compare: compare.Options{Checks: checks},
		Targets: []target.Target{
			{Benchmark: "BenchmarkX/" + scriptBreakout, Limit: 1e-3, Excess: 0.1},
			{Benchmark: scriptBreakout, Limit: 1},
		},
		BrowserBenchmarks: []string{"BenchmarkX/" + scriptBreakout, attrBreakout},
	}
}

// liveInjections parses every page of the site and reports what could run
// script: inline scripts (other than JSON data blocks, which must be
// HTML-safe JSON), event-handler attributes, script URLs, and elements that
// no template writes (img, iframe, object, embed, base, form, style).
func liveInjections(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	for _, f := range siteFiles(t, dir) {
		p := filepath.Join(dir, filepath.FromSlash(f))
		switch {
		case strings.HasSuffix(f, ".html"):
			doc, err := html.Parse(strings.NewReader(readFile(t, p)))
			if err != nil {
				t.Fatal(err)
			}
			walk(doc, func(n *html.Node) {
				if n.Type != html.ElementNode {
					return
				}
				attr := map[string]string{}
				for _, a := range n.Attr {
					attr[a.Key] = a.Val
					key := strings.ToLower(a.Key)
					val := strings.ToLower(strings.TrimSpace(a.Val))
					if strings.HasPrefix(key, "on") {
						found = append(found, f+": event handler attribute "+a.Key+"="+a.Val)
					}
					if key == "style" {
						found = append(found, f+": style attribute")
					}
					switch key {
					case "href", "src", "action", "formaction", "xlink:href", "data-src", "data-wasm", "data-wasm-exec", "data-list":
						for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
							if strings.HasPrefix(val, scheme) {
								found = append(found, f+": "+a.Key+" with a "+scheme+" URL")
							}
						}
					}
				}
				switch n.Data {
				case "script":
					src, hasSrc := attr["src"]
					switch {
					case hasSrc:
						if strings.Contains(src, ":") || !strings.HasSuffix(src, ".js") {
							found = append(found, f+": script from "+src)
						}
					case attr["type"] == "application/json":
						body := ""
						if n.FirstChild != nil {
							body = n.FirstChild.Data
						}
						if !json.Valid([]byte(body)) {
							found = append(found, f+": JSON block is not valid JSON")
						}
						if strings.ContainsAny(body, "<>\u2028\u2029") {
							found = append(found, f+": JSON block is not HTML-safe")
						}
					default:
						found = append(found, f+": inline script: "+textOf(n))
					}
				case "img", "iframe", "object", "embed", "base", "form", "style", "meta":
					if n.Data == "meta" && attr["http-equiv"] == "" {
						return
					}
					found = append(found, f+": <"+n.Data+"> element")
				}
			})
		case strings.HasPrefix(f, "data/"):
			// Fetched, not embedded, but held to the same rule.
			if strings.ContainsAny(readFile(t, p), "<>\u2028\u2029") {
				found = append(found, f+": data file is not HTML-safe JSON")
			}
		}
	}
	return found
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

func TestHostileHistory(t *testing.T) {
	opt := hostileOptions(t)
	res, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != 2 || res.Benchmarks != 4 {
		t.Fatalf("read %d runs of %d benchmarks, want 2 of 4", res.Runs, res.Benchmarks)
	}
	if found := liveInjections(t, opt.Out); len(found) > 0 {
		t.Errorf("live injections in the built site:\n%s", strings.Join(found, "\n"))
	}

	// The hostile text did reach the pages, as text: the checks above are
	// not passing on pages that left the data out.
	var slug string
	for _, f := range siteFiles(t, opt.Out) {
		if strings.HasPrefix(f, "bench/benchmarkx-script-script-alert-1-script-") {
			slug = strings.TrimSuffix(strings.TrimPrefix(f, "bench/"), ".html")
		}
	}
	if slug == "" {
		t.Fatal("no page for the hostile benchmark")
	}
	doc, err := html.Parse(strings.NewReader(readFile(t, filepath.Join(opt.Out, "bench", slug+".html"))))
	if err != nil {
		t.Fatal(err)
	}
	var h1, group, params string
	var hook *html.Node
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch {
		case n.Data == "h1":
			h1 = textOf(n)
		case n.Data == "b" && group == "":
			group = textOf(n)
		case n.Data == "table" && params == "":
			params = textOf(n)
		case n.Data == "section" && hasAttr(n, "id", "browser-run"):
			hook = n
		}
	})
	if h1 != "BenchmarkX/"+scriptBreakout || group != attrBreakout {
		t.Errorf("h1 %q and group %q, want the hostile name and group as text", h1, group)
	}
	if !strings.Contains(params, "<img src=x onerror=alert(1)>") || !strings.Contains(params, jsURL) {
		t.Errorf("the parameters table lacks the hostile key and value as text: %q", params)
	}
	if hook == nil || !hasAttr(hook, "data-benchmark", "BenchmarkX/"+scriptBreakout) {
		t.Error("the browser-run hook lacks the benchmark name as an attribute value")
	}

	// The chart data keep every string intact for the scripts, which escape
	// what they show.
	var d benchData
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(opt.Out, "data", slug+".json"))), &d); err != nil {
		t.Fatal(err)
	}
	r := d.Machines[0].Runs
	if d.Name != "BenchmarkX/"+scriptBreakout || r[0].Commit != jsURL || r[0].Message != scriptBreakout || r[1].Verdict != "regression" {
		t.Errorf("data file: name %q, commit %q, message %q, verdict %q", d.Name, r[0].Commit, r[0].Message, r[1].Verdict)
	}

	// Only the hex commit id is linked; "javascript:alert(1)" as an id is not.
	cmp := readFile(t, filepath.Join(opt.Out, "compare.html"))
	if !strings.Contains(cmp, `href="https://github.com/owner/repo/commit/0123456789abcdef0123456789abcdef01234567"`) {
		t.Error("the hex commit id is not linked")
	}
	// The regression message (which quotes the hostile name) is shown, escaped.
	if !strings.Contains(cmp, "BenchmarkX/&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; (0001_baseline) - Field") {
		t.Error("compare.html lacks the escaped regression message")
	}
}

// TestHostileUnsafeHTML is the checker's control: with raw HTML allowed,
// the script in content/_index.md is live, and liveInjections must say so.
func TestHostileUnsafeHTML(t *testing.T) {
	opt := hostileOptions(t)
	opt.UnsafeHTML = true
	if _, err := Build(opt); err != nil {
		t.Fatal(err)
	}
	found := strings.Join(liveInjections(t, opt.Out), "\n")
	for _, want := range []string{"index.html: inline script: alert(1)", "index.html: <img> element", "evil.html: event handler attribute onmouseover"} {
		if !strings.Contains(found, want) {
			t.Errorf("with unsafe-html the checker missed %q; it found:\n%s", want, found)
		}
	}
}

func hasAttr(n *html.Node, key, val string) bool {
	for _, a := range n.Attr {
		if a.Key == key && a.Val == val {
			return true
		}
	}
	return false
}

func TestHostileFixtureIsIntact(t *testing.T) {
	// The fixture must keep its payloads; an edit that drops them would make
	// the tests above pass for nothing.
	data, err := os.ReadFile(filepath.Join("testdata", "hostile", "history", "Linux-Go-1.26-64bit", "0001_baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, p := range []string{"</script><script>alert(1)</script>", `\" onmouseover=alert(1) x=\"`, jsURL, "\u2028"} {
		if !strings.Contains(s, p) {
			t.Errorf("fixture lacks %q", p)
		}
	}
}
