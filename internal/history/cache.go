package history

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/benchsite/benchsite/internal/compare"
	"github.com/benchsite/benchsite/internal/result"
	"github.com/benchsite/benchsite/internal/storage"
	"github.com/benchsite/benchsite/internal/version"
)

// The cache (Options.Cache) lets a Load reuse what an earlier one read:
// each result file's summary (what Load keeps of a run: its header and its
// benchmarks' Summary) under the file's path and the SHA-256 of its bytes,
// and each run's verdicts under the contents of the run's file and its
// baseline's and the compare options. A file whose size, modification
// time and inode are those of the earlier Load is taken to have the same
// content without being read again (as the go command's build cache does);
// any other file is read and hashed, and decoded when its hash is not the
// cached one.
//
// The cache file is a stream of gob messages: the version, then per result
// file, in the history's listing order (machine, number, path), a record of
// the file and one of its verdicts (see cacheRecord). Load writes the new
// one as it reads the history, and reads the earlier one in step with it,
// a record at a time (both are in listing order; a file the earlier Load
// did not see is a miss), so neither cache is ever held whole: memory does
// not grow with the cache. Only what the current history uses is written,
// so the cache does not grow with removed runs. A cache that cannot be
// read (missing, from another version, damaged) is ignored from where it
// fails; one that cannot be written costs only the next Load's time.

// cacheVersion changes whenever what is cached, or how a file is read,
// changes.
const cacheVersion = "history-cache-4" // 3: stored paired verdicts; 4: a row not compared (units differ) has no change

// cacheName is the cache's file name under Options.Cache.
const cacheName = "history.gob"

type fileStat struct {
	Size, ModTime int64
	Inode         uint64
	Hash          [32]byte
}

// cachedRun is what Load keeps of a run's file: its header and its
// benchmarks' summaries (see Summary).
type cachedRun struct {
	CommitInfo  result.CommitInfo
	Datetime    string
	Version     string
	Shard       *result.ShardInfo
	MachineInfo []byte // JSON
	Notes       []string
	Benchmarks  []cachedBench
}

type cachedVerdict struct {
	Fullname string
	Verdict  Verdict
}

// cache is the state of the cache during one Load.
type cache struct {
	dir  string
	opts string // the compare options, as part of verdict keys
	// The earlier Load's cache, read in step with the history: next is its
	// first record not yet passed (nil at its end).
	oldFile *os.File
	old     *gob.Decoder
	next    *cacheRecord
	// The new cache, written as Load goes: tmp is renamed over the old
	// one by save; after an error (err) nothing more is written.
	tmp *os.File
	w   *bufio.Writer
	enc *gob.Encoder
	err error
}

// cacheRecord is one message of the cache file after its version: a
// result file (Path set; Run nil when it could not be cached), a run's
// verdicts (Key set, right after its file's record), or the end (neither).
type cacheRecord struct {
	Machine  string
	Number   int
	Path     string
	Stat     fileStat
	Run      *cachedRun
	Key      string
	Verdicts []cachedVerdict
}

func openCache(dir string, opt compare.Options) *cache {
	c := &cache{dir: dir, opts: fmt.Sprintf("%#v", opt)}
	if dir == "" {
		return c
	}
	ver := cacheVersion + " " + version.String()
	if f, err := os.Open(filepath.Join(dir, cacheName)); err == nil {
		c.oldFile, c.old = f, gob.NewDecoder(bufio.NewReader(f))
		var v string
		if c.old.Decode(&v) != nil || v != ver {
			c.endOld()
		} else {
			c.readOld()
		}
	}
	if c.err = os.MkdirAll(dir, 0o755); c.err != nil {
		return c
	}
	if c.tmp, c.err = os.CreateTemp(dir, cacheName+".tmp-"); c.err != nil {
		return c
	}
	c.w = bufio.NewWriter(c.tmp)
	c.enc = gob.NewEncoder(c.w)
	c.err = c.enc.Encode(ver)
	return c
}

// readOld reads the earlier cache's next record into c.next.
func (c *cache) readOld() {
	if c.old == nil {
		return
	}
	var rec cacheRecord
	if c.old.Decode(&rec) != nil || rec.Path == "" && rec.Key == "" {
		c.endOld()
		return
	}
	c.next = &rec
}

func (c *cache) endOld() {
	if c.oldFile != nil {
		c.oldFile.Close()
	}
	c.oldFile, c.old, c.next = nil, nil, nil
}

// before orders records and entries as the history lists them.
func before(rec *cacheRecord, e storage.Entry) int {
	return cmp.Or(cmp.Compare(rec.Machine, e.MachineID), cmp.Compare(rec.Number, e.Number), cmp.Compare(rec.Path, e.Path))
}

