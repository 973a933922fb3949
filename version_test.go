package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionNamesTheGoToolchain(t *testing.T) {
	out := mustRun(t, "version")
	if !strings.HasPrefix(out, "wadesk ") {
		t.Fatalf("version printed %q", out)
	}
	for _, want := range []string{"\ncommit:   ", "\nbuilt:    ", "\ngo:       " + runtime.Version() + "\n",
		"\nplatform: " + runtime.GOOS + "/" + runtime.GOARCH + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}
}

func TestResolveBuild(t *testing.T) {
	vcs := &debug.BuildInfo{
		GoVersion: "go1.27.3",
		Main:      debug.Module{Path: "github.com/wadesk/wadesk", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	for _, tc := range []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  buildInfo
	}{
		{
			name:    "release build: ldflags win over the VCS stamp",
			version: "v1.2.0", commit: "fedcba9876543210fedcba9876543210fedcba98", date: "2026-12-07T17:00:00Z",
			bi:   vcs,
			want: buildInfo{Version: "v1.2.0", Commit: "fedcba9876543210fedcba9876543210fedcba98", Date: "2026-12-07T17:00:00Z", Go: "go1.27.3"},
		},
		{
			name: "go build in a checkout: the VCS stamp",
			bi:   vcs, version: "dev",
			want: buildInfo{Version: "dev", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-12-01T10:00:00Z", Modified: true, Go: "go1.27.3"},
		},
		{
			name:    "go install at a version",
			version: "dev",
			bi:      &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Version: "v1.3.0"}},
			want:    buildInfo{Version: "v1.3.0", Go: "go1.27.3"},
		},
		{
			name:    "no build information",
			version: "dev",
			want:    buildInfo{Version: "dev", Go: runtime.Version()},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := resolveBuild(tc.version, tc.commit, tc.date, tc.bi)
			tc.want.Platform = runtime.GOOS + "/" + runtime.GOARCH
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestWriteVersion(t *testing.T) {
	var out bytes.Buffer
	writeVersion(&out, buildInfo{Version: "v1.2.0", Commit: "abc", Modified: true, Go: "go1.27.3", Platform: "linux/arm64"})
	want := "wadesk v1.2.0\n" +
		"commit:   abc (with uncommitted changes)\n" +
		"built:    unknown\n" +
		"go:       go1.27.3\n" +
		"platform: linux/arm64\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
