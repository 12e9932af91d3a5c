package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/collect"
	"github.com/slbdiag/slbdiag/hostfacts"
	"github.com/slbdiag/slbdiag/internal/outfile"
	"github.com/slbdiag/slbdiag/report"
)

// collectCmd is a checked `slbdiag collect` command line: print a
// collector script, or collect this host's facts into a facts file.
type collectCmd struct {
	script string // --print-script: the script to print
	vip    netip.Addr
	ports  []uint16
	out    string // -o; "" prints the script to stdout, or names the facts file after host and time
}

func parseCollect(args []string, help io.Writer) (*collectCmd, error) {
	fs := newCmdFlags("collect", cmdHelp{
		about: "--print-script prints a collector script to run on a host where slbdiag does not run (Windows Server 2008 R2 to 2012 R2, or any host): it writes one facts file for doctor --host-facts. --vip collects the same facts on this host (Linux, Windows Server 2016 and later) into the same kind of file, named after the host and time unless -o names it. Changes nothing on the host.",
		examples: []example{
			{"slbdiag collect --print-script windows -o collect.ps1", "the PowerShell collector, to copy to a Windows Server 2008 R2 host and run there"},
			{"sudo slbdiag collect --vip 192.0.2.10 --port 443,8443", "this host's facts for the VIP, into a file named after the host and time"},
		},
	})
	fs.group(groupInput)
	script := fs.String("print-script", "", "print the collector `SCRIPT`: "+strings.Join(collect.Names(), ", "))
	vip := fs.String("vip", "", "the load balancer's VIP (one address): collect this host's facts for it")
	port := fs.String("port", "443", "the VIP's `PORTS`, as doctor takes them")
	fs.group(groupOutput)
	out := fs.String("o", "", "write to `FILE` (atomically) instead of stdout or the default name")
	if err := parseFlags(fs, args, help); err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error {
		return &usageError{cmd: "collect", msg: fmt.Sprintf(format, a...)}
	}
	c := &collectCmd{script: *script, out: *out}
	switch {
	case fs.NArg() > 0:
		return nil, bad("unexpected argument %q", fs.Arg(0))
	case *script != "" && *vip != "":
		return nil, bad("--print-script and --vip are two uses of collect: give one")
	case *script != "":
		if _, _, err := collect.Lookup(*script); err != nil {
			return nil, bad("--print-script: %v", err)
		}
		return c, nil
	case *vip == "":
		return nil, bad("give --print-script %s, or --vip VIP to collect this host's facts", strings.Join(collect.Names(), "|"))
	}
	a, err := netip.ParseAddr(*vip)
	if err != nil {
		return nil, bad("--vip: %q is not an address", *vip)
	}
	ports, err := analyze.ParsePorts(*port)
	switch {
	case err != nil:
		return nil, bad("--port: %v", err)
	case ports.Any() || len(ports.Ports()) > maxDoctorPorts:
		return nil, bad("--port: name the VIP's ports (at most %d), as for doctor", maxDoctorPorts)
	}
	c.vip, c.ports = a.Unmap().WithZone(""), ports.Ports()
	return c, nil
}

func runCollect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseCollect(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.script != "" {
		_, text, _ := collect.Lookup(c.script)
		return writeCollectOutput(c.out, stdout, text)
	}
	f, outs, failed, err := hostfacts.Collect(ctx)
	if err != nil {
		return fmt.Errorf("collecting this host's facts: %w", err)
	}
	now := time.Now().UTC()
	host, _ := os.Hostname()
	name := c.out
	if name == "" {
		name = "slbdiag-facts-" + safeName(host) + "-" + now.Format("20060102-150405") + ".txt"
		if _, err := os.Lstat(name); err == nil {
			return &usageError{cmd: "collect", msg: fmt.Sprintf("%s exists already: not written over (name another with -o)", name)}
		}
	}
	var ports []string
	for _, p := range c.ports {
		ports = append(ports, strconv.Itoa(int(p)))
	}
	prompt := "$ "
	if runtime.GOOS == "windows" {
		prompt = "PS slbdiag> "
	}
	file := &hostfacts.CollectedFile{
		Header: [][2]string{{"host", host}, {"time", now.Format(time.RFC3339)}, {"os_build", f.OSVersion},
			{"slbdiag", build.Version}, {"vip", c.vip.String()}, {"ports", strings.Join(ports, ",")},
			{"capture_seconds", "0"}, {"replay", "no"}},
		Facts: f, Outputs: outs, Prompt: prompt, Failed: failed,
	}
	o, err := outfile.Create("-o", name)
	if err != nil {
		return err
	}
	defer o.Abort()
	if err := hostfacts.WriteCollected(o, file); err != nil {
		return &outfile.Error{Flag: "-o", Name: name, Err: err}
	}
	if err := o.Commit(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "slbdiag: wrote %s: read it with slbdiag doctor --vip %s --host-facts %s\n", quoteControls(name), c.vip, report.ShellQuote(name))
	return nil
}

// writeCollectOutput writes b to the file -o names, atomically, or to
// stdout.
func writeCollectOutput(name string, stdout io.Writer, b []byte) error {
	if name == "" {
		_, err := stdout.Write(b)
		return err
	}
	o, err := outfile.Create("-o", name)
	if err != nil {
		return err
	}
	defer o.Abort()
	if _, err := o.Write(b); err != nil {
		return &outfile.Error{Flag: "-o", Name: name, Err: err}
	}
	return o.Commit()
}

// safeName keeps a host name to the letters, digits, - and _ a file name
// takes on every system.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "host"
	}
	return string(b)
}
