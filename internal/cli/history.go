package cli

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/benchsite/benchsite/internal/gobench"
	"github.com/benchsite/benchsite/internal/history"
	"github.com/benchsite/benchsite/internal/ingest"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/runner"
	"github.com/benchsite/benchsite/internal/storage"
	"github.com/benchsite/benchsite/internal/timefmt"
	"github.com/benchsite/benchsite/internal/words"
)

// storedName matches a pytest-benchmark storage file name, NNNN_name.json.
var storedName = regexp.MustCompile(`^[0-9]{4}_(.+)\.json$`)

func cmdImport(e *env, args []string) error {
	fs := flagSet(e, "import", "[flags] FILE...", "Import results into the history: "+formatList()+". Each file becomes one saved run; nothing is written unless every file reads")
	var com common
	com.register(fs)
	save := fs.String("save", "", "save each run as NNNN_`NAME`.json (default: the file's own name after its NNNN_ prefix, or \"import\")")
	machineID := fs.String("machine", "", "file the runs under machine `id` (default: the id their machine_info gives; Go text, which names no Go version, goes under <os>-Go-unknown-<bits>bit)")
	skip := fs.Bool("skip-invalid", false, "skip malformed lines of go test output (each is named in a warning) instead of refusing the file, as benchstat does")
	format := fs.String("format", "", "read every FILE as `NAME` instead of telling the format by content: "+ingest.FormatNames())
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
	if flagGiven(fs.FlagSet, "save") || *save != "" {
		if err := storage.ValidName(*save); err != nil {
			return badInput("--save: %v", err)
		}
	}
	if flagGiven(fs.FlagSet, "machine") || *machineID != "" {
		if err := storage.ValidName(*machineID); err != nil {
			return badInput("--machine: %v", err)
		}
	}
	// Read, check and encode every file first: a bad file must leave the
	// history untouched.
	type imp struct {
		path, id, name string
		data           []byte
		benchmarks     int
		note           string
	}
	var runs []imp
	var warnings []string
	opt := ingest.Options{Module: gobench.ModulePath(e.dir), SkipInvalid: *skip, Format: *format}
	if err := ingest.CheckFormat(*format); err != nil {
		return badInput("--format: %v", err)
	}
	for _, path := range files {
		run, err := ingest.ReadFile(e.abs(path), opt)
		if err != nil {
			return &exitError{ExitBadUse, err}
		}
		warnings = append(warnings, run.Warnings...)
		name := *save
		if name == "" {
			name = "import"
			if m := storedName.FindStringSubmatch(filepath.Base(path)); m != nil && storage.ValidName(m[1]) == nil {
				name = m[1]
			}
		}
		id := cmp.Or(*machineID, run.File.MachineInfo.ID())
		if err := storage.ValidName(id); err != nil {
			return badInput("%s: machine id from its machine_info: %v; give one with --machine", path, err)
		}
		data, err := result.Encode(run.File)
		if err != nil {
			return badInput("%s: %v", path, err)
		}
		// What is saved must read back, or list and build would stop on it.
		if _, err := result.Decode(data, path); err != nil {
			return badInput("%s: the run read from it does not encode to a readable result file: %v; please report this", path, err)
		}
		runs = append(runs, imp{path, id, name, data, len(run.File.Benchmarks), harnessNote(run.File)})
	}
	store := storage.Store{Root: cfg.Storage}
	warnings = append(warnings, importedBefore(store, runs, func(r imp) (string, string, []byte) { return r.path, r.id, r.data })...)
	for _, w := range warnings {
		fmt.Fprintln(e.stderr, "benchsite: warning:", w)
	}
	// Folders this import creates (the history's, a machine's) are removed
	// again if a save fails, as are the files it saved: all or nothing.
	var created []string
	for _, d := range []string{store.Root} {
		if _, err := os.Lstat(d); os.IsNotExist(err) {
			created = append(created, d)
		}
	}
	var saved, said []string
	for _, r := range runs {
		dir := filepath.Join(store.Root, r.id)
		if _, err := os.Lstat(dir); os.IsNotExist(err) && !slices.Contains(created, dir) {
			created = append(created, dir)
		}
		p, err := store.SaveEncoded(r.id, r.name, r.data)
		if err != nil {
			for _, s := range saved {
				os.Remove(s)
			}
			for i := len(created) - 1; i >= 0; i-- {
				os.Remove(created[i]) // only when empty
			}
			return &exitError{ExitBadUse, fmt.Errorf("saving %s: %w; nothing of this import was kept", r.path, err)}
		}
		saved = append(saved, p)
		said = append(said, fmt.Sprintf("Saved %s (%s%s) from %s", e.rel(p), words.Count(r.benchmarks, "benchmark"), r.note, r.path))
	}
	// Printed once every save succeeded: a failed import says nothing was
	// saved, never "Saved" and then the opposite.
	for _, l := range said {
		fmt.Fprintln(e.stdout, l)
	}
	return nil
}

