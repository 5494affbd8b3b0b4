package wasmbuild

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// tinyModule writes a small module with a js/wasm main package and the
// scripts, and returns the package directory.
func tinyModule(t *testing.T, msg string) string {
	t.Helper()
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example.com/tiny\n\ngo 1.22\n")
	write(t, filepath.Join(root, "lib", "lib.go"), "package lib\n\nconst Msg = "+`"`+msg+`"`+"\n")
	dir := filepath.Join(root, "wasm")
	write(t, filepath.Join(dir, "main.go"), `package main

import (
	"syscall/js"

	"example.com/tiny/lib"
)

func main() { js.Global().Set("tiny", lib.Msg) }
`)
	write(t, filepath.Join(dir, "worker.js"), "// worker\n")
	write(t, filepath.Join(dir, "panel.js"), "// panel\n")
	return dir
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A real build of a small module: the files are there, wasm_exec.js is the
// toolchain's, a second build is served from the cache, and a change to a
// dependency's source or to a script makes a new build.
func TestBuildAndCache(t *testing.T) {
	dir := tinyModule(t, "one")
	cache := t.TempDir()
	ctx := context.Background()
	var log bytes.Buffer
	r1, err := Build(ctx, Options{Dir: dir, CacheDir: cache, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Cached || !strings.Contains(log.String(), "building the browser module (GOOS=js GOARCH=wasm GOWASM=satconv,signext") {
		t.Errorf("first build: cached %v, log %q", r1.Cached, log.String())
	}
	if want := []string{"benchsite.wasm", "wasm_exec.js", "panel.js", "worker.js"}; strings.Join(r1.Files, ",") != strings.Join(want, ",") {
		t.Errorf("files %v, want %v", r1.Files, want)
	}
	wasm := read(t, r1.Wasm)
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) || int64(len(wasm)) != r1.Size {
		t.Errorf("benchsite.wasm: %d bytes (Size %d), starts %q", len(wasm), r1.Size, wasm[:min(8, len(wasm))])
	}
	goroot := strings.TrimSpace(string(run(t, dir, "go", "env", "GOROOT")))
	if !bytes.Equal(read(t, r1.WasmExec), read(t, filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"))) {
		t.Error("wasm_exec.js is not the toolchain's")
	}
	if string(read(t, filepath.Join(r1.Dir, "worker.js"))) != "// worker\n" {
		t.Error("worker.js not copied")
	}
	// Stripped: no DWARF sections (-w) and no name section (-s).
	// (go:buildid and producers stay; they are a few bytes.)
	for _, c := range customSections(t, wasm) {
		if c == "name" || strings.HasPrefix(c, ".debug") {
			t.Errorf("custom section %q left in the module; want it stripped", c)
		}
	}

	r2, err := Build(ctx, Options{Dir: dir, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if !r2.Cached || r2.Dir != r1.Dir || r2.Key != r1.Key {
		t.Errorf("second build: cached %v, dir %s (first %s)", r2.Cached, r2.Dir, r1.Dir)
	}

	// Another GOWASM is another build.
	rw, err := Build(ctx, Options{Dir: dir, CacheDir: cache, Env: []string{"GOWASM="}})
	if err != nil {
		t.Fatal(err)
	}
	if rw.Cached || rw.Key == r1.Key {
		t.Errorf("GOWASM= (none): cached %v, same key %v", rw.Cached, rw.Key == r1.Key)
	}

	// A dependency's source changes: a new key and a real build.
	write(t, filepath.Join(dir, "..", "lib", "lib.go"), "package lib\n\nconst Msg = \"two\"\n")
	r3, err := Build(ctx, Options{Dir: dir, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if r3.Cached || r3.Key == r1.Key || !bytes.Contains(read(t, r3.Wasm), []byte("two")) {
		t.Errorf("after editing lib.go: cached %v, same key %v", r3.Cached, r3.Key == r1.Key)
	}
	// A script changes (and an optional one appears): new key, new copy.
	write(t, filepath.Join(dir, "panel.js"), "// panel 2\n")
	write(t, filepath.Join(dir, "panel.css"), "p{}\n")
	r4, err := Build(ctx, Options{Dir: dir, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if r4.Key == r3.Key || string(read(t, filepath.Join(r4.Dir, "panel.js"))) != "// panel 2\n" || !strings.Contains(strings.Join(r4.Files, ","), "panel.css") {
		t.Errorf("after editing panel.js: key changed %v, files %v", r4.Key != r3.Key, r4.Files)
	}
	// The cache keeps at most `keep` entries and never a temporary dir.
	ents, _ := os.ReadDir(cache)
	if len(ents) > keep {
		t.Errorf("%d cache entries, want at most %d", len(ents), keep)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "tmp-") {
			t.Errorf("temporary directory %s left in the cache", e.Name())
		}
	}
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	cache := t.TempDir()
	if _, err := Build(ctx, Options{Dir: filepath.Join(t.TempDir(), "nope"), CacheDir: cache}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing dir: %v", err)
	}
	dir := tinyModule(t, "x")
	os.Remove(filepath.Join(dir, "worker.js"))
	if _, err := Build(ctx, Options{Dir: dir, CacheDir: cache}); err == nil || !strings.Contains(err.Error(), "worker.js is missing from "+dir) {
		t.Errorf("missing worker.js: %v", err)
	}
	write(t, filepath.Join(dir, "worker.js"), "")
	write(t, filepath.Join(dir, "main.go"), "package main\n\nfunc main() { undefinedThing() }\n")
	_, err := Build(ctx, Options{Dir: dir, CacheDir: cache})
	if err == nil || !strings.Contains(err.Error(), "build in "+dir+" failed") || !strings.Contains(err.Error(), "undefinedThing") {
		t.Errorf("compile error: %v", err)
	}
	if _, err := Build(ctx, Options{Dir: dir, CacheDir: cache, GoCmd: filepath.Join(t.TempDir(), "no-go")}); err == nil || !strings.Contains(err.Error(), "env") {
		t.Errorf("missing go command: %v", err)
	}
}

// TestBuildBenchsiteModule builds the repository's own wasm/ and logs its
// size, raw and gzipped (the figure the issue asks for).
func TestBuildBenchsiteModule(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the whole browser module (up to a minute); skipped with -short")
	}
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "wasm")
	res, err := Build(context.Background(), Options{Dir: dir, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	data := read(t, res.Wasm)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(data)
	zw.Close()
	t.Logf("benchsite.wasm: %d bytes raw (%.2f MiB), %d bytes gzipped -9 (%.2f MiB)", len(data), float64(len(data))/(1<<20), gz.Len(), float64(gz.Len())/(1<<20))
	if want := []string{"benchsite.wasm", "wasm_exec.js", "panel.css", "panel.js", "worker.js"}; strings.Join(res.Files, ",") != strings.Join(want, ",") {
		t.Errorf("files %v, want %v", res.Files, want)
	}
}

func run(t *testing.T, dir string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return out
}

// customSections lists the names of a wasm module's custom sections (id 0),
// where the name table and DWARF live.
func customSections(t *testing.T, m []byte) []string {
	t.Helper()
	uleb := func(i *int) int {
		v, shift := 0, 0
		for {
			b := m[*i]
			*i++
			v |= int(b&0x7f) << shift
			if b < 0x80 {
				return v
			}
			shift += 7
		}
	}
	var names []string
	for i := 8; i < len(m); {
		id := m[i]
		i++
		size := uleb(&i)
		end := i + size
		if id == 0 {
			j := i
			n := uleb(&j)
			names = append(names, string(m[j:j+n]))
		}
		i = end
	}
	return names
}

// The preview server watches what the module is built from: the wasm
// program's directory and the module's own packages it imports, not the
// standard library.
func TestSourceDirs(t *testing.T) {
	dirs, err := SourceDirs(context.Background(), Options{Dir: filepath.Join("..", "..", "wasm")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"wasm": false, filepath.Join("internal", "suite"): false, filepath.Join("internal", "workloads", "encoder"): false}
	for _, d := range dirs {
		for w := range want {
			if strings.HasSuffix(d, string(filepath.Separator)+w) {
				want[w] = true
			}
		}
		if strings.HasPrefix(d, runtime.GOROOT()) {
			t.Errorf("standard library directory listed: %s", d)
		}
	}
	for w, ok := range want {
		if !ok {
			t.Errorf("%s not among the watched directories %v", w, dirs)
		}
	}
}
