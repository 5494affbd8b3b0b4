// Package storage keeps the history of result files on disk in
// pytest-benchmark's layout, so that either tool can read the other's
// history:
//
//	<root>/<machine-id>/NNNN_<name>.json    e.g. .benchmarks/Linux-Go-1.26-64bit/0003_baseline.json
//	<root>/<machine-id>/NNNN_<name>.profiles/<benchmark>.pprof   that run's profiles (see profiles.go)
//	<root>/<machine-id>/archive/...         files moved aside by Reset; never read by List
//
// Contract:
//   - NNNN is a per-machine counter: one more than the highest number in the
//     machine's folder (archive/ excluded), at least four digits. Gaps are
//     never filled. A number is used by one file only, and an existing file
//     is never overwritten, even when several processes save at once.
//   - Save is atomic: the file is written to a hidden temporary file in the
//     same folder and fsynced, then hard-linked to its final name (which
//     fails if the name exists, unlike rename) and the folder fsynced. A
//     reader never sees a partial file.
//   - Concurrent savers agree on numbers through empty reservation files
//     ".reserve-NNNN", created exclusively and removed once the result file
//     is in place. One left behind by a crash only costs a gap; Reset
//     removes it once stale (older than a minute). Temporary files a crash
//     left behind are removed, once stale, by the next Save into that folder
//     and by Reset.
//   - Names and machine ids are [A-Za-z0-9._-]+ (not "." or ".."), so
//     untrusted text can never reach outside the storage root.
//   - WriteNew gives the same atomic, never-overwriting write to a file
//     outside the history (e.g. --json output).
//   - References resolve as pytest-benchmark's --benchmark-compare does: an
//     existing file path; "NNNN" meaning NNNN*.json in the machine's folder;
//     "machine-id/NNNN"; glob characters allowed.
package storage

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/benchsite/benchsite/internal/result"
)

// ArchiveDir is the folder inside a machine's folder that Reset moves files into.
const ArchiveDir = "archive"

const (
	reservePrefix = ".reserve-"
	tempPattern   = ".save-*.tmp"
	// staleReservation is how old a reservation file must be before Reset
	// treats it as left behind by a crash; a live save holds one for
	// milliseconds.
	staleReservation = time.Minute
)

// Store is a history of result files under Root (e.g. ".benchmarks").
//
// A run file (NNNN_name.json) must be a regular file: one that is a
// symbolic link is skipped by every listing (List, Match, Newest) — build,
// list, serve and compare alike — with a warning naming it sent to Warn,
// so that a committed link can neither publish nor compare a file from
// elsewhere; its number stays taken. So are, with a warning, a folder of
// Root whose name is not a machine id (ValidName) and a .json file in a
// machine folder not named NNNN_name.json: their runs are not lost
// silently.
type Store struct {
	Root string
	// Warn, when set, receives each warning about a skipped file.
	Warn func(msg string)
}

// skip warns that the folder or file at path, which looks like part of the
// history, is left out, and why.
func (s Store) skip(path, why string) {
	if s.Warn != nil {
		s.Warn(fmt.Sprintf("%s %s, so it is skipped", path, why))
	}
}

// skipLink warns that the run file at path, a symbolic link, is skipped.
func (s Store) skipLink(path string) {
	if s.Warn != nil {
		s.Warn(fmt.Sprintf("%s is a symbolic link; a run file must be a regular file in the history folder, so it is skipped (replace the link with a copy of the file)", path))
	}
}

// Entry is one saved result file.
type Entry struct {
	Path      string // path of the file (Root joined with MachineID and the file name)
	MachineID string // name of the machine folder
	Name      string // the part after "NNNN_", without ".json"
	Number    int    // NNNN; 0 for a file outside the NNNN_name.json pattern (resolved by path)
}

// Label is the file name without ".json", e.g. "0001_baseline", the way
// pytest-benchmark names a run in its messages.
func (e Entry) Label() string { return Label(e.Path) }

// Label is the label of the result file at path: its file name without
// ".json". Every command and the site name runs this way.
func Label(path string) string { return strings.TrimSuffix(filepath.Base(path), ".json") }

// Baseline reports whether the entry is a baseline: its name is "baseline"
// or ends in "_baseline" (NNNN_baseline.json, NNNN_ci_baseline.json).
// Comparison runs never become baselines.
func (e Entry) Baseline() bool {
	return e.Name == "baseline" || strings.HasSuffix(e.Name, "_baseline")
}

