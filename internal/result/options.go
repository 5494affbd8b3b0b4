package result

// Keys of Benchmark.Options that benchsite's troubleshooting flags write
// and the site and comparisons read.
const (
	// OptDisableGC is pytest-benchmark's own key: true when the benchmark
	// ran with the garbage collector off (benchsite run --disable-gc).
	OptDisableGC = "disable_gc"
	// OptProfile is the kind of profile taken in extra rounds after the
	// timed ones ("cpu", "mem", "block", "mutex"); absent without one.
	OptProfile = "profile"
	// OptProfileFile is the profile's file name in the run's profile folder
	// (storage.ProfileDir), e.g. "BenchmarkForward_2Fbatch_3D32.pprof".
	OptProfileFile = "profile_file"
	// OptProfileRounds and OptProfileProcesses say how the profile was
	// taken: that many rounds in all, in that many processes.
	OptProfileRounds    = "profile_rounds"
	OptProfileProcesses = "profile_processes"
)

// Profile returns the kind and file name of the benchmark's profile, as
// recorded in its options (both untrusted: check them before use); ok is
// false when it has none.
func (b *Benchmark) Profile() (kind, file string, ok bool) {
	kind, _ = b.Options[OptProfile].(string)
	file, _ = b.Options[OptProfileFile].(string)
	return kind, file, kind != "" && file != ""
}

// GCDisabled reports the benchmark's options.disable_gc, and whether the
// option is recorded at all (files before --disable-gc, and Go text
// imports, do not say).
func (b *Benchmark) GCDisabled() (off, recorded bool) {
	off, recorded = b.Options[OptDisableGC].(bool)
	return off, recorded
}
