// Package site builds benchsite's static report site from the saved history
// (.benchmarks/<machine>/NNNN_<name>.json), the Markdown pages in content/
// and the HTML templates (embedded defaults from templates/, overridable by
// file name from a user's directory).
//
// Output layout (all links between pages are relative, so the site works
// under any base path, e.g. a GitHub project site at /<repo>/):
//
//	index.html                 home: intro, latest run per machine, summary grid
//	bench/<slug>.html          one page per benchmark (fullname → slug)
//	bench/<slug>/<machine>/runs-NNNN.html  the older pages of its runs table,
//	                           100 runs a page counted from the oldest (runs.go)
//	data/<slug>.json           that page's chart data, fetched by the page (a
//	                           long series downsampled: see long.go)
//	data/<slug>/<machine>/NNNN.json  every run of a long series, 500 a file,
//	                           fetched for the range a reader zooms into
//	compare.html               newest baseline vs newest run, per machine
//	targets.html, machines.html
//	changes.html               every change point, newest first
//	changes.xml                Atom feed (RFC 4287) of the regressions among them
//	badges/status.svg          SVG badge: open regressions
//	badges/<slug>.svg          SVG badge: a benchmark's newest median and trend
//	<name>.html                one page per content/<name>.md except _index.md
//	                           (subfolders kept; names of the site's own pages
//	                           and folders are refused)
//	run.html, data/browser.json  only with Options.BrowserBenchmarks
//	results/<machine>/<file>   the result files, byte for byte (hard links
//	                           where the file system allows)
//	profiles/<machine>/<run>/<benchmark>.pprof  the runs' profiles (benchsite
//	                           run --profile), byte for byte; a benchmark's page
//	                           shows the newest one's top functions and flame graph
//	assets/...                 stylesheet, scripts, ECharts and its licence
//	404.html
//
// Contract:
//   - The history is loaded and analysed by package history (every result
//     file read; a file that cannot be read stops the build with an error
//     naming it, unless Options.SkipInvalid, which turns each into a
//     warning; verdicts from compare.Compare with Options.Compare, target
//     status from target.Check, change points from package changepoint).
//     This package only renders what history found.
//   - The feed and the badges are written by encoding/xml and xml.EscapeText
//     (names are untrusted there too); badge file names are slugs, [a-z0-9-].
//   - Result files are untrusted: every field reaches HTML only through
//     html/template's contextual escaping, chart data only as JSON written by
//     encoding/json (which escapes <, >, &, U+2028 and U+2029) in separate
//     files or <script type="application/json"> blocks, read by the site's
//     own static scripts. No template, script or option string is ever built
//     from data.
//   - The home page's size does not depend on the history's length: the
//     per-benchmark history lives in data/<slug>.json, and the home page's
//     trend lines are inline SVG of the last few runs only.
//   - The same inputs give byte-identical output: no build timestamps, maps
//     sorted, chart ids derived from positions; with or without
//     Options.Cache. With it, a page whose inputs are unchanged is linked
//     from the earlier build instead of rendered (reuse.go).
//   - A benchmark page's weight does not depend on the history's length
//     either: its runs table shows the newest page of at most 100 runs and
//     links the older pages, and a long series' data file holds a
//     downsampled series of bounded length (long.go).
package site

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/target"
	"github.com/benchsite/benchsite/internal/words"
)

// Options configure Build.
type Options struct {
	// Storage is the history root, e.g. ".benchmarks".
	Storage string
	// Loaded, when set, is called once the history is loaded and analysed,
	// before the pages are written (`benchsite build` fits its memory
	// limit to the live heap then: package memlimit).
	Loaded func()
	// Content is the directory of Markdown pages; _index.md gives the home
	// page's title and intro. A missing directory means no docs pages.
	Content string
	// Templates is a directory whose *.html files replace the embedded
	// templates of the same name (or add new ones). "" or missing: defaults.
	Templates string
	// Root is the project folder. A file under Content or Templates that is
	// a symbolic link to a place outside it stops the build (an error naming
	// it); links inside it are followed. Default: the folder holding
	// Content (resp. Templates).
	Root string
	// Out is the output directory. It must be missing, empty, or a site an
	// earlier Build wrote (it is then replaced whole).
	Out string
	// BaseURL is where the site is published, e.g.
	// "https://owner.github.io/repo/". Pages link relatively, so it is only
	// used for canonical links and the 404 page.
	BaseURL string
	// RepoURL, when set (e.g. "https://github.com/owner/repo"), links commits
	// as RepoURL/commit/<id>.
	RepoURL string
	// Title is the site's title when content/_index.md has none in its
	// front matter (the page content wins, so a project writes it once);
	// default "Benchmarks".
	Title string
	// SkipInvalid turns unreadable result files into warnings.
	SkipInvalid bool
	// Cache, when set, is a directory where the history's summaries are
	// kept between builds, keyed by the files' content (history.Options.Cache):
	// a build then reads only new or changed result files, and links the
	// pages and period files whose inputs have not changed from the
	// earlier build (Reuse) instead of rendering them again (a manifest of
	// their keys is kept there too; see reuse.go). The output is the same
	// with or without it.
	Cache string
	// Reuse is an earlier build's output to link unchanged files from
	// (with Cache); default: Out itself when it holds an earlier build.
	// The preview server builds each time into a new folder and gives the
	// one it serves.
	Reuse string
	// UnsafeHTML lets raw HTML in Markdown through (trusted content only).
	UnsafeHTML bool
	// Compare configures the verdicts (the same options as `benchsite compare`).
	Compare compare.Options
	// Targets are the performance targets.
	Targets []target.Target
	// BrowserBenchmarks names (name or fullname) the benchmarks that the WASM
	// build can run in a reader's browser; they get the "browser-runnable"
	// flag in the page data and a run.html page.
	BrowserBenchmarks []string
	// WasmFile, when set, is a prebuilt wasm module copied to
	// wasm/benchsite.wasm; wasm_exec.js, worker.js, panel.js and panel.css
	// beside it are copied into wasm/ too (wasmbuild.Result.Wasm is such a
	// file).
	WasmFile string
	// Warnings, when set, receives each warning as a line as it happens
	// (they are also in Result.Warnings).
	Warnings io.Writer
}