// Read reads and decodes the entry's result file.
func (e Entry) Read() (*result.File, error) { return result.ReadFile(e.Path) }

// ValidName returns nil if s may be used as a machine id or run name, else
// an error saying what is allowed.
func ValidName(s string) error {
	ok := s != "" && s != "." && s != ".." && len(s) <= 200
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("invalid name %q: use 1 to 200 of the characters A-Z a-z 0-9 . _ - (and not \".\" or \"..\")", s)
	}
	return nil
}

func checkName(what, s string) error {
	if err := ValidName(s); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// parseFileName splits "NNNN_name.json" into its number and name.
func parseFileName(base string) (num int, name string, ok bool) {
	stem, isJSON := strings.CutSuffix(base, ".json")
	digits, name, found := strings.Cut(stem, "_")
	if !isJSON || !found || name == "" || digits == "" || strings.HasPrefix(base, ".") {
		return 0, "", false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, "", false
		}
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, "", false
	}
	return n, name, true
}

// fileName is the name Save gives run number n.
func fileName(n int, name string) string { return fmt.Sprintf("%04d_%s.json", n, name) }

func (s Store) machineDir(machineID string) string { return filepath.Join(s.Root, machineID) }

// Machines returns the names of the machine folders, sorted. A missing root
// is an empty history, not an error.
func (s Store) Machines() ([]string, error) {
	des, err := os.ReadDir(s.Root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the result storage %s: %w", s.Root, err)
	}
	var ids []string
	for _, de := range des {
		if !de.IsDir() || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		if err := ValidName(de.Name()); err != nil {
			s.skip(filepath.Join(s.Root, de.Name()), fmt.Sprintf("is not a machine folder: its %v; rename it to be read", err))
			continue
		}
		ids = append(ids, de.Name())
	}
	return ids, nil // os.ReadDir sorts by name
}

// List returns the saved runs of machineID ("" = every machine), sorted by
// machine id, then number, then name. Only NNNN_name.json files directly in a
// machine folder count; archive/ is excluded.
func (s Store) List(machineID string) ([]Entry, error) {
	if machineID == "" {
		ids, err := s.Machines()
		if err != nil {
			return nil, err
		}
		var all []Entry
		for _, id := range ids {
			es, err := s.List(id)
			if err != nil {
				return nil, err
			}
			all = append(all, es...)
		}
		return all, nil
	}
	if err := checkName("machine id", machineID); err != nil {
		return nil, err
	}
	es, _, err := s.scan(machineID)
	return es, err
}

// scan lists machineID's entries and the highest reserved number.
func (s Store) scan(machineID string) (entries []Entry, maxReserved int, err error) {
	dir := s.machineDir(machineID)
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("reading the machine folder %s: %w", dir, err)
	}
	for _, de := range des {
		base := de.Name()
		if r, ok := strings.CutPrefix(base, reservePrefix); ok {
			if n, err := strconv.Atoi(r); err == nil && n > maxReserved {
				maxReserved = n
			}
			continue
		}
		if n, ok := profileDirNumber(base); ok && de.IsDir() {
			// A run's profile folder holds its number even without
			// its result file, so a new run's profiles never land in it.
			maxReserved = max(maxReserved, n)
			continue
		}
		if !de.Type().IsRegular() {
			if n, _, ok := parseFileName(base); ok && de.Type()&fs.ModeSymlink != 0 {
				s.skipLink(filepath.Join(dir, base))
				maxReserved = max(maxReserved, n)
			}
			continue
		}
		if n, name, ok := parseFileName(base); ok {
			entries = append(entries, Entry{Path: filepath.Join(dir, base), MachineID: machineID, Name: name, Number: n})
		} else if strings.HasSuffix(base, ".json") && !strings.HasPrefix(base, ".") {
			s.skip(filepath.Join(dir, base), "is not named as a run file (NNNN_name.json, e.g. 0012_baseline.json); rename it to be read")
		}
	}
	sortEntries(entries)
	return entries, maxReserved, nil
}

func sortEntries(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		if c := strings.Compare(a.MachineID, b.MachineID); c != 0 {
			return c
		}
		if a.Number != b.Number {
			return a.Number - b.Number
		}
		return strings.Compare(a.Path, b.Path)
	})
}

