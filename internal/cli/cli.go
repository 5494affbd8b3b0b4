// Package cli implements the benchsite commands. cmd/benchsite is a thin
// wrapper around Main, so the commands can be tested in-process against real
// files.
//
// Exit status, for every command: 0 fine; 1 a regression or a missed
// performance target; 2 bad input or usage (the message names the file, flag
// or field and what to do).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/benchsite/benchsite/internal/config"
)

// Exit statuses.
const (
	ExitOK     = 0
	ExitFail   = 1 // a regression or a missed target
	ExitBadUse = 2 // bad input or usage
)

// exitError carries an exit status with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// badInput wraps err as an exit-2 error.
func badInput(format string, args ...any) error {
	return &exitError{ExitBadUse, fmt.Errorf(format, args...)}
}

// failed is the exit-1 error: the run worked but did not pass.
var errFailed = &exitError{ExitFail, errors.New("")}

// env is what every command gets.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	dir    string // working directory
}

type command struct {
	name, args, summary string
	run                 func(e *env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"run", "[flags] [PACKAGES...]", "run the benchmark suites; save, compare and check targets", cmdRun},
		{"compare", "[flags] [BASELINE [CURRENT]]", "compare a run with a baseline; exit 1 on a regression", cmdCompare},
		{"noise", "[flags] [PACKAGES...]", "qualify this machine: noise per benchmark and the smallest change a paired run detects", cmdNoise},
		{"import", "[--save NAME] FILE...", "import go test -bench output, go test -json or pytest-benchmark JSON", cmdImport},
		{"merge", "[flags] FILE...", "join the result files of a sharded run (run --shard I/N) into one run", cmdMerge},
		{"list", "[flags]", "list the saved runs of every machine", cmdList},
		{"changes", "[flags]", "list the change points of every benchmark's history; exit 1 on a recent regression", cmdChanges},
		{"reset", "[flags]", "move this machine's history into its archive/ folder", cmdReset},
		{"build", "[flags]", "build the static report site from the history", cmdBuild},
		{"serve", "[flags]", "build the site, serve it on 127.0.0.1 and rebuild on change", cmdServe},
		{"version", "", "print benchsite's version", cmdVersion},
	}
}

// Main runs benchsite with args (without the program name) and returns the
// exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(stderr, "benchsite:", err)
		return ExitBadUse
	}
	return MainContext(ctx, dir, args, stdout, stderr)
}

// MainContext is Main with an explicit context and working directory.
func MainContext(ctx context.Context, dir string, args []string, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr, dir: dir}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			for _, c := range commands {
				if c.name == args[1] {
					return exit(e, c.run(e, []string{"--help"}))
				}
			}
		}
		usage(stdout)
		if len(args) == 0 {
			return ExitBadUse
		}
		return ExitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return exit(e, c.run(e, args[1:]))
		}
	}
	fmt.Fprintf(stderr, "benchsite: unknown command %q; run 'benchsite help' for the list\n", args[0])
	return ExitBadUse
}

func exit(e *env, err error) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if msg := ee.err.Error(); msg != "" {
			fmt.Fprintln(e.stderr, "benchsite:", msg)
		}
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "benchsite: interrupted")
		return ExitBadUse
	}
	// Anything not classified is about the input or environment the user
	// gave us (an unreadable file, a failing go build): status 2.
	fmt.Fprintln(e.stderr, "benchsite:", err)
	return ExitBadUse
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "benchsite — continuous benchmarking: run, store, compare, publish.")
	fmt.Fprintln(w, "\nUsage: benchsite COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'benchsite COMMAND --help' for a command's flags.")
	fmt.Fprintln(w, "Exit status: 0 fine, 1 regression or missed target, 2 bad input or usage.")
}

// flagSet makes a command's flag set; usage goes to stdout on --help.
// flags is a command's flag set with its --help text.
type flags struct {
	*flag.FlagSet
	usage func()
}

func flagSet(e *env, name, args, summary string) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package would print its error and the whole usage on a bad
	// flag; parse reports one line instead, and the usage only on --help.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	usage := func() {
		fmt.Fprintf(e.stdout, "Usage: benchsite %s\n\n%s.\n", strings.TrimSpace(name+" "+args), summary)
		printFlags(e.stdout, fs)
	}
	return &flags{fs, usage}
}

// parse parses flags that may stand anywhere among the positional
// arguments (`compare 0001 --format markdown`), as users expect.
func parse(fs *flags, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.usage()
				return nil, err
			}
			return nil, badInput("%s: %s (see 'benchsite %s --help')", fs.Name(), doubleDash(err), fs.Name())
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// After "--" everything is positional.
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// doubleDash writes the flag package's error with flags spelled as the
// help and README spell them: "flag provided but not defined: --bogus".
func doubleDash(err error) string {
	msg := err.Error()
	for _, p := range []string{"not defined: -", "for flag -", "needs an argument: -"} {
		msg = strings.Replace(msg, p, p+"-", 1)
	}
	return msg
}

// common flags of the commands that read the configuration and history.
type common struct {
	configPath string
	storage    string
}

func (c *common) register(fs *flags) {
	fs.StringVar(&c.configPath, "config", config.FileName, "configuration `file`")
	fs.StringVar(&c.storage, "storage", "", "history `dir` (default: storage in the config, .benchmarks)")
}

// load reads the configuration and applies the common overrides.
func (c *common) load(e *env, fs *flags) (*config.Config, error) {
	explicit := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "config" {
			explicit = true
		}
	})
	path := c.configPath
	if !filepath.IsAbs(path) {
		path = filepath.Join(e.dir, path)
	}
	cfg, err := config.Load(path, explicit)
	if err != nil {
		return nil, &exitError{ExitBadUse, err}
	}
	if c.storage != "" {
		cfg.Storage = c.storage
	}
	cfg.Storage = e.abs(cfg.Storage)
	return cfg, nil
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flags, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// storageGiven checks that a history folder named with --storage exists,
// for the commands that only read the history: a typo there would
// otherwise show an empty history and pass.
func (c *common) storageGiven(cfg *config.Config) error {
	if c.storage == "" {
		return nil
	}
	info, err := os.Stat(cfg.Storage)
	if err != nil {
		return badInput("--storage %s: %v; name the folder that holds the history (.benchmarks by default)", c.storage, errors.Unwrap(err))
	}
	if !info.IsDir() {
		return badInput("--storage %s: not a folder; name the folder that holds the history (.benchmarks by default)", c.storage)
	}
	return nil
}

// abs resolves a user-given path against the working directory.
func (e *env) abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(e.dir, p)
}

// rel shows a path relative to the working directory where it is inside it.
func (e *env) rel(p string) string {
	if r, err := filepath.Rel(e.dir, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}
