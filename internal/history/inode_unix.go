//go:build unix

package history

import (
	"os"
	"syscall"
)

// inode is the file's inode number (part of what says a file is
// unchanged; see cache.go).
func inode(st os.FileInfo) uint64 {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(sys.Ino)
	}
	return 0
}
