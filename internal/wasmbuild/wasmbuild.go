// Package wasmbuild builds benchsite's browser module — the GOOS=js
// GOARCH=wasm program in wasm/ — for the site, with the user's own Go
// toolchain, and caches the result.
//
// Build runs, in Options.Dir (the directory of the wasm main package):
//
//	GOOS=js GOARCH=wasm GOWASM=satconv,signext go build -trimpath -ldflags='-s -w' -o benchsite.wasm .
//
// GOWASM=satconv,signext lets the compiler use WebAssembly's saturating
// float-to-int conversions and sign-extension instructions (in every major
// browser since 2021: Chrome 75, Firefox 64, Safari 15) instead of longer
// instruction sequences; it made the small benchmarks 2–3× faster in V8.
// A GOWASM set in the environment or in Options.Env is used instead.
//
// and puts beside the module, in one cache directory:
//
//	benchsite.wasm   the stripped module
//	wasm_exec.js     Go's loader from the GOROOT that compiled the module
//	                 ($(go env GOROOT)/lib/wasm/, misc/wasm/ before Go 1.24);
//	                 it must match the compiler, so it is never taken from elsewhere
//	worker.js, panel.js, panel.css   copied from Options.Dir (panel.css optional)
//
// The cache key is a SHA-256 over everything the output depends on: the go
// command's GOVERSION, GOROOT, GOFLAGS, GOEXPERIMENT and GOWASM for js/wasm,
// the build flags, wasm_exec.js, the main module's go.mod, the content of
// every Go and embedded file of every package the module is built from that
// is not in the standard library or a versioned (immutable) module, the
// path@version of those that are, and the copied scripts. `go list -deps`
// finds the packages, so a repeated site build costs one go list (a fraction
// of a second) instead of a compile and link (seconds to a minute). Entries
// are written to a temporary directory and renamed into place, so
// concurrent builds never see half an entry; only the newest few entries are
// kept.
package wasmbuild

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// DefaultGOWASM is the GOWASM used unless the environment sets one.
const DefaultGOWASM = "satconv,signext"

// File names in a build's directory.
const (
	WasmName     = "benchsite.wasm"
	WasmExecName = "wasm_exec.js"
)

// Assets are the files copied from Options.Dir beside the module; optional
// ones may be missing.
var Assets = []struct {
	Name     string
	Optional bool
}{
	{"worker.js", false},
	{"panel.js", false},
	{"panel.css", true},
}

// keep is the number of cache entries kept: enough for a few branches or
// toolchains in turn without growing without bound.
const keep = 4

// scheme changes whenever the build command or the layout of an entry does,
// so that old entries are not reused.
const scheme = "benchsite-wasmbuild-1 -trimpath -ldflags=-s -w"

// Options configures Build.
type Options struct {
	// Dir is the directory of the wasm main package (wasm/ in benchsite's
	// repository); it must be inside a Go module. Required.
	Dir string
	// GoCmd is the go command; default "go" (the user's toolchain).
	GoCmd string
	// CacheDir holds the cache entries; default <os.UserCacheDir>/benchsite/wasm.
	CacheDir string
	// Env is added to the go command's environment (GOOS and GOARCH are
	// always js and wasm).
	Env []string
	// Log, if set, is told when a real build starts ("building ... ") and
	// how large the module came out.
	Log io.Writer
}

// Result is one built (or cached) module.
type Result struct {
	Dir      string   // the cache entry: every file below is in it
	Files    []string // names of the files in Dir, to copy into the site: benchsite.wasm, wasm_exec.js, worker.js, ...
	Wasm     string   // path of benchsite.wasm
	WasmExec string   // path of wasm_exec.js
	Size     int64    // bytes of benchsite.wasm
	Key      string   // the cache key (hex SHA-256)
	Cached   bool     // true when no compile was needed
}