// flagGiven reports whether the flag name was set on the command line
// (even to "").
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// importedBefore warns of each run about to be saved whose encoded content
// is byte for byte a run already saved under its machine, or an earlier
// file of the same import: the same file imported twice would otherwise
// count twice in every chart and change point. It compares sizes first,
// so only runs of the same size are read. The run is saved anyway (the
// user may mean it); the warning names the earlier run.
func importedBefore[T any](store storage.Store, runs []T, get func(T) (path, id string, data []byte)) []string {
	var out []string
	seen := map[string]string{} // id + content → the earlier path
	for _, r := range runs {
		path, id, data := get(r)
		key := id + "\x00" + string(data)
		if earlier, ok := seen[key]; ok {
			out = append(out, fmt.Sprintf("%s: the same results as %s, named before it in this import; both are saved (import one to keep one)", path, earlier))
			continue
		}
		seen[key] = path
		es, _ := store.List(id) // no folder yet: nothing saved before
		for _, en := range es {
			st, err := os.Stat(en.Path)
			if err != nil || st.Size() != int64(len(data)) {
				continue
			}
			if old, err := os.ReadFile(en.Path); err == nil && bytes.Equal(old, data) {
				out = append(out, fmt.Sprintf("%s: the same results as the saved run %s (%s, identical content): imported twice? It is saved again; delete one of the two files to count it once", path, en.Label(), en.Path))
				break
			}
		}
	}
	return out
}

