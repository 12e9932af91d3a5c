package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/internal/outfile"
	"github.com/slbdiag/slbdiag/report"
	"github.com/slbdiag/slbdiag/watch"
)

// Defaults of `slbdiag watch` that are the command's, not the engine's.
const (
	watchFormats = "text,html"
	watchRetry   = time.Second // how often a vanished interface is looked for again
)

// watchCmd is a checked `slbdiag watch` command line.
type watchCmd struct {
	iface string
	cfg   watch.Config
	live  capture.LiveConfig
}

func parseWatch(args []string, help io.Writer) (*watchCmd, error) {
	fs := newCmdFlags("watch", cmdHelp{
		about: "Captures live until stopped (Ctrl-C, SIGTERM, a hang-up, a service stop), keeping the last --before of packets in memory. When a handshake fails (see --on), it writes an incident to DIR: a folder with evidence.pcapng (the packets from --before ahead of the failed attempt's first SYN to --after past the failure, commented as --evidence comments them) and the report of those packets in each --format. Failures while an incident is open join it. One JSON line per incident goes to DIR/incidents.jsonl (--incidents), the log to stderr and DIR/watch.log.",
		examples: []example{
			{"sudo slbdiag watch -i eth0 --out /var/tmp/slbdiag", "until stopped: an incident for each burst of failed handshakes to port 443"},
			{`slbdiag watch -i "Ethernet 2" --vip 192.0.2.10 --out C:\slbdiag --on unanswered:3/1m --max-disk 2GiB`, "on Windows Server: an incident once 3 SYNs to the VIP in a minute go unanswered, within 2 GiB of disk"},
		},
	})
	fs.group(groupOutput)
	dir := fs.String("out", "", "the directory (`DIR`) for the incidents, created if missing")
	incidents := fs.String("incidents", "", "where to write one JSON line per incident: a `FILE`, or - for stdout (default DIR/incidents.jsonl)")
	fs.group(groupInput)
	iface := fs.String("i", "", "the interface (`IFACE`): its name, friendly name, description, index, or one of its addresses")
	filter := fs.String("f", "", "`BPF` capture filter, replacing the default (the ports, the VIPs, ARP, ICMP errors)")
	snaplen := fs.Int("s", capture.DefaultSnaplen, "bytes to keep of each packet (`SNAPLEN`; -s 256 keeps headers and the TLS ClientHello's start: more time in --buffer on a busy server)")
	fs.group(groupIncidents)
	on := fs.String("on", watch.DefaultTrigger, "the failure `OUTCOMES` that open an incident, comma-separated (or any), optionally :N/DURATION for N of them within DURATION, e.g. unanswered:3/1m")
	before := fs.Duration("before", watch.DefaultBefore, "packets kept ahead of a failed attempt's first SYN")
	after := fs.Duration("after", watch.DefaultAfter, "packets kept after the last failure of an incident")
	maxSpan := fs.Duration("max-span", watch.DefaultMaxSpan, "longest incident: failures that go on longer start a new one")
	buffer := fs.String("buffer", "64MiB", "memory (`SIZE`) for the packets kept for --before; when full, the oldest go first and the incident says how far back it reaches")
	maxDisk := fs.String("max-disk", "1GiB", "disk (`SIZE`) for the incidents in DIR; the oldest are removed first, and the log says so")
	rf := addReportFlags(fs)
	// watch's own defaults for shared flags: several report formats, and a
	// shorter horizon (see watch.DefaultHorizon).
	setDefault(fs, "format", watchFormats, "report formats written for each incident, comma-separated: "+strings.Join(report.FormatNames(), ", "))
	setDefault(fs, "horizon", watch.DefaultHorizon.String(), fs.Lookup("horizon").Usage+"; watch writes an unanswered attempt's incident once it has passed")
	setDefault(fs, "o", "", "not for watch: each incident's reports go into its folder in --out, not to a `FILE`")
	if err := parseFlags(fs, args, help); err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error {
		return &usageError{cmd: "watch", msg: fmt.Sprintf(format, a...)}
	}
	if fs.NArg() > 0 {
		return nil, bad("unexpected argument %q: watch reads an interface (-i) and writes to --out DIR", fs.Arg(0))
	}
	switch {
	case *iface == "":
		return nil, bad("no interface given: -i IFACE (run 'slbdiag interfaces' for the list)")
	case *dir == "":
		return nil, bad("no directory given: --out DIR, where the incidents go")
	case *rf.output != "":
		return nil, bad("-o does not apply: each incident's reports go into its folder in --out")
	case *snaplen < 64:
		return nil, bad("-s must be at least 64 bytes to hold the TCP header, not %d", *snaplen)
	case *before < 0 || *after < 0:
		return nil, bad("--before and --after must be 0 or more")
	case *maxSpan < *after:
		return nil, bad("--max-span (%s) must be at least --after (%s)", *maxSpan, *after)
	}
	formats, err := parseFormats(*rf.format)
	if err != nil {
		return nil, bad("--format: %v", err)
	}
	*rf.format = formats[0] // checked by check; the rest were checked here
	rc, err := rf.check("watch")
	if err != nil {
		return nil, err
	}
	c := &watchCmd{iface: *iface, cfg: watch.Config{Dir: *dir, Incidents: *incidents, Analysis: rc.analysis,
		Redaction: rc.redaction, Options: rc.opts, Before: *before, After: *after, MaxSpan: *maxSpan, App: app()}}
	for _, f := range formats {
		c.cfg.Reports = append(c.cfg.Reports, watch.Report{Format: f, File: "report." + reportExt(f)})
	}
	if c.cfg.Trigger, err = watch.ParseTrigger(*on); err != nil {
		return nil, bad("--on: %v", err)
	}
	b, err := parseSize(*buffer)
	if err != nil || b < 1<<20 {
		return nil, bad("--buffer: %q is not a size of at least 1MiB (e.g. 64MiB)", *buffer)
	}
	c.cfg.Buffer = int(min(b, 1<<40))
	if c.cfg.MaxDisk, err = parseSize(*maxDisk); err != nil || c.cfg.MaxDisk < 1<<20 {
		return nil, bad("--max-disk: %q is not a size of at least 1MiB (e.g. 1GiB)", *maxDisk)
	}
	if c.cfg.Incidents == "" {
		c.cfg.Incidents = filepath.Join(c.cfg.Dir, "incidents.jsonl")
	}
	if outfile.SameFile(c.cfg.Incidents, c.cfg.Dir) || outfile.SameFile(c.cfg.Incidents, filepath.Join(c.cfg.Dir, "watch.log")) {
		return nil, bad("--incidents %s is the --out directory or its watch.log", c.cfg.Incidents)
	}
	c.live = capture.LiveConfig{Snaplen: *snaplen, Filter: *filter, App: app(), Idle: watch.Idle}
	if c.live.Filter == "" {
		c.live.Filter = capture.DefaultFilter(rc.analysis.VIPs, rc.analysis.Ports.Ports())
	}
	return c, nil
}

