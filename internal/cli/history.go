package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/benchsite/benchsite/internal/gobench"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/runner"
	"github.com/benchsite/benchsite/internal/storage"
	"github.com/benchsite/benchsite/internal/version"
)

// storedName matches a pytest-benchmark storage file name, NNNN_name.json.
var storedName = regexp.MustCompile(`^[0-9]{4}_(.+)\.json$`)

func cmdImport(e *env, args []string) error {
	fs := flagSet(e, "import", "[flags] FILE...", "Import results into the history: go test -bench text, go test -json output, or pytest-benchmark JSON (any version). Each file becomes one saved run; nothing is written unless every file reads")
	var com common
	com.register(fs)
	save := fs.String("save", "", "save each run as NNNN_`NAME`.json (default: the file's own name after its NNNN_ prefix, or \"import\")")
	machineID := fs.String("machine", "", "file the runs under machine `id` (default: the id their machine_info gives; Go text, which names no Go version, goes under <os>-Go-unknown-<bits>bit)")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg, err := com.load(e, fs)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return badInput("import: name at least one FILE")
	}
	if *save != "" {
		if err := storage.ValidName(*save); err != nil {
			return badInput("--save: %v", err)
		}
	}
	// Read everything first: a bad file must leave the history untouched.
	type imp struct {
		f    *result.File
		name string
	}
	var runs []imp
	for _, path := range files {
		f, err := readImport(e.abs(path), gobench.ModulePath(e.dir))
		if err != nil {
			return err
		}
		name := *save
		if name == "" {
			name = "import"
			if m := storedName.FindStringSubmatch(filepath.Base(path)); m != nil && storage.ValidName(m[1]) == nil {
				name = m[1]
			}
		}
		runs = append(runs, imp{f, name})
	}
	store := storage.Store{Root: cfg.Storage}
	for _, r := range runs {
		id := r.f.MachineInfo.ID()
		if *machineID != "" {
			id = *machineID
		}
		p, err := store.Save(id, r.name, r.f)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Saved %s (%d benchmarks)\n", e.rel(p), len(r.f.Benchmarks))
	}
	return nil
}

// readImport reads one file to import, telling the formats apart by content.
// module is the import path of the module in the working directory, so
// imported Go results get the same fullnames as runs of it.
func readImport(path, module string) (*result.File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &exitError{ExitBadUse, err}
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, badInput("%s: empty file; expected go test -bench output, go test -json output or pytest-benchmark JSON", path)
	}
	// pytest-benchmark JSON is one object with "benchmarks"; go test -json
	// is a stream of objects, one per line.
	if trimmed[0] == '{' && bytes.Contains(trimmed, []byte(`"benchmarks"`)) {
		f, err := result.Decode(data, path)
		if err != nil {
			return nil, &exitError{ExitBadUse, err}
		}
		if len(f.Benchmarks) == 0 {
			return nil, badInput("%s: no benchmarks in the file; nothing to import", path)
		}
		return f, nil
	}
	out, err := gobench.ParseWith(bytes.NewReader(data), path, gobench.Options{Module: module})
	if err != nil {
		return nil, &exitError{ExitBadUse, err}
	}
	if len(out.Benchmarks) == 0 {
		return nil, badInput("%s: no benchmark results found; expected go test -bench output, go test -json output or pytest-benchmark JSON", path)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	f := &result.File{
		MachineInfo: importedMachine(path, out.MachineInfo()),
		CommitInfo:  result.CommitInfo{ID: "unversioned"},
		Benchmarks:  out.Benchmarks,
		Datetime:    st.ModTime().Format("2006-01-02T15:04:05.000000-07:00"),
		Version:     "benchsite " + version.String(),
	}
	return f, nil
}

func cmdList(e *env, args []string) error {
	fs := flagSet(e, "list", "[flags]", "List the saved runs of every machine in the history (archived runs are not listed)")
	var com common
	com.register(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput("list takes no arguments, got %q", strings.Join(pos, " "))
	}
	cfg, err := com.load(e, fs)
	if err != nil {
		return err
	}
	store := storage.Store{Root: cfg.Storage}
	machines, err := store.Machines()
	if err != nil {
		return &exitError{ExitBadUse, err}
	}
	if len(machines) == 0 {
		fmt.Fprintf(e.stdout, "No saved runs in %s.\n", e.rel(store.Root))
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	var unreadable []string
	for i, m := range machines {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s\n", m)
		ents, err := store.List(m)
		if err != nil {
			return &exitError{ExitBadUse, err}
		}
		fmt.Fprintln(tw, "  run\tdate\tcommit\tbenchmarks\t")
		for _, ent := range ents {
			f, err := result.ReadFile(ent.Path)
			if err != nil {
				fmt.Fprintf(tw, "  %s\tunreadable: %v\t\t\t\n", filepath.Base(ent.Path), err)
				unreadable = append(unreadable, e.rel(ent.Path))
				continue
			}
			commit := f.CommitInfo.ID
			if len(commit) > 12 {
				commit = commit[:12]
			}
			if f.CommitInfo.Dirty {
				commit += "+"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t\n", strings.TrimSuffix(filepath.Base(ent.Path), ".json"), f.Datetime, commit, len(f.Benchmarks))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(unreadable) > 0 {
		return badInput("%d unreadable result file(s), listed above: %s; fix or delete them (benchsite build would stop on them)", len(unreadable), strings.Join(unreadable, ", "))
	}
	return nil
}

func cmdReset(e *env, args []string) error {
	fs := flagSet(e, "reset", "[flags]", "Move every saved run of this machine (or --machine) into its archive/ folder: kept, never deleted, ignored by compare. Then save a fresh baseline with 'benchsite run --save baseline' (make benchmark-reset does both)")
	var com common
	com.register(fs)
	id := fs.String("machine", "", "machine `id` (default: this machine's, e.g. Linux-Go-1.26-64bit)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput("reset takes no arguments, got %q", strings.Join(pos, " "))
	}
	cfg, err := com.load(e, fs)
	if err != nil {
		return err
	}
	store := storage.Store{Root: cfg.Storage}
	if *id == "" {
		*id = currentMachine(e, runner.Options{Dir: e.dir}, store)
	}
	moved, err := store.Reset(*id)
	if err != nil {
		return &exitError{ExitBadUse, err}
	}
	fmt.Fprintf(e.stdout, "Archived %d runs into %s\n", len(moved), e.rel(filepath.Join(store.Root, *id, "archive")))
	return nil
}

// importedMachine describes the machine of imported Go benchmark text. The
// text tells goos, goarch and the CPU at most, and never the Go version or
// the machine it ran on, so nothing of this machine is assumed: the run is
// filed under "<system>-Go-unknown-<bits>bit" (or --machine), never mixed
// into this machine's own history.
func importedMachine(path string, told result.MachineInfo) result.MachineInfo {
	info := result.MachineInfo{"go_version": "unknown", "imported_from": filepath.Base(path)}
	for k, v := range told {
		info[k] = v
	}
	if info["system"] == nil {
		info["system"] = "Unknown"
	}
	return info
}
