package site

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	meta "github.com/yuin/goldmark-meta"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	goldhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// doc is one Markdown file of the content directory.
type doc struct {
	Source string // path relative to the content dir, slashes
	URL    string // output path from the site root, e.g. "benchmarks.html"
	Title  string
	Weight int
	HTML   template.HTML
	HasH1  bool // the Markdown has its own level-1 heading
}

// homeContent is content/_index.md.
type homeContent struct {
	Title string
	Intro template.HTML
}

// Code is highlighted with CSS classes (not inline styles) so one
// stylesheet can carry a light and a dark palette.
const (
	lightStyle = "github"
	darkStyle  = "monokai"
)

// newMarkdown is goldmark with GFM (tables, strikethrough, autolinks, task
// lists), front matter, heading ids with anchor links, and highlighted
// code. Raw HTML is dropped (goldmark's default) unless unsafe.
func newMarkdown(unsafe bool, links *linkRewriter) goldmark.Markdown {
	rendererOpts := []renderer.Option{}
	if unsafe {
		rendererOpts = append(rendererOpts, goldhtml.WithUnsafe())
	}
	return goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			meta.Meta,
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
			),
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(links, 100)),
		),
		goldmark.WithRendererOptions(rendererOpts...),
	)
}

// linkRewriter adds an anchor link to every heading and points relative
// links to other Markdown files at their pages.
type linkRewriter struct {
	// from is the output path of the page being rendered; docs maps a
	// content-relative .md path to its output path.
	from string
	src  string
	docs map[string]string
	// h1 is set to the text of the first level-1 heading (a fallback title).
	h1 string
}

func (l *linkRewriter) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if n.Level == 1 && l.h1 == "" {
				l.h1 = plainText(n, reader.Source())
			}
			id, ok := n.AttributeString("id")
			if !ok {
				return ast.WalkContinue, nil
			}
			idb, _ := id.([]byte)
			a := ast.NewLink()
			a.Destination = append([]byte("#"), idb...)
			a.SetAttributeString("class", []byte("anchor"))
			a.SetAttributeString("aria-hidden", []byte("true"))
			a.AppendChild(a, ast.NewString([]byte("#")))
			n.AppendChild(n, a)
		case *ast.Link:
			n.Destination = []byte(l.rewrite(string(n.Destination)))
		}
		return ast.WalkContinue, nil
	})
}

// rewrite maps "other.md#part" (relative to the current file) to the
// relative URL of that page; other destinations are kept.
func (l *linkRewriter) rewrite(dest string) string {
	p, frag, _ := strings.Cut(dest, "#")
	if !strings.HasSuffix(p, ".md") || strings.Contains(p, ":") || strings.HasPrefix(p, "/") {
		return dest
	}
	target := path.Clean(path.Join(path.Dir(l.src), p))
	var out string
	if target == "_index.md" {
		out = "index.html"
	} else if u, ok := l.docs[target]; ok {
		out = u
	} else {
		return dest
	}
	rel := relURL(l.from, out)
	if frag != "" {
		rel += "#" + frag
	}
	return rel
}

// relURL is the relative URL from the page at from to the file at to (both
// paths from the site root).
func relURL(from, to string) string {
	return rootOf(from) + to
}

// rootOf is the prefix that leads from the page at p to the site root.
func rootOf(p string) string {
	return strings.Repeat("../", strings.Count(p, "/"))
}