// Result summarises a build.
type Result struct {
	Machines   int
	Runs       int // result files read
	Benchmarks int // distinct fullnames
	Pages      int // HTML pages in the output
	Files      int // files in the output
	Bytes      int64
	// Reused counts the files (ReusedPages the HTML pages) among them
	// that an incremental build linked unchanged from the earlier build
	// instead of rendering them (Options.Cache; see reuse.go).
	Reused, ReusedPages int
	// Skipped lists unreadable files left out (SkipInvalid).
	Skipped []string
	// Warnings are problems that did not stop the build.
	Warnings []string
}

// String summarises r in one line.
func (r *Result) String() string {
	pages := words.Count(r.Pages, "page")
	if r.Reused > 0 {
		pages += fmt.Sprintf(" (%d rendered, %d unchanged)", r.Pages-r.ReusedPages, r.ReusedPages)
	}
	s := fmt.Sprintf("%s, %s (%s) from %s of %s on %s",
		pages, words.Count(r.Files, "file"), humanBytes(r.Bytes),
		words.Count(r.Runs, "run"), words.Count(r.Benchmarks, "benchmark"), words.Count(r.Machines, "machine"))
	if len(r.Skipped) > 0 {
		s += fmt.Sprintf("; %s skipped", words.CountAs(len(r.Skipped), "unreadable file", "unreadable files"))
	}
	if len(r.Warnings) > 0 {
		s += "; " + words.Count(len(r.Warnings), "warning")
	}
	return s
}

// markerFile marks a directory as benchsite's output, so that a rebuild may
// replace it; any other non-empty directory is refused rather than deleted.
const markerFile = ".benchsite-site"

// Build builds the site into opt.Out.
func Build(opt Options) (*Result, error) {
	if opt.Out == "" {
		return nil, errors.New("site: no output directory given (--out)")
	}
	if opt.Storage == "" {
		return nil, errors.New("site: no history directory given (--storage)")
	}
	b := &builder{opt: opt, res: &Result{}}
	if err := b.load(); err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	if opt.Loaded != nil {
		opt.Loaded()
	}
	dir, commit, err := prepareOut(opt.Out)
	if err != nil {
		return nil, err
	}
	b.out = dir
	b.reuse = opt.Reuse
	if b.reuse == "" && dir != opt.Out {
		b.reuse = opt.Out
	}
	if b.reuse != "" && absDir(b.reuse) == absDir(dir) {
		b.reuse = "" // nothing to link from
	}
	b.keys, b.newKeys = map[string]fileKey{}, map[string]fileKey{}
	if b.reuse != "" {
		b.keys = readKeys(opt.Cache, b.reuse)
	}
	if err := b.write(); err != nil {
		// Leave nothing half-written: a staging directory goes, a new or
		// empty Out is emptied again.
		if dir != opt.Out {
			os.RemoveAll(dir)
		} else if entries, _ := os.ReadDir(dir); entries != nil {
			for _, e := range entries {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
		return nil, err
	}
	if err := commit(); err != nil {
		return nil, err
	}
	writeKeys(opt.Cache, opt.Out, b.newKeys)
	return b.res, nil
}

// prepareOut decides where the files go. A missing or empty Out is written
// directly. An earlier build's output is replaced: the new site is written
// beside it and swapped in only when complete, so a failed build leaves the
// old site intact.
func prepareOut(out string) (dir string, commit func() error, err error) {
	entries, err := os.ReadDir(out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(out, 0o755); err != nil {
			return "", nil, fmt.Errorf("site: creating %s: %w", out, err)
		}
		return out, func() error { return nil }, nil
	case err != nil:
		return "", nil, fmt.Errorf("site: output directory %s: %w", out, err)
	case len(entries) == 0:
		return out, func() error { return nil }, nil
	}
	if _, err := os.Stat(filepath.Join(out, markerFile)); err != nil {
		return "", nil, fmt.Errorf("site: output directory %s is not empty and was not written by benchsite build (no %s); choose an empty or new directory with --out", out, markerFile)
	}
	parent := filepath.Dir(filepath.Clean(out))
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".new-")
	if err != nil {
		return "", nil, fmt.Errorf("site: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", nil, fmt.Errorf("site: %w", err)
	}
	return tmp, func() error {
		old := tmp + "-old"
		if err := os.Rename(out, old); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("site: replacing %s: %w", out, err)
		}
		if err := os.Rename(tmp, out); err != nil {
			os.Rename(old, out)
			os.RemoveAll(tmp)
			return fmt.Errorf("site: replacing %s: %w", out, err)
		}
		return os.RemoveAll(old)
	}, nil
}

func (b *builder) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	b.res.Warnings = append(b.res.Warnings, msg)
	if b.opt.Warnings != nil {
		fmt.Fprintln(b.opt.Warnings, "warning:", msg)
	}
}

// writeFile writes one output file (path relative to the site root).
func (b *builder) writeFile(rel string, data []byte) error {
	p := filepath.Join(b.out, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.res.Files++
	b.res.Bytes += int64(len(data))
	if strings.HasSuffix(rel, ".html") {
		b.res.Pages++
	}
	return nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