// Newest returns machineID's highest-numbered run.
func (s Store) Newest(machineID string) (Entry, bool, error) {
	return s.newest(machineID, func(Entry) bool { return true })
}

// NewestBaseline returns machineID's highest-numbered *_baseline.json run.
// Comparison runs never become baselines.
func (s Store) NewestBaseline(machineID string) (Entry, bool, error) {
	return s.newest(machineID, Entry.Baseline)
}

func (s Store) newest(machineID string, keep func(Entry) bool) (Entry, bool, error) {
	if err := checkName("machine id", machineID); err != nil {
		return Entry{}, false, err
	}
	es, err := s.List(machineID)
	if err != nil {
		return Entry{}, false, err
	}
	for i := len(es) - 1; i >= 0; i-- {
		if keep(es[i]) {
			return es[i], true, nil
		}
	}
	return Entry{}, false, nil
}

// Save writes f as <Root>/<machineID>/NNNN_<name>.json with the next free
// number and returns the path. See the package comment for the guarantees.
func (s Store) Save(machineID, name string, f *result.File) (string, error) {
	data, err := result.Encode(f)
	if err != nil {
		return "", fmt.Errorf("encoding the result for %s: %w", name, err)
	}
	return s.SaveEncoded(machineID, name, data)
}

// SaveEncoded is Save of a result already encoded (result.Encode), for a
// caller that encodes and checks every file before saving any.
func (s Store) SaveEncoded(machineID, name string, data []byte) (string, error) {
	if err := checkName("machine id", machineID); err != nil {
		return "", err
	}
	if err := checkName("run name", name); err != nil {
		return "", err
	}
	dir := s.machineDir(machineID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating the machine folder: %w (check the --storage path and its permissions)", err)
	}
	removeStale(dir, false)
	tmp, err := writeTemp(dir, data)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)

	tried := 0
	for attempt := 0; attempt < 10000; attempt++ {
		entries, reserved, err := s.scan(machineID)
		if err != nil {
			return "", err
		}
		n := max(reserved, tried) + 1
		if len(entries) > 0 {
			n = max(n, entries[len(entries)-1].Number+1)
		}
		tried = n
		// Reserve the number: only one saver can create this file.
		marker := filepath.Join(dir, fmt.Sprintf("%s%04d", reservePrefix, n))
		mf, err := os.OpenFile(marker, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue // another saver holds n; rescan
		}
		if err != nil {
			return "", fmt.Errorf("reserving run number %d in %s: %w (check the folder's permissions)", n, dir, err)
		}
		mf.Close()
		// A saver that finished between our scan and our reservation has
		// linked its file before dropping its reservation: look again.
		if taken, err := s.numberTaken(machineID, n); err != nil || taken {
			os.Remove(marker)
			if err != nil {
				return "", err
			}
			continue
		}
		target := filepath.Join(dir, fileName(n, name))
		err = linkExclusive(tmp, target, data)
		os.Remove(marker)
		if errors.Is(err, fs.ErrExist) {
			continue // something not counted (e.g. a folder) has that name
		}
		if err != nil {
			return "", fmt.Errorf("saving %s: %w (check the folder's permissions and free space)", target, err)
		}
		syncDir(dir)
		return target, nil
	}
	return "", fmt.Errorf("saving %s in %s: no free run number found after 10000 tries; check the folder for stray files", name, dir)
}

func (s Store) numberTaken(machineID string, n int) (bool, error) {
	es, _, err := s.scan(machineID)
	if err != nil {
		return false, err
	}
	for _, e := range es {
		if e.Number == n {
			return true, nil
		}
	}
	return false, nil
}

// WriteNew writes data to path atomically (temporary file in the same
// folder, fsync, hard link) and never replaces an existing file: if path
// exists, it fails with an error matching fs.ErrExist. For files outside the
// numbered history, such as --json output.
func WriteNew(path string, data []byte) error {
	dir := filepath.Dir(path)
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists; choose another name or remove it first: %w", path, fs.ErrExist)
	}
	tmp, err := writeTemp(dir, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := linkExclusive(tmp, path, data); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; choose another name or remove it first: %w", path, fs.ErrExist)
		}
		return fmt.Errorf("writing %s: %w (check the folder's permissions and free space)", path, err)
	}
	syncDir(dir)
	return nil
}

