//go:build !unix

package history

import "os"

// inode is 0 where the file system's identity is not at hand: size and
// modification time alone then say a file is unchanged (see cache.go).
func inode(os.FileInfo) uint64 { return 0 }
