package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set with -ldflags "-X github.com/slbdiag/slbdiag/internal/version.tag=v1.2.3 …"
// by release builds (.goreleaser.yaml), which know the git tag; a plain
// go build or go install leaves them empty and the build info answers.
var (
	tag    string // the release version, v1.2.3 or a snapshot's v1.2.4-next
	commit string // the full commit hash
	date   string // the commit time, RFC 3339
	dirty  string // "true" when the tree had uncommitted changes
)

// Info is one build of slbdiag.
type Info struct {
	Version  string `json:"version"`          // v1.2.3, a pseudo-version, or "devel"
	Commit   string `json:"commit,omitempty"` // full hash; "" when unknown
	Date     string `json:"date,omitempty"`   // commit time, RFC 3339; "" when unknown
	Dirty    bool   `json:"dirty"`            // built from a tree with uncommitted changes
	Go       string `json:"go"`               // the toolchain: go1.26.8
	Platform string `json:"platform"`         // GOOS/GOARCH: windows/amd64
}

// Current is the running binary's build.
func Current() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuild(bi, stamp{tag, commit, date, dirty == "true"}, runtime.GOOS+"/"+runtime.GOARCH)
}

// stamp is what a release build sets with -ldflags -X.
type stamp struct {
	tag, commit, date string
	dirty             bool
}

// fromBuild prefers the release stamp, then what the go command recorded:
// the module version (go install m@v1.2.3, or a go build in a tagged
// checkout since Go 1.24) and the vcs.* settings.
func fromBuild(bi *debug.BuildInfo, s stamp, platform string) Info {
	in := Info{Version: "devel", Go: runtime.Version(), Platform: platform}
	if bi != nil {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			in.Version = v
		}
		if bi.GoVersion != "" {
			in.Go = bi.GoVersion
		}
		for _, kv := range bi.Settings {
			switch kv.Key {
			case "vcs.revision":
				in.Commit = kv.Value
			case "vcs.time":
				in.Date = kv.Value
			case "vcs.modified":
				in.Dirty = kv.Value == "true"
			}
		}
	}
	if s.tag != "" {
		in.Version, in.Commit, in.Date, in.Dirty = s.tag, s.commit, s.date, s.dirty
	}
	// A pseudo-version of a modified tree already says so; the flag stays,
	// the suffix would only repeat it.
	in.Version = strings.TrimSuffix(in.Version, "+dirty")
	return in
}

// String is the one line a report's footer names the build by:
// "v1.2.3 (commit 0123abcd4567, modified)".
func (in Info) String() string {
	var extra []string
	if in.Commit != "" {
		extra = append(extra, "commit "+shortCommit(in.Commit))
	}
	if in.Dirty {
		extra = append(extra, "modified")
	}
	if len(extra) == 0 {
		return in.Version
	}
	return fmt.Sprintf("%s (%s)", in.Version, strings.Join(extra, ", "))
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}
