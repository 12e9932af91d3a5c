//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptedRunKeepsOldOutput: SIGTERM during analyze -o leaves the
// old report as it was; the partial one goes beside it under a name that
// says so, and says so itself in every format (JSONL: a last line of its
// own type; JSON: "partial"; the others: the interruption's warning).
func TestInterruptedRunKeepsOldOutput(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pcaps", "seed-strong-host.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ format, ext, says string }{
		{"jsonl", "jsonl", ""},
		{"json", "json", ""},
		{"text", "txt", "Reading was interrupted"},
		{"markdown", "md", "Reading was interrupted"},
		{"html", "html", "Reading was interrupted"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "r."+tc.ext)
			if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(binary, "analyze", "--format", tc.format, "-o", out, "-")
			in, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			in.Write(seed) // and the pipe stays open: the run waits for more
			time.Sleep(500 * time.Millisecond)
			cmd.Process.Signal(syscall.SIGTERM)
			time.Sleep(200 * time.Millisecond)
			in.Close()
			cmd.Wait()
			if b, _ := os.ReadFile(out); string(b) != "old" {
				t.Errorf("the old report was replaced: %.80q", b)
			}
			partial := filepath.Join(dir, "r.partial."+tc.ext)
			b, err := os.ReadFile(partial)
			if err != nil {
				t.Fatalf("no partial report: %v\nstderr: %s", err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "the partial output is in "+partial) {
				t.Errorf("stderr does not name the partial report:\n%s", stderr.String())
			}
			switch tc.format {
			case "jsonl":
				lines := strings.Split(strings.TrimSpace(string(b)), "\n")
				var last struct {
					Type, Reason string
					Attempts     *int
					Outcome      string
				}
				if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Type != "partial" || last.Reason != "interrupted" || last.Attempts == nil || *last.Attempts != len(lines)-1 || last.Outcome != "" {
					t.Errorf("last line %q (%v): want a partial line counting the %d attempts before it", lines[len(lines)-1], err, len(lines)-1)
				}
			case "json":
				var doc struct{ Partial bool }
				if err := json.Unmarshal(b, &doc); err != nil || !doc.Partial {
					t.Errorf("JSON partial %v (%v), want true", doc.Partial, err)
				}
			default:
				if !strings.Contains(string(b), tc.says) {
					t.Errorf("the partial report does not say %q", tc.says)
				}
			}
		})
	}
}