// Build builds the module in opt.Dir, or returns the cached build for the
// same inputs. Errors name what to fix: a missing directory or script, a go
// command that cannot be run, or the compiler's output.
func Build(ctx context.Context, opt Options) (*Result, error) {
	if opt.Dir == "" {
		return nil, errors.New("wasmbuild: no wasm package directory given")
	}
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return nil, fmt.Errorf("wasmbuild: %w", err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("wasmbuild: the wasm package directory %s does not exist; it holds the GOOS=js GOARCH=wasm program (main.go), worker.js and panel.js", dir)
	}
	if opt.GoCmd == "" {
		opt.GoCmd = "go"
	}
	if opt.CacheDir == "" {
		uc, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("wasmbuild: no cache directory (%w); set $XDG_CACHE_HOME or $HOME", err)
		}
		opt.CacheDir = filepath.Join(uc, "benchsite", "wasm")
	}
	b := &builder{opt: opt, dir: dir}

	env, err := b.goEnv(ctx)
	if err != nil {
		return nil, err
	}
	execJS, err := wasmExec(env.GOROOT)
	if err != nil {
		return nil, err
	}
	assets := map[string][]byte{}
	for _, a := range Assets {
		data, err := os.ReadFile(filepath.Join(dir, a.Name))
		if err != nil {
			if a.Optional && errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("wasmbuild: %s is missing from %s: %w", a.Name, dir, err)
		}
		assets[a.Name] = data
	}

	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%s\n%s\n%s\n", scheme, env.GOVERSION, env.GOROOT, env.GOFLAGS, env.GOEXPERIMENT, env.GOWASM)
	for _, e := range opt.Env {
		fmt.Fprintf(h, "env %s\n", e)
	}
	hashBytes(h, WasmExecName, execJS)
	for _, name := range slices.Sorted(maps.Keys(assets)) {
		hashBytes(h, name, assets[name])
	}
	if err := b.hashSources(ctx, h); err != nil {
		return nil, err
	}
	key := hex.EncodeToString(h.Sum(nil))

	res := &Result{Dir: filepath.Join(opt.CacheDir, key[:24]), Key: key}
	res.Files = append([]string{WasmName, WasmExecName}, slices.Sorted(maps.Keys(assets))...)
	res.Wasm = filepath.Join(res.Dir, WasmName)
	res.WasmExec = filepath.Join(res.Dir, WasmExecName)
	if st, err := os.Stat(res.Wasm); err == nil && complete(res) {
		res.Cached, res.Size = true, st.Size()
		now := time.Now()
		os.Chtimes(res.Dir, now, now) // marks it recently used for pruning
		return res, nil
	}

	if err := os.MkdirAll(opt.CacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("wasmbuild: cache directory: %w", err)
	}
	tmp, err := os.MkdirTemp(opt.CacheDir, "tmp-")
	if err != nil {
		return nil, fmt.Errorf("wasmbuild: cache directory: %w", err)
	}
	defer os.RemoveAll(tmp) // left only when the rename below did not happen
	if opt.Log != nil {
		fmt.Fprintf(opt.Log, "building the browser module (GOOS=js GOARCH=wasm GOWASM=%s %s build in %s) ...\n", env.GOWASM, opt.GoCmd, dir)
	}
	out, err := b.goCmd(ctx, "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(tmp, WasmName), ".")
	if err != nil {
		return nil, fmt.Errorf("wasmbuild: GOOS=js GOARCH=wasm %s build in %s failed: %w\n%s", opt.GoCmd, dir, err, bytes.TrimSpace(out))
	}
	files := map[string][]byte{WasmExecName: execJS}
	for n, d := range assets {
		files[n] = d
	}
	for n, d := range files {
		if err := os.WriteFile(filepath.Join(tmp, n), d, 0o644); err != nil {
			return nil, fmt.Errorf("wasmbuild: %w", err)
		}
	}
	if err := os.Rename(tmp, res.Dir); err != nil {
		// Another build of the same inputs won the race; its entry is
		// identical.
		if !complete(res) {
			return nil, fmt.Errorf("wasmbuild: cannot move the build into the cache: %w", err)
		}
	}
	st, err := os.Stat(res.Wasm)
	if err != nil {
		return nil, fmt.Errorf("wasmbuild: %w", err)
	}
	res.Size = st.Size()
	if opt.Log != nil {
		// Readers download it gzipped (GitHub Pages compresses it), so
		// that is the size that matters to them.
		fmt.Fprintf(opt.Log, "built the browser module: %s, %d bytes, %d gzipped\n", res.Wasm, res.Size, gzipSize(res.Wasm))
	}
	prune(opt.CacheDir, res.Dir)
	return res, nil
}

