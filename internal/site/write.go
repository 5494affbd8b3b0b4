package site

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/benchsite/benchsite/internal/assets"
	"github.com/benchsite/benchsite/internal/history"
)

// write writes every file of the site into b.out.
func (b *builder) write() error {
	tmpl, err := loadTemplates(b.opt.Templates, b.projectRoot(b.opt.Templates))
	if err != nil {
		return err
	}
	b.tmpl = tmpl
	if err := b.loadContent(); err != nil {
		return err
	}
	b.site = b.siteInfo()
	b.siteSum = siteKey(b.site)

	if err := b.writeFile(markerFile, []byte("This directory is written by `benchsite build` and replaced whole on every build.\n")); err != nil {
		return err
	}
	if err := b.writeAssets(); err != nil {
		return err
	}
	if err := b.writeWasm(); err != nil {
		return err
	}
	for _, m := range b.machines {
		for _, r := range m.Runs {
			if err := b.linkFile(rawFile(r), r.Path); err != nil {
				return err
			}
		}
	}

	home, err := b.homePage()
	if err != nil {
		return err
	}
	if err := b.page("index.html", "index.html", &Page{Key: "home", Title: "", Charts: home.Charts, Home: home}); err != nil {
		return err
	}
	if err := b.writeBenchPages(); err != nil {
		return err
	}
	cp, err := b.comparePage()
	if err != nil {
		return err
	}
	if err := b.page("compare.html", "compare.html", &Page{Key: "compare", Title: "Compare", Charts: true, Compare: cp}); err != nil {
		return err
	}
	if err := b.page("targets.html", "targets.html", &Page{Key: "targets", Title: "Targets", Targets: b.targetsPage()}); err != nil {
		return err
	}
	if err := b.page("machines.html", "machines.html", &Page{Key: "machines", Title: "Machines", Machines: b.machinesPage()}); err != nil {
		return err
	}
	if err := b.writeChanges(); err != nil {
		return err
	}
	for _, d := range b.docs {
		if err := b.page(d.URL, "doc.html", &Page{Key: "doc:" + d.URL, Title: d.Title, Doc: &DocPage{Source: d.Source, HTML: d.HTML, HasH1: d.HasH1}}); err != nil {
			return err
		}
	}
	if b.site.Browser {
		rp, list := b.runPage()
		js, err := marshal(list)
		if err != nil {
			return fmt.Errorf("site: browser benchmarks: %w", err)
		}
		if err := b.writeFile(rp.DataURL, js); err != nil {
			return err
		}
		if err := b.page("run.html", "run.html", &Page{Key: "run", Title: "Run in your browser", Run: rp}); err != nil {
			return err
		}
	}
	// 404.html is served at any depth, so it links from the base path.
	if err := b.page("404.html", "404.html", &Page{Key: "404", Title: "Not found", Root: b.basePath()}); err != nil {
		return err
	}
	return nil
}

// writeBenchPages writes each benchmark's data file and page. Benchmarks
// are independent, so they are rendered on all CPUs; each file's content
// depends only on its benchmark, so the output is the same in any order.
func (b *builder) writeBenchPages() error {
	errs := make([]error, len(b.benches))
	history.Parallel(b.benches, func(i int, bn *bench) { errs[i] = b.writeBench(bn) })
	return errors.Join(errs...)
}

func (b *builder) writeBench(bn *bench) error {
	data, periods := b.benchData(bn)
	js, err := marshal(data)
	if err != nil {
		return fmt.Errorf("site: chart data of %q: %w", bn.Fullname, err)
	}
	// The data file is keyed by its bytes: an unchanged one is linked.
	var key [32]byte
	if b.keyed() {
		key = sha256.Sum256(js)
	}
	if dp := "data/" + bn.Slug + ".json"; !b.reuseFile(dp, key) {
		if err := b.writeFile(dp, js); err != nil {
			return err
		}
		b.record(dp, key)
	}
	for _, p := range periods {
		if err := b.writePeriod(p); err != nil {
			return fmt.Errorf("site: chart data of %q: %w", bn.Fullname, err)
		}
	}
	bp := b.benchPage(bn, data)
	if err := b.addProfiles(bn, bp); err != nil {
		return err
	}
	if err := b.writeRunsPages(bn, bp); err != nil {
		return err
	}
	return b.page(b.benchURL(bn), "benchmark.html", &Page{Key: "bench", Title: bn.Name, Charts: true, Bench: bp})
}