// setDefault gives a shared flag another default and help text in this
// command.
func setDefault(fs *cmdFlags, name, value, usage string) {
	f := fs.Lookup(name)
	f.Value.Set(value)
	f.DefValue, f.Usage = value, usage
}

// parseFormats reads a comma-separated list of report formats.
func parseFormats(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		format, err := report.LookupFormat(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		f = format.Name
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// reportExt is the file name extension of a report format.
func reportExt(format string) string {
	f, _ := report.LookupFormat(format)
	return f.Ext
}

// parseSize reads a size: a number of bytes with an optional unit (kB, MB,
// GB in powers of 1000; KiB, MiB, GiB in powers of 1024).
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

func runWatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseWatch(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ifc, err := pickInterface(c.live, c.iface)
	if err != nil {
		return err
	}
	c.cfg.Analysis.HostAddrs = hostPrefixes(ifc)
	c.cfg.Status = isTerminal(stderr)
	w, err := watch.New(c.cfg, stdout, stderr)
	if err != nil {
		return err
	}
	defer w.Close()
	src, err := reopening(ctx, c, ifc, w.Logf)
	if err != nil {
		return err
	}
	defer src.Close()
	w.Logf("capturing on %s, filter: %s", ifc.Label(), c.live.Filter)
	w.Logf("watching: incidents go to %s; stop with Ctrl-C or SIGTERM", c.cfg.Dir)
	w.FactsAtStart(ctx)
	res, err := w.Run(ctx, src, "live:"+ifc.Name)
	if err != nil {
		return err
	}
	switch t := w.Summary(res); {
	case t.Failures > 0 || t.Incidents > 0:
		return errProblems
	case t.Attempts == 0:
		return errNothingJudged
	}
	return nil
}

// reopening is the live capture on ifc, opened again when the interface
// goes away and comes back; logf says so.
func reopening(ctx context.Context, c *watchCmd, ifc capture.Interface, logf func(string, ...any)) (*capture.Reopening, error) {
	src, err := capture.ReopenLive(ctx, c.iface, ifc, c.live, watchRetry)
	if err != nil {
		return nil, err
	}
	src.Note = func(err error, down time.Duration) {
		if err != nil {
			logf("the capture on %s stopped (%v); opening it again every %s", ifc.Name, quoteControls(err.Error()), watchRetry)
			return
		}
		logf("the capture on %s is open again after %s; packets in between were not seen", ifc.Name, down.Round(time.Millisecond))
	}
	return src, nil
}