// removeStale removes what crashed saves left in dir: temporary files and,
// with reservations, reservation files, older than staleReservation (a live
// save holds each for milliseconds). Best effort: what cannot be removed
// now is tried again next time.
func removeStale(dir string, reservations bool) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range des {
		base := de.Name()
		temp, _ := filepath.Match(tempPattern, base)
		if !temp && !(reservations && strings.HasPrefix(base, reservePrefix)) || !de.Type().IsRegular() {
			continue
		}
		if info, err := de.Info(); err == nil && time.Since(info.ModTime()) > staleReservation {
			os.Remove(filepath.Join(dir, base))
		}
	}
}

// writeTemp writes data to a new hidden file in dir, fsynced, mode 0644.
func writeTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return "", fmt.Errorf("creating a temporary file in %s: %w (check the folder's permissions)", dir, err)
	}
	name := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", fmt.Errorf("writing %s: %w (check free space)", name, err)
	}
	return name, nil
}

// linkExclusive gives the complete file tmp the name target, failing with an
// error matching fs.ErrExist if target exists. A hard link is atomic and
// exclusive; where the file system has no hard links, the data is written to
// a file created with O_EXCL instead (still exclusive, not atomic).
func linkExclusive(tmp, target string, data []byte) error {
	err := os.Link(tmp, target)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, serr := os.Lstat(target); serr == nil {
		return fs.ErrExist
	}
	f, ferr := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if ferr != nil {
		if errors.Is(ferr, fs.ErrExist) {
			return ferr
		}
		return fmt.Errorf("%w; and creating it directly: %v", err, ferr)
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(target) // ours, incomplete
		return werr
	}
	return nil
}

// syncDir makes a new directory entry durable. Best effort: some systems
// (Windows) cannot fsync a directory, and the file's data is synced already.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Reset moves every file of machineID's history into <machine>/archive/ so
// that the next Save starts again at 0001. Nothing is deleted: a name that
// already exists in the archive gets a "~2", "~3", ... suffix before ".json".
// Temporary and reservation files older than a minute (left by a crash) are
// removed, so they neither leak nor hold the counter up. It returns the new
// paths, sorted.
func (s Store) Reset(machineID string) (moved []string, err error) {
	if err := checkName("machine id", machineID); err != nil {
		return nil, err
	}
	dir := s.machineDir(machineID)
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the machine folder %s: %w", dir, err)
	}
	removeStale(dir, true)
	archive := filepath.Join(dir, ArchiveDir)
	for _, de := range des {
		base := de.Name()
		if strings.HasPrefix(base, ".") || !de.Type().IsRegular() && !isProfileDir(de) {
			continue // temporary files of saves in progress, folders (archive/); runs' profile folders move with them
		}
		if err := os.MkdirAll(archive, 0o755); err != nil {
			return moved, fmt.Errorf("creating %s: %w (check the folder's permissions)", archive, err)
		}
		dst, err := moveExclusive(filepath.Join(dir, base), archive, base)
		if err != nil {
			return moved, err
		}
		moved = append(moved, dst)
	}
	if len(moved) > 0 {
		syncDir(archive)
		syncDir(dir)
	}
	return moved, nil
}

// moveExclusive moves src into folder dst under base (or base~N.ext when
// taken) without ever replacing a file there, and returns the new path.
func moveExclusive(src, dstDir, base string) (string, error) {
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for i := 1; i < 100000; i++ {
		dst := filepath.Join(dstDir, base)
		if i > 1 {
			dst = filepath.Join(dstDir, fmt.Sprintf("%s~%d%s", stem, i, ext))
		}
		err := os.Link(src, dst)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			// No hard links here: rename, having checked the name is free
			// (a small window, acceptable for a manual reset).
			if _, serr := os.Lstat(dst); serr == nil {
				continue
			}
			if rerr := os.Rename(src, dst); rerr != nil {
				return "", fmt.Errorf("moving %s to %s: %w (check the folder's permissions)", src, dst, rerr)
			}
			return dst, nil
		}
		if err := os.Remove(src); err != nil {
			return "", fmt.Errorf("moving %s to %s: the copy is in place but the original could not be removed: %w", src, dst, err)
		}
		return dst, nil
	}
	return "", fmt.Errorf("moving %s into %s: no free name; tidy up the archive folder", src, dstDir)
}

