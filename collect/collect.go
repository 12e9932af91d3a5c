// Package collect holds the collector scripts a customer runs on a host
// with nothing installed, each writing the one facts file that
// hostfacts.ReadFile reads (docs/FACTSFILE.md).
package collect

import (
	"embed"
	"fmt"
	"slices"
	"strings"
)

// The scripts are files of the repository so that a release archive can
// ship them as they are and an engineer can send one without slbdiag.
//
//go:embed slbdiag-collect.ps1 slbdiag-collect.cmd slbdiag-collect.sh
var scripts embed.FS

// Script is one collector script.
type Script struct {
	Name string // what --print-script takes: "windows", "windows-cmd", "linux"
	// File is its name in the repository, in release archives (under
	// collect/) and on the host, as its usage line says.
	File string
}

// Scripts lists the collectors, the PowerShell one first.
var Scripts = []Script{
	{Name: "windows", File: "slbdiag-collect.ps1"},
	{Name: "windows-cmd", File: "slbdiag-collect.cmd"},
	{Name: "linux", File: "slbdiag-collect.sh"},
}

// Names returns the names --print-script takes.
func Names() []string {
	var out []string
	for _, s := range Scripts {
		out = append(out, s.Name)
	}
	return out
}

// Lookup returns the script called name and its text.
func Lookup(name string) (Script, []byte, error) {
	i := slices.IndexFunc(Scripts, func(s Script) bool { return s.Name == name })
	if i < 0 {
		return Script{}, nil, fmt.Errorf("no collector script %q (there are %s)", name, strings.Join(Names(), ", "))
	}
	b, err := scripts.ReadFile(Scripts[i].File)
	if err != nil {
		return Script{}, nil, err
	}
	return Scripts[i], b, nil
}