type builder struct {
	opt Options
	dir string
}

type goEnv struct{ GOROOT, GOVERSION, GOFLAGS, GOEXPERIMENT, GOWASM string }

func (b *builder) goEnv(ctx context.Context) (goEnv, error) {
	var env goEnv
	out, err := b.goCmd(ctx, "env", "-json", "GOROOT", "GOVERSION", "GOFLAGS", "GOEXPERIMENT", "GOWASM")
	if err != nil {
		return env, fmt.Errorf("wasmbuild: `%s env` failed in %s: %w\n%s", b.opt.GoCmd, b.dir, err, bytes.TrimSpace(out))
	}
	if err := json.Unmarshal(out, &env); err != nil || env.GOROOT == "" {
		return env, fmt.Errorf("wasmbuild: unexpected output of `%s env -json`: %q", b.opt.GoCmd, out)
	}
	return env, nil
}

// goCmd runs the go command for js/wasm in the package directory and
// returns its stdout, or its combined output on failure.
func (b *builder) goCmd(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, b.opt.GoCmd, args...)
	cmd.Dir = b.dir
	env := os.Environ()
	if os.Getenv("GOWASM") == "" && !slices.ContainsFunc(b.opt.Env, func(e string) bool { return strings.HasPrefix(e, "GOWASM=") }) {
		env = append(env, "GOWASM="+DefaultGOWASM)
	}
	cmd.Env = append(append(env, b.opt.Env...), "GOOS=js", "GOARCH=wasm")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("%w (install Go, or set the go command)", err)
		}
		return append(stdout.Bytes(), stderr.Bytes()...), err
	}
	return stdout.Bytes(), nil
}

// wasmExec reads the wasm_exec.js of goroot.
func wasmExec(goroot string) ([]byte, error) {
	var firstErr error
	for _, rel := range []string{"lib/wasm", "misc/wasm"} {
		data, err := os.ReadFile(filepath.Join(goroot, rel, WasmExecName))
		if err == nil {
			return data, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, fmt.Errorf("wasmbuild: the Go installation at %s has no wasm_exec.js (looked in lib/wasm and misc/wasm): %w", goroot, firstErr)
}

type listedPackage struct {
	ImportPath string
	Dir        string
	Standard   bool
	GoFiles    []string
	EmbedFiles []string
	Module     *struct {
		Path, Version, GoMod string
		Main                 bool
		Replace              *struct{ Path, Version string }
	}
	Error *struct{ Err string }
}

// hashSources adds the package graph's sources to h.
func (b *builder) hashSources(ctx context.Context, h io.Writer) error {
	out, err := b.goCmd(ctx, "list", "-deps", "-e", "-json=ImportPath,Dir,Standard,GoFiles,EmbedFiles,Module,Error", ".")
	if err != nil {
		return fmt.Errorf("wasmbuild: `GOOS=js GOARCH=wasm %s list -deps` failed in %s: %w\n%s", b.opt.GoCmd, b.dir, err, bytes.TrimSpace(out))
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	goMods := map[string]bool{}
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("wasmbuild: reading go list output: %w", err)
		}
		if p.Error != nil {
			// Let the compiler report it in full.
			fmt.Fprintf(h, "error %s %s\n", p.ImportPath, p.Error.Err)
			continue
		}
		if p.Standard {
			continue // covered by GOROOT and GOVERSION
		}
		if m := p.Module; m != nil && m.Version != "" && m.Replace == nil {
			fmt.Fprintf(h, "pkg %s %s@%s\n", p.ImportPath, m.Path, m.Version)
			continue
		}
		fmt.Fprintf(h, "pkg %s\n", p.ImportPath)
		if m := p.Module; m != nil && m.GoMod != "" && !goMods[m.GoMod] {
			goMods[m.GoMod] = true
			if err := hashFile(h, m.GoMod); err != nil {
				return err
			}
		}
		for _, f := range append(slices.Clone(p.GoFiles), p.EmbedFiles...) {
			if err := hashFile(h, filepath.Join(p.Dir, f)); err != nil {
				return err
			}
		}
	}
	return nil
}

func hashFile(h io.Writer, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("wasmbuild: %w", err)
	}
	hashBytes(h, path, data)
	return nil
}

