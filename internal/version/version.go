// Package version holds benchsite's version, written into every result file
// as "benchsite <version>".
package version

import "runtime/debug"

// Version is the release this source tree is; bump it when tagging.
const Version = "0.1.0-dev"

// String returns the version of the running binary: the module version when
// it was built by `go install …@vX.Y.Z`, else Version.
func String() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" && bi.Main.Path == "github.com/benchsite/benchsite" {
			return v
		}
	}
	return Version
}
