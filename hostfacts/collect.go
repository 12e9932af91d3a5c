package hostfacts

import (
	"context"
	"os/exec"
	"runtime"
	"strings"
)

// linuxCommands are the commands whose outputs a Linux collector's file
// holds beside its facts block: what a person reads, and what the facts
// block is checked against. slbdiag-collect.sh runs the same.
var linuxCommands = [][]string{
	{"ip", "addr"},
	{"ip", "route"},
	{"sysctl", "net.ipv4.conf"},
	{"ss", "-ltn"},
	// The packet filter: without it no verdict is OK at high confidence.
	{"iptables", "-S"},
	{"nft", "list", "ruleset"},
}

// Collect reads this host's facts and the outputs of the commands that
// show the same facts, for a collector's file. failed names the commands
// that could not run. It only reads.
func Collect(ctx context.Context) (f *Facts, outs []Output, failed []string, err error) {
	switch runtime.GOOS {
	case "linux":
		if f, err = ReadLinux("/proc"); err != nil {
			return nil, nil, nil, err
		}
		for _, c := range linuxCommands {
			line := strings.Join(c, " ")
			if _, err := exec.LookPath(c[0]); err != nil {
				continue // not installed: the facts block has the facts
			}
			b, err := exec.CommandContext(ctx, c[0], c[1:]...).CombinedOutput()
			if err != nil {
				failed = append(failed, line)
			}
			outs = append(outs, Output{Command: line, Text: string(b)})
		}
		return f, outs, failed, nil
	case "windows":
		outs = windowsOutputs(ctx)
		if f, err = fromOutputs(ctx, "this host", outs); err != nil {
			return nil, nil, nil, err
		}
		return f, outs, nil, nil
	}
	return nil, nil, nil, ErrUnsupported
}