// Resolve finds the one result file that ref names, the way
// pytest-benchmark's --benchmark-compare does:
//
//   - a path to an existing file (anywhere, any name);
//   - "NNNN" or any file-name prefix or glob: <machineID>/<ref>*.json
//     (every machine when machineID is ""); for an all-digit ref that
//     matches several files, the one numbered exactly ref wins
//     ("0001" picks 0001_x.json over 00010_y.json);
//   - "<machine-glob>/<prefix>", e.g. "Linux-Go-1.26-64bit/0003".
//
// No match, or several, is an error that lists what to do or the candidates.
func (s Store) Resolve(ref, machineID string) (Entry, error) {
	es, err := s.Match(ref, machineID)
	if err != nil {
		return Entry{}, err
	}
	if digits := strings.TrimRight(lastPart(ref), "*"); len(es) > 1 && isDigits(digits) {
		var exact []Entry
		for _, e := range es {
			if strings.HasPrefix(filepath.Base(e.Path), digits+"_") {
				exact = append(exact, e)
			}
		}
		if len(exact) == 1 {
			return exact[0], nil
		}
	}
	switch len(es) {
	case 0:
		where := filepath.Join(s.Root, cmp.Or(machineID, "*"))
		return Entry{}, fmt.Errorf("no result file matches %q in %s; give a file path, a run number such as 0001, or machine-id/0001 (\"benchsite list\" shows the saved runs)", ref, where)
	case 1:
		return es[0], nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%q matches %d result files; give more of the name:", ref, len(es))
	for _, e := range es {
		b.WriteString("\n  " + e.Path)
	}
	return Entry{}, errors.New(b.String())
}

// Match returns every result file ref names (see Resolve), sorted; none is
// not an error.
func (s Store) Match(ref, machineID string) ([]Entry, error) {
	if ref == "" {
		return nil, errors.New("empty result file reference; give a file path, a run number such as 0001, or machine-id/0001")
	}
	if machineID != "" {
		if err := checkName("machine id", machineID); err != nil {
			return nil, err
		}
	}
	if info, err := os.Stat(ref); err == nil && info.Mode().IsRegular() {
		return []Entry{entryForPath(ref)}, nil
	}
	parts := strings.Split(filepath.ToSlash(ref), "/")
	var machineGlob, fileGlob string
	switch len(parts) {
	case 1:
		machineGlob, fileGlob = cmp.Or(machineID, "*"), parts[0]
	case 2:
		machineGlob, fileGlob = parts[0], parts[1]
	default:
		return nil, fmt.Errorf("%q is not an existing file, nor a run reference of the form NNNN or machine-id/NNNN", ref)
	}
	if machineGlob == "" || fileGlob == "" || machineGlob == "." || machineGlob == ".." {
		return nil, fmt.Errorf("%q is not an existing file, nor a run reference of the form NNNN or machine-id/NNNN", ref)
	}
	fileGlob = strings.TrimRight(fileGlob, "*")
	if !strings.HasSuffix(fileGlob, ".json") {
		fileGlob += "*.json"
	}
	paths, err := filepath.Glob(filepath.Join(s.Root, machineGlob, fileGlob))
	if err != nil {
		return nil, fmt.Errorf("%q: bad pattern: %w", ref, err)
	}
	var es []Entry
	for _, p := range paths {
		base := filepath.Base(p)
		if strings.HasPrefix(base, ".") || strings.HasPrefix(filepath.Base(filepath.Dir(p)), ".") {
			continue
		}
		info, err := os.Lstat(p)
		if err != nil || !info.Mode().IsRegular() {
			if err == nil && info.Mode()&fs.ModeSymlink != 0 {
				s.skipLink(p)
			}
			continue
		}
		es = append(es, entryForPath(p))
	}
	sortEntries(es)
	return es, nil
}

// entryForPath describes the file at p; its folder is taken as the machine id.
func entryForPath(p string) Entry {
	base := filepath.Base(p)
	e := Entry{Path: p, MachineID: filepath.Base(filepath.Dir(p))}
	if n, name, ok := parseFileName(base); ok {
		e.Number, e.Name = n, name
	} else {
		e.Name = strings.TrimSuffix(base, ".json")
	}
	return e
}

func lastPart(ref string) string {
	ref = filepath.ToSlash(ref)
	return ref[strings.LastIndexByte(ref, '/')+1:]
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
