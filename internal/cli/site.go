package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/benchsite/benchsite/internal/memlimit"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/benchsite/benchsite/internal/config"
	"github.com/benchsite/benchsite/internal/server"
	"github.com/benchsite/benchsite/internal/site"
	"github.com/benchsite/benchsite/internal/version"
	"github.com/benchsite/benchsite/internal/wasmbuild"
)

// siteFlags are the flags shared by build and serve.
type siteFlags struct {
	common
	skipInvalid bool
}

func (s *siteFlags) register(fs *flags) {
	s.common.register(fs)
	fs.BoolVar(&s.skipInvalid, "skip-invalid", false, "warn about unreadable result files instead of stopping")
}

// setup is what build and serve share: the flags parsed (no arguments
// taken), then options.
func (s *siteFlags) setup(e *env, fs *flags, args []string) (*config.Config, site.Options, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, site.Options{}, err
	}
	if len(pos) > 0 {
		return nil, site.Options{}, badInput("%s takes no arguments, got %q", fs.Name(), strings.Join(pos, " "))
	}
	return s.options(e, fs)
}

// options loads the configuration and turns it into site.Options.
func (s *siteFlags) options(e *env, fs *flags) (*config.Config, site.Options, error) {
	cfg, err := s.load(e, fs)
	if err != nil {
		return nil, site.Options{}, err
	}
	if err := s.storageGiven(cfg); err != nil {
		return nil, site.Options{}, err
	}
	opt, err := siteOptions(e, cfg, s)
	return cfg, opt, err
}

// siteOptions turns the configuration into site.Options.
func siteOptions(e *env, cfg *config.Config, sf *siteFlags) (site.Options, error) {
	var cf compareFlags
	cmpOpt, err := cf.options(cfg)
	if err != nil {
		return site.Options{}, err
	}
	return site.Options{
		Storage:           cfg.Storage,
		Content:           e.abs(cfg.Site.Content),
		Templates:         e.abs(cfg.Site.Templates),
		Root:              e.dir,
		Out:               e.abs(cfg.Site.Out),
		BaseURL:           cfg.Site.BaseURL,
		RepoURL:           cfg.Site.RepoURL,
		Title:             cfg.Site.Title,
		SkipInvalid:       sf.skipInvalid,
		Cache:             historyCache(cfg.Storage),
		UnsafeHTML:        cfg.Site.UnsafeHTML,
		Compare:           cmpOpt,
		Targets:           targets(cfg),
		BrowserBenchmarks: cfg.Site.BrowserBenchmarks,
		Warnings:          e.stderr,
	}, nil
}

// historyCache is where builds of the history at storage keep its
// summaries between builds (site.Options.Cache):
// <os.UserCacheDir>/benchsite/history/<hash of the folder's absolute path>;
// "" (no cache) when there is no user cache directory.
func historyCache(storage string) string {
	uc, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	abs, err := filepath.Abs(storage)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(uc, "benchsite", "history", hex.EncodeToString(sum[:8]))
}

// browserModule builds the browser runs' wasm module (cached by package
// wasmbuild) when the configuration names browser benchmarks, and hands it
// to the site. Without the module's source directory the site is built
// without it, with a warning: the pages then say nothing can run.
func browserModule(ctx context.Context, e *env, cfg *config.Config, opt *site.Options) error {
	if len(cfg.Site.BrowserBenchmarks) == 0 || cfg.Site.Wasm == "" {
		return nil
	}
	dir := e.abs(cfg.Site.Wasm)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		fmt.Fprintf(e.stderr, "warning: site.browser-benchmarks is set but the browser build's package %s does not exist (site.wasm); the site is built without browser runs\n", e.rel(dir))
		return nil
	}
	res, err := wasmbuild.Build(ctx, wasmbuild.Options{Dir: dir, Log: e.stderr})
	if err != nil {
		return err
	}
	opt.WasmFile = res.Wasm
	return nil
}

// memLimitHelp is what build's and serve's --help say of the memory limit
// (package memlimit).
var memLimitHelp = fmt.Sprintf("soft memory limit of %d MiB, raised to 1.25x the live heap once the history is loaded;\n"+
	"GOMEMLIMIT in the environment replaces it (GOMEMLIMIT=off: no limit)", memlimit.Build>>20)