// formatList names every format import and compare read.
func formatList() string {
	var names []string
	for _, f := range ingest.Formats {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
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
	if err := com.storageGiven(cfg); err != nil {
		return err
	}
	h, err := history.Load(history.Options{Storage: cfg.Storage, SkipInvalid: true, ReadOnly: true})
	if err != nil {
		return &exitError{ExitBadUse, err}
	}
	// Each machine's runs in number order, unreadable files in their place.
	type line struct {
		number         int
		label, rest    string
		unreadablePath string
	}
	byMachine := map[string][]line{}
	var ids []string
	add := func(id string, l line) {
		if _, ok := byMachine[id]; !ok {
			ids = append(ids, id)
		}
		byMachine[id] = append(byMachine[id], l)
	}
	for _, m := range h.Machines {
		for _, r := range m.Runs {
			commit := r.File.CommitInfo.ID
			if len(commit) > 12 {
				commit = commit[:12]
			}
			if r.File.CommitInfo.Dirty {
				commit += "+"
			}
			date := r.File.Datetime // shown as written when it is not a date
			if !r.Time.IsZero() {
				date = timefmt.Date(r.Time)
			}
			add(m.ID, line{number: r.Number, label: r.Label,
				rest: fmt.Sprintf("%s\t%s\t%d\t", date, commit, r.Benchmarks)})
		}
	}
	for _, u := range h.Skipped {
		add(u.Entry.MachineID, line{number: u.Entry.Number, label: u.Entry.Label(),
			rest: fmt.Sprintf("unreadable: %v\t\t\t", u.Err), unreadablePath: u.Entry.Path})
	}
	if len(ids) == 0 {
		fmt.Fprintf(e.stdout, "No saved runs in %s.\n", e.rel(cfg.Storage))
		return nil
	}
	slices.Sort(ids)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	var unreadable, notes []string
	for _, m := range h.Machines {
		for _, r := range m.Runs {
			notes = append(notes, r.File.Notes...)
		}
	}
	for i, id := range ids {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s\n", id)
		fmt.Fprintln(tw, "  run\tdate (UTC)\tcommit\tbenchmarks\t")
		lines := byMachine[id]
		slices.SortStableFunc(lines, func(a, b line) int { return cmp.Compare(a.number, b.number) })
		for _, l := range lines {
			fmt.Fprintf(tw, "  %s\t%s\n", l.label, l.rest)
			if l.unreadablePath != "" {
				unreadable = append(unreadable, e.rel(l.unreadablePath))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(e.stderr, "benchsite: note:", n)
	}
	// The history's other warnings (skipped links and folders); the
	// unreadable files are listed above.
warnings:
	for _, w := range h.Warnings {
		if slices.Contains(notes, w) {
			continue // printed as a note above
		}
		for _, u := range h.Skipped {
			if strings.Contains(w, u.Entry.Path) {
				continue warnings
			}
		}
		fmt.Fprintln(e.stderr, "benchsite: warning:", w)
	}
	if len(unreadable) > 0 {
		return badInput("%s, listed above: %s; fix or delete them (benchsite build would stop on them)", words.CountAs(len(unreadable), "unreadable result file", "unreadable result files"), strings.Join(unreadable, ", "))
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
	// A history folder named with --storage must exist: a typo would
	// otherwise "archive 0 runs" and pass.
	if info, err := os.Stat(store.Root); com.storage != "" && (err != nil || !info.IsDir()) {
		return badInput("reset: --storage %s: no such history folder; nothing to reset (check the path)", com.storage)
	}
	named := *id != ""
	if !named {
		*id = currentMachine(e, runner.Options{Dir: e.dir}, store)
	}
	// A machine named on the command line must have a history: a typo
	// would otherwise "archive 0 runs" and pass. This machine's own empty
	// history is fine (make benchmark-reset on a new machine).
	if info, err := os.Stat(filepath.Join(store.Root, *id)); named && (err != nil || !info.IsDir()) {
		if err := storage.ValidName(*id); err != nil {
			return badInput("--machine: %v", err)
		}
		ids, _ := store.Machines()
		known := "there is no history yet"
		if len(ids) > 0 {
			known = "machines with a history: " + strings.Join(ids, ", ")
		}
		return badInput("reset: no history for machine %q in %s (%s); name one with --machine", *id, e.rel(store.Root), known)
	}
	moved, err := store.Reset(*id)
	if err != nil {
		return &exitError{ExitBadUse, err}
	}
	runs, profiles := 0, 0
	for _, p := range moved {
		if strings.HasSuffix(p, storage.ProfilesSuffix) {
			profiles++
		} else {
			runs++
		}
	}
	if runs == 0 && profiles == 0 {
		// This machine's own empty history (make benchmark-reset on a new
		// machine): nothing was there, and nothing is wrong.
		fmt.Fprintf(e.stdout, "Nothing to archive: no saved runs of machine %s in %s\n", *id, e.rel(store.Root))
		return nil
	}
	also := ""
	if profiles > 0 {
		also = fmt.Sprintf(" (and %s)", words.Count(profiles, "profile folder"))
	}
	fmt.Fprintf(e.stdout, "Archived %s%s into %s\n", words.Count(runs, "run"), also, e.rel(filepath.Join(store.Root, *id, "archive")))
	return nil
}

// harnessNote names the harness of a run imported from another harness and
// says when its benchmarks carry no samples, e.g. ", Catch2: estimates
// without samples, compared by the plain threshold rule"; "" for Go and
// pytest-benchmark runs.
func harnessNote(f *result.File) string {
	h := f.MachineInfo.String("harness")
	if h == "" {
		return ""
	}
	for _, b := range f.Benchmarks {
		if len(b.Stats.Data) == 0 {
			return ", " + h + ": estimates without samples, compared by the plain threshold rule"
		}
	}
	return ", " + h
}