func hashBytes(h io.Writer, name string, data []byte) {
	fmt.Fprintf(h, "file %s %d\n", name, len(data))
	h.Write(data)
}

// complete reports whether every file of res exists.
func complete(res *Result) bool {
	for _, f := range res.Files {
		if st, err := os.Stat(filepath.Join(res.Dir, f)); err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// prune removes all but the keep most recently used entries (and stale
// temporary directories), never current. Failures are ignored: the cache is
// only an optimisation.
func prune(cacheDir, current string) {
	ents, err := os.ReadDir(cacheDir)
	if err != nil {
		return
	}
	type entry struct {
		path string
		mod  time.Time
	}
	var es []entry
	for _, e := range ents {
		info, err := e.Info()
		if err != nil || !e.IsDir() {
			continue
		}
		p := filepath.Join(cacheDir, e.Name())
		if strings.HasPrefix(e.Name(), "tmp-") {
			if time.Since(info.ModTime()) > time.Hour {
				os.RemoveAll(p) // left by a killed build
			}
			continue
		}
		es = append(es, entry{p, info.ModTime()})
	}
	sort.Slice(es, func(i, j int) bool { return es[i].mod.After(es[j].mod) })
	kept := 0
	for _, e := range es {
		if e.path == current || kept < keep-1 {
			if e.path != current {
				kept++
			}
			continue
		}
		os.RemoveAll(e.path)
	}
}

// SourceDirs lists the directories of the module's own packages that the
// wasm program at opt.Dir is built from (the program's too): a preview
// server watches them, so an edit to the benchmark code rebuilds the module.
// Standard-library and versioned dependencies are left out.
func SourceDirs(ctx context.Context, opt Options) ([]string, error) {
	if opt.GoCmd == "" {
		opt.GoCmd = "go"
	}
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return nil, fmt.Errorf("wasmbuild: %w", err)
	}
	b := &builder{opt: opt, dir: dir}
	out, err := b.goCmd(ctx, "list", "-deps", "-e", "-json=Dir,Standard,Module", ".")
	if err != nil {
		return nil, fmt.Errorf("wasmbuild: `GOOS=js GOARCH=wasm %s list -deps` failed in %s: %w\n%s", opt.GoCmd, dir, err, bytes.TrimSpace(out))
	}
	var dirs []string
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("wasmbuild: reading go list output: %w", err)
		}
		if p.Standard || p.Dir == "" || (p.Module != nil && p.Module.Version != "" && p.Module.Replace == nil) {
			continue
		}
		dirs = append(dirs, p.Dir)
	}
	return dirs, nil
}

// gzipSize is the size of the file gzipped at the best compression; -1 if it
// cannot be read.
func gzipSize(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	var n countWriter
	zw, _ := gzip.NewWriterLevel(&n, gzip.BestCompression)
	if _, err := io.Copy(zw, f); err != nil {
		return -1
	}
	zw.Close()
	return int64(n)
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