func cmdBuild(e *env, args []string) error {
	fs := flagSet(e, "build", "[flags]", fmt.Sprintf("Build the static report site from the saved history, content/ and templates/ (nothing is run).\n"+
		"It runs under a %s", memLimitHelp))
	var sf siteFlags
	sf.register(fs)
	out := fs.String("out", "", "output `dir` (default: site.out in the config, public)")
	baseURL := fs.String("base-url", "", "`URL` the site is published under, e.g. https://owner.github.io/repo/ (default: site.base-url)")
	cfg, opt, err := sf.setup(e, fs, args)
	if err != nil {
		return err
	}
	if *out != "" {
		opt.Out = e.abs(*out)
	}
	if *baseURL != "" {
		if err := config.CheckBaseURL(*baseURL); err != nil {
			return badInput("--base-url: %v", err)
		}
		opt.BaseURL = *baseURL
	}
	if err := browserModule(e.ctx, e, cfg, &opt); err != nil {
		return &exitError{ExitBadUse, err}
	}
	// A long history builds in bounded memory: the collector runs before
	// the heap doubles (package memlimit; GOMEMLIMIT overrides).
	lim := memlimit.Set(memlimit.Build)
	defer lim.Restore()
	opt.Loaded = lim.Fit
	res, err := site.Build(opt)
	if err != nil {
		return &exitError{ExitBadUse, err}
	}
	fmt.Fprintf(e.stdout, "Built %s: %s\n", e.rel(opt.Out), res)
	return nil
}

func cmdServe(e *env, args []string) error {
	fs := flagSet(e, "serve", "[flags]", fmt.Sprintf("Build the site, serve it on 127.0.0.1, rebuild when content/, templates/, the history or the config change, and reload open pages.\n"+
		"Its builds run under build's %s", memLimitHelp))
	var sf siteFlags
	sf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8000", "listen `address`")
	cfg, _, err := sf.setup(e, fs, args)
	if err != nil {
		return err
	}
	watch := []string{e.abs(cfg.Site.Content), e.abs(cfg.Site.Templates), cfg.Storage}
	if cfg.Site.Wasm != "" && len(cfg.Site.BrowserBenchmarks) > 0 {
		// The module is built from the benchmark code too: watch every
		// package of the module it compiles, not only its own directory.
		dirs, err := wasmbuild.SourceDirs(e.ctx, wasmbuild.Options{Dir: e.abs(cfg.Site.Wasm)})
		if err != nil {
			dirs = []string{e.abs(cfg.Site.Wasm)}
		}
		watch = append(watch, dirs...)
	}
	if cfg.Path != "" {
		watch = append(watch, cfg.Path)
	}
	var (
		lastMu sync.Mutex
		last   string // the output of the newest good build
	)
	// Every build bounds its memory as `benchsite build` does (the
	// limit holds for the whole process; the builds run one at a time).
	lim := memlimit.Set(memlimit.Build)
	defer lim.Restore()
	build := func(ctx context.Context, outDir string) error {
		// The configuration is read again on every build, so edits to
		// benchsite.toml take effect without a restart.
		cfg, opt, err := sf.options(e, fs)
		if err != nil {
			return err
		}
		opt.Out = outDir
		opt.BaseURL = "/"
		opt.Loaded = lim.Fit
		// Unchanged files are linked from the site served now.
		lastMu.Lock()
		opt.Reuse = last
		lastMu.Unlock()
		if err := browserModule(ctx, e, cfg, &opt); err != nil {
			return err
		}
		if _, err = site.Build(opt); err == nil {
			lastMu.Lock()
			last = outDir
			lastMu.Unlock()
		}
		return err
	}
	return server.Serve(e.ctx, server.Options{
		Addr:  *addr,
		Watch: watch,
		Build: build,
		Log:   e.stderr, // the server prints the URL and each build there
	})
}

func cmdVersion(e *env, args []string) error {
	fs := flagSet(e, "version", "", "Print benchsite's version")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "benchsite", version.String())
	return nil
}
