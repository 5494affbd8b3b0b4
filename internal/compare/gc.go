package compare

import (
	"fmt"
	"strings"

	"github.com/benchsite/benchsite/internal/result"
)

// gcWarnings warns when benchmarks present in both files ran with different
// garbage-collector settings (options.disable_gc, written by benchsite run
// --disable-gc and by pytest-benchmark): a run without collections is
// faster by the collector's share and allocates without bound, so the two
// timings measure different things. A file that does not record the option
// ran with the collector on (the default of both tools).
func gcWarnings(base, cur fileIndex, baseLabel, curLabel string) []string {
	var offInCur, offInBase []string
	for _, cb := range cur.order {
		bb := base.byFull[cb.Fullname]
		if bb == nil {
			continue
		}
		c, _ := cb.GCDisabled()
		b, _ := bb.GCDisabled()
		switch {
		case c && !b:
			offInCur = append(offInCur, cb.Name)
		case b && !c:
			offInBase = append(offInBase, cb.Name)
		}
	}
	var out []string
	say := func(names []string, offIn, onIn string) {
		if len(names) == 0 {
			return
		}
		out = append(out, fmt.Sprintf("garbage collector settings differ: %s ran with the collector off (options.%s, --disable-gc) in %s but on in %s; their timings are not comparable",
			nameList(names), result.OptDisableGC, offIn, onIn))
	}
	say(offInCur, curLabel, baseLabel)
	say(offInBase, baseLabel, curLabel)
	return out
}

// nameList writes "A", "A and B", or "A, B, C and 4 more benchmarks".
func nameList(names []string) string {
	const shown = 3
	switch {
	case len(names) == 1:
		return names[0]
	case len(names) <= shown:
		return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	return fmt.Sprintf("%s and %d more benchmarks", strings.Join(names[:shown], ", "), len(names)-shown)
}