// linkFile puts the history's file src at rel in the site: a hard link
// where the file system allows one (result files are never changed once
// saved, and a link costs no copy), else a copy.
func (b *builder) linkFile(rel, src string) error {
	p := filepath.Join(b.out, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	st, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	if os.Link(src, p) != nil {
		data, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("site: copying %s: %w", src, err)
		}
		return b.writeFile(rel, data)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.res.Files++
	b.res.Bytes += st.Size()
	return nil
}

func (b *builder) siteInfo() *SiteInfo {
	title := b.home.Title
	if title == "" {
		title = b.opt.Title
	}
	if title == "" {
		title = "Benchmarks"
	}
	s := &SiteInfo{Title: title, BaseURL: b.opt.BaseURL, RepoURL: b.opt.RepoURL}
	s.Nav = []NavItem{
		{Key: "home", Title: "Overview", Path: "index.html"},
		{Key: "compare", Title: "Compare", Path: "compare.html"},
	}
	// Without targets the page only says there are none: it is still
	// written (an old link keeps working) but not offered in the nav.
	if len(b.opt.Targets) > 0 {
		s.Nav = append(s.Nav, NavItem{Key: "targets", Title: "Targets", Path: "targets.html"})
	}
	s.Nav = append(s.Nav,
		NavItem{Key: "changes", Title: "Changes", Path: "changes.html"},
		NavItem{Key: "machines", Title: "Machines", Path: "machines.html"})
	for _, d := range b.docs {
		s.Docs = append(s.Docs, NavItem{Key: "doc:" + d.URL, Title: d.Title, Path: d.URL})
	}
	s.Nav = append(s.Nav, s.Docs...)
	for _, bn := range b.benches {
		s.Browser = s.Browser || bn.BrowserRunnable
	}
	if s.Browser {
		s.Nav = append(s.Nav, NavItem{Key: "run", Title: "Run in your browser", Path: "run.html"})
	}
	if b.opt.WasmFile != "" {
		s.Wasm = "wasm/benchsite.wasm"
		for _, f := range []struct {
			name string
			dst  *string
		}{{"wasm_exec.js", &s.WasmExec}, {"worker.js", &s.WasmWorker}, {"panel.js", &s.WasmPanel}, {"panel.css", &s.WasmStyle}} {
			if st, err := os.Stat(filepath.Join(filepath.Dir(b.opt.WasmFile), f.name)); err == nil && st.Mode().IsRegular() {
				*f.dst = "wasm/" + f.name
			}
		}
	}
	return s
}

// page renders one page template to p.
func (b *builder) page(p, name string, pg *Page) error {
	b.frame(p, pg)
	return b.render(p, name, pg, b.pageKey(name, pg), nil)
}

// frame sets what every page has: the site, its path, root and canonical
// URL.
func (b *builder) frame(p string, pg *Page) {
	pg.Site = b.site
	pg.Path = p
	if pg.Root == "" {
		pg.Root = rootOf(p)
	}
	pg.Canonical = b.canonical(p)
}

// render writes page p from template name, or links the earlier build's
// when its key is unchanged (reuse.go); fill, when set, completes pg
// before it is rendered (work a reused page is spared).
func (b *builder) render(p, name string, pg *Page, key [32]byte, fill func()) error {
	if b.reuseFile(p, key) {
		return nil
	}
	if fill != nil {
		fill()
	}
	html, err := b.tmpl.render(name, pg)
	if err != nil {
		return err
	}
	if err := b.writeFile(p, html); err != nil {
		return err
	}
	b.record(p, key)
	return nil
}

// writeAssets copies the embedded assets; the stylesheet gets the code
// highlighting palette appended, so the site has one stylesheet.
func (b *builder) writeAssets() error {
	return fs.WalkDir(assets.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(assets.FS, p)
		if err != nil {
			return err
		}
		if p == assets.Stylesheet {
			css, err := highlightCSS()
			if err != nil {
				return fmt.Errorf("site: highlighting stylesheet: %w", err)
			}
			data = append(append(data, '\n'), css...)
		}
		return b.writeFile(path.Join("assets", p), data)
	})
}

// writeWasm copies a prebuilt wasm module and the browser-run files found
// beside it (wasm_exec.js, worker.js, panel.js, panel.css; see siteInfo).
func (b *builder) writeWasm() error {
	if b.opt.WasmFile == "" {
		return nil
	}
	data, err := os.ReadFile(b.opt.WasmFile)
	if err != nil {
		return fmt.Errorf("site: wasm module: %w", err)
	}
	if err := b.writeFile(b.site.Wasm, data); err != nil {
		return err
	}
	for _, p := range []string{b.site.WasmExec, b.site.WasmWorker, b.site.WasmPanel, b.site.WasmStyle} {
		if p == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(filepath.Dir(b.opt.WasmFile), path.Base(p)))
		if err != nil {
			return fmt.Errorf("site: browser-run file: %w", err)
		}
		if err := b.writeFile(p, data); err != nil {
			return err
		}
	}
	return nil
}

// benchData is the chart data of one benchmark, and the period files of
// its long series (see longRows).
func (b *builder) benchData(bn *bench) (*benchData, []periodFile) {
	d := &benchData{Name: bn.Name, Fullname: bn.Fullname, Group: bn.Group, BrowserRunnable: bn.BrowserRunnable}
	machines := 0
	for _, s := range bn.Series {
		if s != nil {
			machines++
		}
	}
	var files []periodFile
	for _, s := range bn.Series {
		if s == nil {
			continue
		}
		last := s.Latest()
		u := benchUnit(last.Bench, last.Bench.Stats.Median)
		targets := b.targetsFor(last.Bench)
		newestBase := ""
		if nb := s.Machine.NewestBaseline; nb != nil {
			for _, p := range s.Points {
				if p.Run == nb {
					newestBase = fmt.Sprintf("%04d", nb.Number)
				}
			}
		}
		if len(s.Points) > maxRows {
			md, pf := b.longMachine(s, u, bn.Slug, machines, targets, newestBase)
			files = append(files, pf...)
			d.Machines = append(d.Machines, md)
			continue
		}
		rows, hasMem := b.runRows(s, u)
		md := machineData{ID: s.Machine.ID, Unit: u, Runs: rows, Total: len(rows), Distribution: distributionChart(u)}
		md.History, md.OffChart = historyChart(rows, u, targets, newestBase)
		md.Changes = []changeMark{}
		b.addChangeMarks(&md, s, u)
		if hasMem {
			mc := memoryChart(rows)
			md.Memory = &mc
		}
		d.Machines = append(d.Machines, md)
	}
	return d, files
}