// lookup returns the earlier cache's records of entry e: its file's and
// its verdicts' (nil where there is none). Entries must be looked up in
// listing order; the records of files before e are passed.
func (c *cache) lookup(e storage.Entry) (file, verdicts *cacheRecord) {
	for c.next != nil {
		if c.next.Path == "" { // verdicts whose file was passed
			c.readOld()
			continue
		}
		switch d := before(c.next, e); {
		case d > 0:
			return nil, nil
		case d < 0:
			c.readOld()
			continue
		}
		file = c.next
		c.readOld()
		if c.next != nil && c.next.Path == "" {
			verdicts = c.next
			c.readOld()
		}
		return file, verdicts
	}
	return nil, nil
}

// hash returns the SHA-256 of path's content and what identifies the
// file, from the earlier Load (old, or nil) when the file's size,
// modification time and inode are unchanged; data is the content when the
// file had to be read.
func (c *cache) hash(path string, old *cacheRecord) (sum [32]byte, fs fileStat, data []byte, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return sum, fs, nil, err
	}
	if c.dir == "" { // no cache: no hash needed
		data, err = os.ReadFile(path)
		return sum, fs, data, err
	}
	fs = fileStat{Size: st.Size(), ModTime: st.ModTime().UnixNano()}
	fs.Inode = inode(st)
	if old != nil {
		if o := old.Stat; o.Size == fs.Size && o.ModTime == fs.ModTime && o.Inode == fs.Inode {
			return o.Hash, o, nil, nil
		}
	}
	data, err = os.ReadFile(path)
	if err != nil {
		return sum, fs, nil, err
	}
	fs.Hash = sha256.Sum256(data)
	return fs.Hash, fs, data, nil
}

func (c *cache) verdictKey(run, base [32]byte) string {
	return fmt.Sprintf("%x %x %s", run, base, c.opts)
}

// put writes one record of the new cache.
func (c *cache) put(rec *cacheRecord) {
	if c.enc != nil && c.err == nil {
		c.err = c.enc.Encode(rec)
	}
}

// save finishes the new cache and puts it in place of the earlier one.
func (c *cache) save() {
	c.endOld()
	if c.tmp == nil {
		return
	}
	c.put(&cacheRecord{})
	if c.err == nil {
		c.err = c.w.Flush()
	}
	if err := c.tmp.Close(); c.err == nil {
		c.err = err
	}
	if c.err == nil {
		c.err = os.Rename(c.tmp.Name(), filepath.Join(c.dir, cacheName))
	}
	if c.err != nil {
		os.Remove(c.tmp.Name())
	}
	c.tmp = nil
}

// close removes the new cache's file when save was not reached (Load
// stopped on an error).
func (c *cache) close() {
	c.endOld()
	if c.tmp != nil {
		c.tmp.Close()
		os.Remove(c.tmp.Name())
		c.tmp = nil
	}
}

// summarise is what the cache keeps of a decoded file; cacheable is false
// when it cannot be written (a machine_info that JSON cannot write, e.g.
// NaN; an option value gob cannot), and the summary then serves this Load
// only.
func summarise(f *result.File) (cr *cachedRun, cacheable bool) {
	mi, err := json.Marshal(f.MachineInfo)
	cacheable = err == nil
	cr = &cachedRun{CommitInfo: f.CommitInfo, Datetime: f.Datetime, Version: f.Version, Shard: f.Shard,
		MachineInfo: mi, Notes: f.Notes, Benchmarks: make([]cachedBench, len(f.Benchmarks))}
	for i := range f.Benchmarks {
		cr.Benchmarks[i] = cachedSummary(&f.Benchmarks[i])
		cacheable = cacheable && plain(cr.Benchmarks[i].Options)
	}
	return cr, cacheable
}

// plain reports whether gob can write m's values (its basic types).
func plain(m map[string]any) bool {
	for _, v := range m {
		switch v.(type) {
		case float64, string, bool:
		default:
			return false
		}
	}
	return true
}

// fileHeader rebuilds a run's file header from its summary.
func (l *loader) fileHeader(cr *cachedRun) (*result.File, error) {
	f := &result.File{CommitInfo: cr.CommitInfo, Datetime: cr.Datetime, Version: l.str(cr.Version), Shard: cr.Shard, Notes: cr.Notes}
	var err error
	if f.MachineInfo, err = l.machineInfoJSON(cr.MachineInfo); err != nil {
		return nil, err
	}
	return f, nil
}

func (l *loader) machineInfoJSON(data []byte) (result.MachineInfo, error) {
	if mi, ok := l.mis[string(data)]; ok {
		return mi, nil
	}
	var mi result.MachineInfo
	if err := json.Unmarshal(data, &mi); err != nil {
		return nil, err
	}
	return l.sharedMachineInfo(mi, data), nil
}
