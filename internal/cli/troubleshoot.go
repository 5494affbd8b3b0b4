package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/benchsite/benchsite/internal/profile"
	"github.com/benchsite/benchsite/internal/report"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/runner"
	"github.com/benchsite/benchsite/internal/storage"
	"github.com/benchsite/benchsite/internal/words"
)

// troubleFlags are run's troubleshooting flags (pytest-benchmark's
// --benchmark-cprofile, --benchmark-disable-gc, --benchmark-verbose).
type troubleFlags struct {
	profile   string
	profileOn bool // --profile given, even empty
	disableGC bool
	verbose   bool
}

func (t *troubleFlags) register(fs *flags) {
	fs.Func("profile", "profile each benchmark in extra rounds after the timed ones; `kind` is cpu, mem (or heap), block or mutex; prints the top functions and keeps NNNN_name.profiles/<benchmark>.pprof beside the saved run", func(v string) error {
		t.profile, t.profileOn = v, true
		return nil
	})
	fs.BoolVar(&t.disableGC, "disable-gc", false, "run the benchmarks with the garbage collector off (GOGC=off, with GOMEMLIMIT so a leak fails instead of swapping)")
	fs.BoolVar(&t.verbose, "verbose", false, "print each process's command line, the calibration and every round's time as it finishes")
}

// apply sets the runner's troubleshooting options; with --profile it
// returns the collector of the profiles (nil otherwise).
func (t *troubleFlags) apply(opt *runner.Options) (*profiles, error) {
	opt.DisableGC, opt.Verbose = t.disableGC, t.verbose
	if t.disableGC {
		limit, err := runner.GCOffLimit()
		if err != nil {
			return nil, badInput("--disable-gc: %v", err)
		}
		opt.GCOffLimit = limit
	}
	if !t.profileOn {
		return nil, nil
	}
	kind, err := profile.ParseKind(t.profile)
	if err != nil {
		return nil, badInput("--profile: %v", err)
	}
	ps := &profiles{kind: kind, files: map[string][]byte{}}
	opt.Profile, opt.Profiled = kind, ps.add
	return ps, nil
}

// profileTop is how many functions the terminal table lists per benchmark.
const profileTop = 15

// profiles collects a run's merged profiles, one per benchmark, and their
// summaries.
type profiles struct {
	kind   profile.Kind
	files  map[string][]byte // file name (storage.ProfileFileName) → merged profile
	tables []profileTable
}

type profileTable struct {
	name, note string
	top        *profile.Top
}

// add is runner's Profiled hook: it merges one benchmark's per-process
// profiles, names the file in the benchmark's options and keeps the
// summary for the end of the run.
func (ps *profiles) add(b *result.Benchmark, files []string) error {
	data := make([][]byte, len(files))
	for i, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("profile of %s: %w", b.Name, err)
		}
		data[i] = d
	}
	merged, err := profile.Merge(data, files)
	if err != nil {
		return fmt.Errorf("profile of %s: %w", b.Name, err)
	}
	enc, err := profile.Encode(merged)
	if err != nil {
		return fmt.Errorf("profile of %s: %w", b.Name, err)
	}
	top, err := profile.Summarize(merged, ps.kind.SampleType(), profileTop)
	if err != nil {
		return fmt.Errorf("profile of %s: %w", b.Name, err)
	}
	// Two packages may have benchmarks of the same name; fullnames differ.
	name := storage.ProfileFileName(b.Name)
	if _, taken := ps.files[name]; taken {
		name = storage.ProfileFileName(b.Fullname)
	}
	ps.files[name] = enc
	b.Options[result.OptProfileFile] = name
	note := fmt.Sprintf("%v rounds in %v processes after the timed ones", b.Options[result.OptProfileRounds], b.Options[result.OptProfileProcesses])
	ps.tables = append(ps.tables, profileTable{name: b.Name, note: note, top: top})
	return nil
}

// print writes every benchmark's table.
func (ps *profiles) print(w io.Writer) error {
	for _, t := range ps.tables {
		fmt.Fprintln(w)
		if err := report.ProfileTable(w, t.name, ps.kind, t.top, t.note); err != nil {
			return err
		}
	}
	return nil
}

// save writes the profiles beside the result file at resultPath and says
// where.
func (ps *profiles) save(e *env, resultPath string) error {
	if len(ps.files) == 0 {
		return nil
	}
	written, err := storage.SaveProfiles(resultPath, ps.files)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Saved %s in %s (go tool pprof -top -cum %s)\n", words.Count(len(written), "profile"),
		e.rel(storage.ProfileDir(resultPath))+string(os.PathSeparator), e.rel(written[0]))
	return nil
}

// unsavedNote says where profiles went when the run was neither saved nor
// written with --json.
func (ps *profiles) unsavedNote(e *env) {
	if len(ps.files) > 0 {
		fmt.Fprintf(e.stdout, "\nThe profiles were not kept: add --save NAME, --autosave or --json FILE to keep them beside the run.\n")
	}
}

// lexists reports whether anything (a file, a folder, a link) has the name.
func lexists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
