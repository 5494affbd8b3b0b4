package site

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/benchsite/benchsite/internal/numfmt"
	"github.com/benchsite/benchsite/internal/textenc"
	"github.com/benchsite/benchsite/templates"
)

// templateSet is every template, defaults overridden by the user's files.
type templateSet struct {
	t *template.Template
	// sum is the SHA-256 of every file's name and source, in parse order:
	// part of every page's key (reuse.go).
	sum [32]byte
}

// funcs are the helpers templates may call. They format numbers; only
// breakable produces HTML, and it escapes its whole input itself.
var funcs = template.FuncMap{
	"breakable": breakable,
	"seconds":   seconds,
	"share":     share,
	"percent":   percent,
	"number":    number,
	"pvalue":    pvalue,
	"short":     shortCommit,
	"lower":     func(s string) string { return strings.ToLower(safeText(s)) },
	"safeText":  safeText,
	"join":      strings.Join,
	"add":       func(a, b int) int { return a + b },
	"dict":      dict,
	"subject":   subject,
}

// subjectRunes is the longest commit subject subject keeps.
const subjectRunes = 200

// subject is a commit message's first line, cut to subjectRunes
// characters (with "…"): the commit's tooltip. A message may hold 16 KiB,
// and a page of 100 runs that each showed theirs whole could weigh over a
// megabyte; the message stays whole in the run's result file.
//
// Control and format characters become U+FFFD (safeText).
func subject(msg string) string {
	line, _, _ := strings.Cut(msg, "\n")
	line = safeText(strings.TrimRight(line, "\r"))
	n := 0
	for i := range line {
		if n == subjectRunes {
			return line[:i] + "…"
		}
		n++
	}
	return line
}

// safeText is s with control and format characters (escape sequences,
// NUL, bidi overrides) replaced by U+FFFD (textenc.Printable): untrusted
// text (names, commit messages) shown in a page, a tooltip or a badge.
func safeText(s string) string { return textenc.Printable(s, '\uFFFD') }

// breakable escapes a benchmark name or run label for HTML and lets it
// wrap after each "/", "=" and "_" (a <wbr> there), so a narrow column
// breaks "BenchmarkForward/batch=32" or "0003_069aa496e47d_20261125" between
// its parts rather than mid-word.
//
// Control and format characters (escape sequences, NUL, bidi overrides)
// become U+FFFD (textenc.Printable), as everywhere names are shown.
func breakable(name string) template.HTML {
	var b strings.Builder
	prev := rune(0)
	for _, r := range textenc.Printable(name, '\uFFFD') {
		if unicode.IsUpper(r) && unicode.IsLower(prev) {
			// CamelCase: a long name with no / or = breaks between words
			// rather than mid-word.
			b.WriteString("<wbr>")
		}
		prev = r
		b.WriteString(html.EscapeString(string(r)))
		if r == '/' || r == '=' || r == '_' {
			b.WriteString("<wbr>")
		}
	}
	return template.HTML(b.String())
}

// share writes a fraction as a whole percentage ("12%"), "—" when it is
// not finite.
func share(f float64) string { return numfmt.Share(f, 0) }

// dict builds a map from key, value pairs, to pass several values to a
// {{template}} call.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// loadTemplates parses the embedded templates, each file replaced by a file
// of the same name in dir (files only there are added). Every file is
// parsed into one set, so a page may use any {{define}}d block of another
// file; a later file's {{define}} of the same name wins, and user files are
// parsed after the defaults. A file of dir that links outside root is an
// error (checkInside).
func loadTemplates(dir, project string) (*templateSet, error) {
	files := map[string]string{} // name → source
	origin := map[string]string{}
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		data, err := fs.ReadFile(templates.FS, p)
		files[p] = string(data)
		origin[p] = "embedded templates/" + p
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("site: embedded templates: %w", err)
	}
	var user []string
	if dir != "" {
		if _, err := os.Lstat(dir); err == nil {
			// A templates/ that is itself a link is followed inside the
			// project only.
			if err := checkInside("templates folder", dir, project); err != nil {
				return nil, err
			}
		}
		entries, err := os.ReadDir(dir)
		if err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("site: templates directory: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".html") {
				continue
			}
			p := filepath.Join(dir, e.Name())
			if err := checkInside("template", p, project); err != nil {
				return nil, err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("site: template: %w", err)
			}
			if _, ok := files[e.Name()]; !ok {
				user = append(user, e.Name())
			}
			files[e.Name()] = string(data)
			origin[e.Name()] = p
		}
	}
	// Defaults first (sorted), then user-only files (sorted): a user file can
	// redefine any block.
	var names []string
	for n := range files {
		isUser := false
		for _, u := range user {
			isUser = isUser || u == n
		}
		if !isUser {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	sort.Strings(user)
	names = append(names, user...)
	root := template.New("").Funcs(funcs)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%q %d\n%s", n, len(files[n]), files[n])
		if _, err := root.New(n).Parse(files[n]); err != nil {
			return nil, fmt.Errorf("site: template %s: %w", origin[n], err)
		}
	}
	ts := &templateSet{t: root}
	h.Sum(ts.sum[:0])
	return ts, nil
}

