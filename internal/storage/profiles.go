package storage

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Profiles of a saved run (benchsite run --profile) live in a folder beside
// its result file:
//
//	<root>/<machine-id>/NNNN_<name>.profiles/<benchmark>.pprof
//
// Contract, as for result files:
//   - ProfileDir names the folder from the result file's path (any path:
//     --json output gets one beside it too).
//   - ProfileFileName turns a benchmark name into a file name: bytes outside
//     [A-Za-z0-9.-] (and a leading ".") are written _XX in hex, so
//     "BenchmarkForward/batch=32" is "BenchmarkForward_2Fbatch_3D32.pprof".
//     The rule is one-to-one, so two benchmarks never share a file; names
//     longer than 180 bytes once escaped are cut and end in a hash of the
//     whole name.
//   - SaveProfiles writes each file atomically and never overwrites one
//     (WriteNew); a folder numbered like a run counts as taken when Save
//     numbers a new run, and Reset moves it into archive/ with the runs.

// ProfilesSuffix ends the name of a run's profile folder.
const ProfilesSuffix = ".profiles"

// ProfileExt ends the name of a profile file.
const ProfileExt = ".pprof"

// ProfileDir returns the profile folder of the run saved at resultPath:
// "dir/0003_x.json" → "dir/0003_x.profiles".
func ProfileDir(resultPath string) string {
	return strings.TrimSuffix(resultPath, filepath.Ext(resultPath)) + ProfilesSuffix
}

// maxProfileStem is the longest escaped name kept whole; file systems allow
// 255 bytes.
const maxProfileStem = 180

// ProfileFileName returns the file name of a benchmark's profile (see the
// contract above).
func ProfileFileName(benchmark string) string {
	var b strings.Builder
	for i := 0; i < len(benchmark); i++ {
		c := benchmark[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' && i > 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "_%02X", c)
		}
	}
	s := b.String()
	if s == "" {
		s = "_"
	}
	if len(s) > maxProfileStem {
		sum := sha256.Sum256([]byte(benchmark))
		s = fmt.Sprintf("%s_%x", s[:maxProfileStem-17], sum[:8])
	}
	return s + ProfileExt
}

// ValidProfileFile reports whether name (from a result file, so untrusted)
// can be the name of a profile file: one path segment of the characters
// ProfileFileName writes, ending in ".pprof".
func ValidProfileFile(name string) bool {
	stem, ok := strings.CutSuffix(name, ProfileExt)
	if !ok || stem == "" || strings.HasPrefix(stem, ".") || len(name) > 255 {
		return false
	}
	for _, r := range stem {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// SaveProfiles writes the profiles of the run saved at resultPath (file name
// from ProfileFileName → pprof data) into ProfileDir(resultPath), creating
// it, and returns the paths written, sorted. Each file is written atomically
// and an existing file is never replaced: that is an error naming it, and
// the files written before it stay.
func SaveProfiles(resultPath string, files map[string][]byte) ([]string, error) {
	dir := ProfileDir(resultPath)
	names := make([]string, 0, len(files))
	for name := range files {
		if !ValidProfileFile(name) {
			return nil, fmt.Errorf("profile file name %q: not a name ProfileFileName gives", name)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the profile folder %s: %w (check the folder's permissions)", dir, err)
	}
	var written []string
	for _, name := range names {
		p := filepath.Join(dir, name)
		if err := WriteNew(p, files[name]); err != nil {
			return written, err
		}
		written = append(written, p)
	}
	syncDir(filepath.Dir(dir))
	return written, nil
}

// profileDirNumber returns the run number of a profile folder's name
// ("0003_x.profiles" → 3).
func profileDirNumber(base string) (int, bool) {
	stem, ok := strings.CutSuffix(base, ProfilesSuffix)
	if !ok {
		return 0, false
	}
	n, _, ok := parseFileName(stem + ".json")
	return n, ok
}

// isProfileDir reports whether de is a run's profile folder.
func isProfileDir(de fs.DirEntry) bool {
	_, ok := profileDirNumber(de.Name())
	return ok && de.IsDir()
}

// errNotProfile is returned for a profile path outside a profile folder.
var errNotProfile = errors.New("not a profile")

// ProfilePath returns the path of the profile file name (from a result
// file's options, so untrusted) of the run saved at resultPath, or an error
// when name is not a profile file name.
func ProfilePath(resultPath, name string) (string, error) {
	if !ValidProfileFile(name) {
		return "", fmt.Errorf("profile file %s: %w", strconv.Quote(name), errNotProfile)
	}
	return filepath.Join(ProfileDir(resultPath), name), nil
}
