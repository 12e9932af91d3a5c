package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeFirstMinutes keeps README.md a newcomer's page: under 200
// lines, and within its first 60 what slbdiag is, how to get it on
// Windows and Linux (with the checksum check) and the two fresh-machine
// commands, exactly as CI and the quick start promise them. Reference
// material lives in docs/, and every local link must lead to a file.
func TestReadmeFirstMinutes(t *testing.T) {
	repoRoot(t)
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) >= 200 {
		t.Errorf("README.md has %d lines, want under 200: move reference material to docs/", len(lines))
	}
	first := strings.Join(lines[:min(60, len(lines))], "\n")
	for _, want := range []string{
		"## Get it",
		"**Windows**", "Get-FileHash",
		"**Linux**", "sha256sum --check",
		"go install ./cmd/slbdiag",
		"## Quick start",
		"    go run ./cmd/slbdiag analyze testdata/pcaps/seed-strong-host.pcapng\n",
		"    go test ./...\n",
	} {
		if !strings.Contains(first+"\n", want) {
			t.Errorf("README.md's first 60 lines lack %q", want)
		}
	}
	for _, m := range regexp.MustCompile(`\]\(([^)#:]+)(#[^)]*)?\)`).FindAllStringSubmatch(string(b), -1) {
		if _, err := os.Stat(filepath.FromSlash(m[1])); err != nil {
			t.Errorf("README.md links to %s, which does not exist", m[1])
		}
	}
}
