package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Build information. A release build sets all three with
//
//	-ldflags "-X main.version=v1.2.0 -X main.commit=<full hash> -X main.date=<RFC 3339 UTC>"
//
// (see `make release`). Left empty, commit and date come from the version
// control information the go command stamps into binaries built inside a
// git checkout, when it has.
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// buildInfo is what `wadesk version` prints.
type buildInfo struct {
	Version  string
	Commit   string
	Date     string
	Modified bool // built from a tree with uncommitted changes (VCS stamp only)
	Go       string
	Platform string
}

// currentBuild returns this binary's build information.
func currentBuild() buildInfo {
	bi, _ := debug.ReadBuildInfo()
	return resolveBuild(version, commit, date, bi)
}

// resolveBuild prefers the values set with -ldflags and falls back to the
// module version and VCS settings the go command recorded (bi may be nil).
func resolveBuild(version, commit, date string, bi *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		return b
	}
	if bi.GoVersion != "" {
		b.Go = bi.GoVersion
	}
	// `go install github.com/wadesk/wadesk@v1.2.0` records the module version.
	if b.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.Version = bi.Main.Version
	}
	stamped := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit, stamped = s.Value, true
			}
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	if !stamped {
		b.Modified = false
	}
	return b
}

// writeVersion prints the build information, one "name: value" a line after
// the first.
func writeVersion(w io.Writer, b buildInfo) {
	unknown := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	c := unknown(b.Commit)
	if b.Modified {
		c += " (with uncommitted changes)"
	}
	fmt.Fprintf(w, "wadesk %s\ncommit:   %s\nbuilt:    %s\ngo:       %s\nplatform: %s\n",
		unknown(b.Version), c, unknown(b.Date), unknown(b.Go), b.Platform)
}
