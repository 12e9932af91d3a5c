package report

import (
	"context"
	"os"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
)

// analyzeFile runs a whole analysis of one capture, watching port 443.
func analyzeFile(t *testing.T, path string) *analyze.Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cf, err := capture.NewFile(path, f)
	if err != nil {
		t.Fatal(err)
	}
	ports, _ := analyze.ParsePorts("443")
	r, _ := analyze.Run(context.Background(), analyze.Config{Ports: ports}, []analyze.Input{{Name: path, Format: cf.Format, Source: cf}})
	return r
}