func (s *templateSet) has(name string) bool { return s.t.Lookup(name) != nil }

// render executes the named template.
func (s *templateSet) render(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("site: rendering %s: %w", name, err)
	}
	return cleanPage(buf.Bytes()), nil
}

// cleanPage replaces in a rendered page every control character but tab,
// newline and carriage return (C0, DEL, C1: terminal escape sequences, NUL)
// and every bidi control (U+200E, U+200F, U+061C, U+202A–U+202E,
// U+2066–U+2069: text that reads otherwise than it is, "Trojan Source")
// with U+FFFD; a page with none is returned as it is. Names, labels and commit
// messages come from result files and reach many places in a page (text,
// attributes, tooltips, the charts' JSON); the templates show them through
// safeText or breakable, and this pass keeps one that a template prints
// plainly from arriving raw. HTML forbids these control characters, and
// no page of ours needs a bidi control. Replacing one inside a JSON string
// leaves a valid JSON string.
func cleanPage(p []byte) []byte {
	if !hasUnshown(p) {
		return p
	}
	return bytes.Map(func(r rune) rune {
		if unshown(r) {
			return '\uFFFD'
		}
		return r
	}, p)
}

// hasUnshown reports whether p holds a character unshown reports, from its
// UTF-8 bytes alone (a page is mostly ASCII, "—", "µ" and "→": decoding
// every character would cost more than the check).
func hasUnshown(p []byte) bool {
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c < 0x20:
			if c != '\t' && c != '\n' && c != '\r' {
				return true
			}
		case c == 0x7f:
			return true
		case c == 0xc2: // U+0080–U+00BF: C1 controls up to U+009F
			if i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9f {
				return true
			}
		case c == 0xd8: // U+061C
			if i+1 < len(p) && p[i+1] == 0x9c {
				return true
			}
		case c == 0xe2: // U+200E, U+200F, U+202A–U+202E, U+2066–U+2069
			if i+2 < len(p) {
				b1, b2 := p[i+1], p[i+2]
				if b1 == 0x80 && (b2 == 0x8e || b2 == 0x8f || b2 >= 0xaa && b2 <= 0xae) || b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9 {
					return true
				}
			}
		}
	}
	return false
}

// unshown reports whether cleanPage and cleanJSON replace r.
func unshown(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r <= 0x9f ||
		r == 0x200e || r == 0x200f || r == 0x061c || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// cleanJSON is cleanPage for JSON that encoding/json wrote (the charts'
// data files and <script> blocks, which charts.js puts into tooltips):
// besides the raw characters, the escapes of control characters (\u001b,
// \b, \f; not \t, \n, \r) become \ufffd.
func cleanJSON(p []byte) []byte {
	var out []byte // nil until something is replaced
	for i := 0; i < len(p); {
		n, repl := 1, false
		switch c := p[i]; {
		case c == '\\' && i+1 < len(p):
			n = 2
			switch p[i+1] {
			case 'b', 'f':
				repl = true
			case 'u':
				if i+6 <= len(p) {
					n = 6
					v, err := strconv.ParseUint(string(p[i+2:i+6]), 16, 32)
					repl = err == nil && unshown(rune(v))
				}
			}
		case c == 0x7f:
			repl = true
		case c >= utf8.RuneSelf:
			var r rune
			r, n = utf8.DecodeRune(p[i:])
			repl = unshown(r)
		}
		if repl && out == nil {
			out = append(make([]byte, 0, len(p)+16), p[:i]...)
		}
		switch {
		case repl:
			out = append(out, `\ufffd`...)
		case out != nil:
			out = append(out, p[i:i+n]...)
		}
		i += n
	}
	if out == nil {
		return p
	}
	return out
}