// loadContent renders every Markdown file under dir.
func (b *builder) loadContent() error {
	dir := b.opt.Content
	if dir == "" {
		return nil
	}
	root := b.projectRoot(dir)
	sources, err := contentFiles(dir, root)
	if err != nil {
		return err
	}
	sort.Strings(sources)
	urls := map[string]string{}
	for _, s := range sources {
		if s == "_index.md" {
			continue
		}
		u := docSlug(s) + ".html"
		if why := reservedPath(u); why != "" {
			return fmt.Errorf("site: %s would be written to %s, %s; rename the Markdown file", filepath.Join(dir, filepath.FromSlash(s)), u, why)
		}
		urls[s] = u
	}
	for _, s := range sources {
		if err := checkInside("content", filepath.Join(dir, filepath.FromSlash(s)), root); err != nil {
			return err
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(s)))
		if err != nil {
			return fmt.Errorf("site: %w", err)
		}
		out := urls[s]
		if s == "_index.md" {
			out = "index.html"
		}
		html, fm, h1, err := b.renderMarkdown(data, s, out, urls)
		if err != nil {
			return fmt.Errorf("site: %s: %w", filepath.Join(dir, s), err)
		}
		title := fmString(fm, "title")
		if s == "_index.md" {
			b.home = homeContent{Title: title, Intro: html}
			continue
		}
		if title == "" {
			title = h1
		}
		if title == "" {
			title = strings.TrimSuffix(path.Base(s), ".md")
		}
		weight, err := fmInt(fm, "weight")
		if err != nil {
			return fmt.Errorf("site: %s: front matter: %w", filepath.Join(dir, s), err)
		}
		b.docs = append(b.docs, &doc{Source: s, URL: out, Title: title, Weight: weight, HTML: html, HasH1: h1 != ""})
	}
	sort.SliceStable(b.docs, func(i, j int) bool {
		if b.docs[i].Weight != b.docs[j].Weight {
			return b.docs[i].Weight < b.docs[j].Weight
		}
		return b.docs[i].Title < b.docs[j].Title
	})
	return nil
}

// reservedPath says why a docs page may not be written to p ("" if it may):
// the site's own pages and folders come first.
func reservedPath(p string) string {
	first, _, nested := strings.Cut(p, "/")
	switch {
	case !nested && (p == "index.html" || p == "compare.html" || p == "targets.html" || p == "machines.html" || p == "run.html" || p == "404.html"):
		return "which is one of the site's own pages"
	case nested && (first == "assets" || first == "bench" || first == "data" || first == "results" || first == "wasm"):
		return "inside the site's own " + first + "/ folder"
	}
	return ""
}

// docSlug keeps a content path's folders and makes each part URL-safe.
func docSlug(src string) string {
	parts := strings.Split(strings.TrimSuffix(src, ".md"), "/")
	for i, p := range parts {
		var b strings.Builder
		for _, r := range p {
			if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '-' || r == '_' || r == '.' {
				b.WriteRune(r)
			} else {
				b.WriteByte('-')
			}
		}
		parts[i] = strings.Trim(b.String(), ".")
		if parts[i] == "" {
			parts[i] = "page"
		}
	}
	return strings.Join(parts, "/")
}

func (b *builder) renderMarkdown(src []byte, name, out string, urls map[string]string) (template.HTML, map[string]any, string, error) {
	links := &linkRewriter{from: out, src: name, docs: urls}
	md := newMarkdown(b.opt.UnsafeHTML, links)
	ctx := parser.NewContext()
	var buf bytes.Buffer
	if err := md.Convert(src, &buf, parser.WithContext(ctx)); err != nil {
		return "", nil, "", err
	}
	fm, err := meta.TryGet(ctx)
	if err != nil {
		return "", nil, "", fmt.Errorf("front matter: %w", err)
	}
	// goldmark escapes text and, unless unsafe, drops raw HTML and
	// dangerous link schemes; its output is the page's trusted HTML.
	return template.HTML(buf.String()), fm, links.h1, nil
}

func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func fmString(fm map[string]any, key string) string {
	if v, ok := fm[key]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

func fmInt(fm map[string]any, key string) (int, error) {
	v, ok := fm[key]
	if !ok || v == nil {
		return 0, nil
	}
	switch x := v.(type) {
	case int:
		return x, nil
	case float64:
		return int(x), nil
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil {
			return 0, fmt.Errorf("%s: %q is not a whole number", key, x)
		}
		return n, nil
	}
	return 0, fmt.Errorf("%s: %v is not a whole number", key, v)
}

// highlightCSS is the code highlighting palette: light by default, dark
// under prefers-color-scheme: dark.
func highlightCSS() (string, error) {
	f := chromahtml.New(chromahtml.WithClasses(true))
	var light, dark bytes.Buffer
	if err := f.WriteCSS(&light, style(lightStyle)); err != nil {
		return "", err
	}
	if err := f.WriteCSS(&dark, style(darkStyle)); err != nil {
		return "", err
	}
	return "/* code highlighting (chroma " + lightStyle + " / " + darkStyle + ") */\n" +
		light.String() + "@media (prefers-color-scheme: dark) {\n" + dark.String() + "}\n" +
		"/* code blocks keep the site's own background */\npre.chroma { background-color: var(--bg-code); }\n", nil
}

func style(name string) *chroma.Style {
	if s := styles.Get(name); s != nil {
		return s
	}
	return styles.Fallback
}
