package report

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/hostfacts"
)

func TestFactLines(t *testing.T) {
	facts, err := hostfacts.ReadFile(context.Background(), filepath.Join("..", "testdata", "hostfacts", "windows", "en", "before.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		vips, ports string
		want        []string // each line's start
	}{
		{"192.0.2.10", "443", []string{"PROBLEM"}},
		{"192.0.2.10", "443,8443", []string{"PROBLEM", "PROBLEM"}},
		{"192.0.2.10", "any", []string{"PROBLEM"}},
		{"192.0.2.10", "8000-8100", []string{"PROBLEM"}},
		{"192.0.2.0/24", "443", nil},
	} {
		var cfg analyze.Config
		if cfg.VIPs, err = analyze.ParsePrefixes(tt.vips); err != nil {
			t.Fatal(err)
		}
		if cfg.Ports, err = analyze.ParsePorts(tt.ports); err != nil {
			t.Fatal(err)
		}
		lines := FactLines(facts, cfg, English)
		if len(lines) != len(tt.want) {
			t.Errorf("--vip %s --port %s: %d lines, want %d: %q", tt.vips, tt.ports, len(lines), len(tt.want), lines)
			continue
		}
		for i, l := range lines {
			if !strings.HasPrefix(l, tt.want[i]) {
				t.Errorf("--vip %s --port %s: line %d is %q, want %s", tt.vips, tt.ports, i, l, tt.want[i])
			}
		}
	}
	if lines := FactLines(nil, analyze.Config{}, English); lines != nil {
		t.Errorf("without facts: %q", lines)
	}
}
