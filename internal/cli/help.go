package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// printFlags writes fs's flags the way README writes them: double-dash
// names; a boolean flag without a value, unless its usage names one in
// backquotes, which makes the value optional (--compare[=REF], a boolean
// flag that also takes a value); any other flag with its value's name (the
// `backquoted` word of its usage, flag.UnquoteUsage); then the usage and a
// non-empty default. A command without flags gets no "Flags:" heading.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		b, isBool := f.Value.(interface{ IsBoolFlag() bool })
		switch {
		case isBool && b.IsBoolFlag() && strings.Contains(f.Usage, "`"):
			head += "[=" + strings.ToUpper(name) + "]"
		case isBool && b.IsBoolFlag():
		default:
			if name == "" {
				name = "value"
			}
			head += " " + strings.ToUpper(name)
		}
		fmt.Fprintf(w, "%s\n      %s", head, usage)
		if d := f.DefValue; d != "" && d != "false" && d != "0" && !strings.Contains(usage, "default") {
			fmt.Fprintf(w, " (default %s)", d)
		}
		fmt.Fprintln(w)
	})
}

// tableWidth is the width terminal tables fit into: the terminal's when
// stdout is one and wide is false; 0 (no limit) when stdout is a pipe or a
// file, where nothing wraps and tools want every column, or with --wide.
func (e *env) tableWidth(wide bool) int {
	f, ok := e.stdout.(*os.File)
	if wide || !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil || w <= 0 {
		return 0
	}
	return w
}
