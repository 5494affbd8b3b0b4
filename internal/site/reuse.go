package site

import (
	"crypto/sha256"
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/benchsite/benchsite/internal/history"
)

// Page reuse in incremental builds (Options.Cache).
//
// Every page and period file is given a key before it is rendered: the
// SHA-256 of the running binary's identity (buildID), the template set's
// sources and everything the file is made from. A build records, in the
// cache folder, the key of every file it wrote together with the file's
// size and modification time (the manifest, keysFile, per output folder).
// The next build into the same output (or, for the preview server, from
// the output it serves: Options.Reuse) links a file from the earlier
// output instead of rendering it again when its key is unchanged and the
// file there still has the recorded size, modification time and inode (a
// file edited or replaced since is rendered again). Files no longer produced
// are simply not carried over: the new output is written beside the old
// one and swapped in whole (prepareOut), as a clean build's would be. So
// the output is byte for byte a clean build's, and adding one run renders
// only the pages that run touches.
//
// Keys:
//   - a page other than the compare page: the gob encoding of its Page
//     value (every exported field the templates can read; the compare
//     page, which holds a compare.Report, changes with every run and is
//     always rendered);
//   - an older page of a runs table: what its rows are made from, without
//     making them (runsKey);
//   - a period file: what its rows are made from (periodKey).

// buildID identifies the running binary by its path, size and
// modification time: a rebuilt benchsite, whose code may render the same
// data differently, never reuses files an earlier binary rendered.
var buildID = func() string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	st, err := os.Stat(exe)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%q %d %d", exe, st.Size(), st.ModTime().UnixNano())
}()

// fileKey is a manifest entry: the key a file was made from, and its size
// (bytes), modification time (Unix nanoseconds) and inode (history.Inode)
// when it was written. The inode tells a file replaced by a rename (an
// editor's or sed -i's save) with the same size and time put back.
type fileKey struct {
	Key  [32]byte
	Size int64
	Mod  int64
	Ino  uint64
}

// keysFile is the file in the cache folder that keeps, per output folder
// (by absolute path), the manifest of the files a build wrote there.
const keysFile = "site-keys-2.gob"

func absDir(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	return abs
}

// readKeys returns the manifest of the output folder dir (empty when there
// is none or it cannot be read: every file is then rendered).
func readKeys(cache, dir string) map[string]fileKey {
	all := readAllKeys(cache)
	if k := all[absDir(dir)]; k != nil {
		return k
	}
	return map[string]fileKey{}
}

func readAllKeys(cache string) map[string]map[string]fileKey {
	all := map[string]map[string]fileKey{}
	if cache == "" {
		return all
	}
	f, err := os.Open(filepath.Join(cache, keysFile))
	if err != nil {
		return all
	}
	defer f.Close()
	if gob.NewDecoder(f).Decode(&all) != nil {
		return map[string]map[string]fileKey{}
	}
	return all
}

// writeKeys records the manifest of the output folder dir, and forgets the
// folders that no longer exist (the preview server's earlier builds). It
// is written atomically; a failure only costs the next build its reuse.
func writeKeys(cache, dir string, keys map[string]fileKey) {
	if cache == "" || os.MkdirAll(cache, 0o755) != nil {
		return
	}
	// The earlier versions' file (period files' keys alone) is replaced.
	os.Remove(filepath.Join(cache, "site-keys.gob"))
	all := readAllKeys(cache)
	for d := range all {
		if _, err := os.Stat(d); err != nil {
			delete(all, d)
		}
	}
	all[absDir(dir)] = keys
	tmp, err := os.CreateTemp(cache, keysFile+".tmp-")
	if err != nil {
		return
	}
	err = gob.NewEncoder(tmp).Encode(all)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(cache, keysFile))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// keyed reports whether this build keys its files (it has a cache).
func (b *builder) keyed() bool { return b.opt.Cache != "" }

// reuseFile links rel from the earlier build's output when the manifest
// gives it the key key and the file there is as it was written; it
// reports whether it did. A zero key is never reused.
func (b *builder) reuseFile(rel string, key [32]byte) bool {
	if key == ([32]byte{}) || b.reuse == "" {
		return false
	}
	b.mu.Lock()
	old, ok := b.keys[rel]
	b.mu.Unlock()
	if !ok || old.Key != key {
		return false
	}
	src := filepath.Join(b.reuse, filepath.FromSlash(rel))
	st, err := os.Lstat(src)
	if err != nil || !st.Mode().IsRegular() || st.Size() != old.Size || st.ModTime().UnixNano() != old.Mod || history.Inode(st) != old.Ino {
		return false
	}
	dst := filepath.Join(b.out, filepath.FromSlash(rel))
	if os.MkdirAll(filepath.Dir(dst), 0o755) != nil || os.Link(src, dst) != nil {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.newKeys[rel] = old
	b.res.Files++
	b.res.Reused++
	b.res.Bytes += st.Size()
	if strings.HasSuffix(rel, ".html") {
		b.res.Pages++
		b.res.ReusedPages++
	}
	return true
}

// record enters rel, just written, in this build's manifest with key.
func (b *builder) record(rel string, key [32]byte) {
	if key == ([32]byte{}) {
		return
	}
	st, err := os.Stat(filepath.Join(b.out, filepath.FromSlash(rel)))
	if err != nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.newKeys[rel] = fileKey{Key: key, Size: st.Size(), Mod: st.ModTime().UnixNano(), Ino: history.Inode(st)}
}

// siteKey is the SHA-256 of the site's data every page has (Page.Site).
func siteKey(si *SiteInfo) [32]byte {
	h := sha256.New()
	if gob.NewEncoder(h).Encode(si) != nil {
		return [32]byte{}
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// pageKey is the key of page template name rendered with pg (complete:
// Site, Path, Root and Canonical set); zero when the build keeps no
// manifest or the page cannot be keyed (the compare page, or data gob
// cannot encode).
func (b *builder) pageKey(name string, pg *Page) [32]byte {
	if !b.keyed() || pg.Compare != nil {
		return [32]byte{}
	}
	h := sha256.New()
	fmt.Fprintf(h, "page-1 %s\n%x\n%q\n", buildID, b.tmpl.sum, name)
	if gob.NewEncoder(h).Encode(pg) != nil {
		return [32]byte{}
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}
