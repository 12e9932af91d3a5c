package version

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFromBuild(t *testing.T) {
	vcs := func(rev, tm, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "-trimpath", Value: "true"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: tm}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tc := range []struct {
		name  string
		bi    *debug.BuildInfo
		stamp stamp
		want  Info
	}{
		{"no build info", nil, stamp{},
			Info{Version: "devel", Go: runtime.Version(), Platform: "linux/amd64"}},
		{"go build outside a checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, stamp{},
			Info{Version: "devel", Go: "go1.26.8", Platform: "linux/amd64"}},
		{"go install at a tag", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}, stamp{},
			Info{Version: "v1.2.3", Go: "go1.26.8", Platform: "linux/amd64"}},
		{"go build in a modified checkout",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.4-0.20261201120000-0123456789ab+dirty"},
				Settings: vcs("0123456789abcdef0123456789abcdef01234567", "2026-12-01T12:00:00Z", "true")}, stamp{},
			Info{Version: "v1.2.4-0.20261201120000-0123456789ab", Commit: "0123456789abcdef0123456789abcdef01234567",
				Date: "2026-12-01T12:00:00Z", Dirty: true, Go: "go1.26.8", Platform: "linux/amd64"}},
		{"release stamp wins over build info",
			&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs("ffff", "2020-01-01T00:00:00Z", "true")},
			stamp{tag: "v1.3.0", commit: "0123456789abcdef0123456789abcdef01234567", date: "2026-12-01T12:00:00Z"},
			Info{Version: "v1.3.0", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-12-01T12:00:00Z",
				Go: "go1.26.8", Platform: "linux/amd64"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fromBuild(tc.bi, tc.stamp, "linux/amd64")
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("fromBuild (-want +got):\n%s", d)
			}
		})
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		in   Info
		want string
	}{
		{Info{Version: "devel"}, "devel"},
		{Info{Version: "v1.2.3", Commit: "0123456789abcdef0123"}, "v1.2.3 (commit 0123456789ab)"},
		{Info{Version: "v1.2.3", Commit: "abc", Dirty: true}, "v1.2.3 (commit abc, modified)"},
		{Info{Version: "devel", Dirty: true}, "devel (modified)"},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.in, got, tc.want)
		}
	}
}
