package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/report"
)

// Defaults of `slbdiag watch`. The horizon is shorter than analyze's: an
// unanswered attempt is known only once it has passed, and the incident
// should be written while the failure is fresh; the clients'
// retransmissions within it (Linux at 1, 3 and 7 s, Windows at 3 and 9 s)
// are still counted.
const (
	watchHorizon   = 10 * time.Second
	watchBefore    = 30 * time.Second
	watchAfter     = 10 * time.Second
	watchMaxSpan   = 5 * time.Minute
	watchFormats   = "text,html"
	watchIdle      = time.Second // a capture without traffic still moves the clock this often
	watchRetry     = time.Second // how often a vanished interface is looked for again
	watchTriggerOn = "unanswered,refused,unreachable,synack-no-ack,wrong-source"
)

// watchCmd is a checked `slbdiag watch` command line.
type watchCmd struct {
	iface     string
	dir       string
	incidents string // --incidents: where the incident lines go; "-" is stdout
	flags     *reportFlags
	formats   []string
	live      capture.LiveConfig
	before    time.Duration
	after     time.Duration
	maxSpan   time.Duration
	buffer    int
	maxDisk   int64
	trigger   trigger
}

// trigger is --on: which failures open an incident, and how many of them
// within how long.
type trigger struct {
	on     [8]bool // by analyze.Outcome
	count  int
	within time.Duration
}

func parseWatch(args []string, stderr io.Writer) (*watchCmd, error) {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: slbdiag watch -i IFACE --out DIR [flags]

Captures live until stopped (Ctrl-C, SIGTERM, a service stop), keeping the last --before of
packets in memory. When a handshake fails (see --on), it writes an incident to DIR: a folder
with evidence.pcapng (the packets from --before ahead of the failed attempt's first SYN to
--after past the failure, commented as --evidence comments them) and the report of those
packets in each --format. Failures while an incident is open join it. One JSON line per
incident goes to DIR/incidents.jsonl (--incidents), the log to stderr and DIR/watch.log.

Flags:
`)
		fs.PrintDefaults()
	}
	iface := fs.String("i", "", "interface: its name, friendly name, description, index, or one of its addresses")
	dir := fs.String("out", "", "directory for the incidents (created if missing)")
	filter := fs.String("f", "", "BPF capture filter, replacing the default (the ports, the VIPs, ARP, ICMP errors)")
	snaplen := fs.Int("s", capture.DefaultSnaplen, "bytes to keep of each packet (-s 256 keeps headers and the TLS ClientHello's start: more time in --buffer on a busy server)")
	before := fs.Duration("before", watchBefore, "packets kept ahead of a failed attempt's first SYN")
	after := fs.Duration("after", watchAfter, "packets kept after the last failure of an incident")
	maxSpan := fs.Duration("max-span", watchMaxSpan, "longest incident: failures that go on longer start a new one")
	buffer := fs.String("buffer", "64MiB", "memory for the packets kept for --before; when full, the oldest go first and the incident says how far back it reaches")
	maxDisk := fs.String("max-disk", "1GiB", "disk for the incidents in DIR; the oldest are removed first, and the log says so")
	on := fs.String("on", watchTriggerOn, "failure outcomes that open an incident, comma-separated (or any), optionally :N/DURATION for N of them within DURATION, e.g. unanswered:3/1m")
	incidents := fs.String("incidents", "", "where to write one JSON line per incident: a file, or - for stdout (default DIR/incidents.jsonl)")
	rf := addReportFlags(fs)
	// watch's own defaults for shared flags: several report formats, and a
	// shorter horizon (see watchHorizon).
	setDefault(fs, "format", watchFormats, "report formats written for each incident, comma-separated: "+strings.Join(report.FormatNames(), ", "))
	setDefault(fs, "horizon", watchHorizon.String(), fs.Lookup("horizon").Usage+"; watch writes an unanswered attempt's incident once it has passed")
	if err := fs.Parse(args); err != nil {
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
	c := &watchCmd{iface: *iface, dir: *dir, incidents: *incidents, flags: rf, before: *before, after: *after, maxSpan: *maxSpan}
	var err error
	if c.formats, err = parseFormats(*rf.format); err != nil {
		return nil, bad("--format: %v", err)
	}
	*rf.format = c.formats[0] // checked by check; the rest were checked here
	if err := rf.check("watch"); err != nil {
		return nil, err
	}
	if c.trigger, err = parseTrigger(*on); err != nil {
		return nil, bad("--on: %v", err)
	}
	b, err := parseSize(*buffer)
	if err != nil || b < 1<<20 {
		return nil, bad("--buffer: %q is not a size of at least 1MiB (e.g. 64MiB)", *buffer)
	}
	c.buffer = int(min(b, 1<<40))
	if c.maxDisk, err = parseSize(*maxDisk); err != nil || c.maxDisk < 1<<20 {
		return nil, bad("--max-disk: %q is not a size of at least 1MiB (e.g. 1GiB)", *maxDisk)
	}
	if c.incidents == "" {
		c.incidents = filepath.Join(c.dir, "incidents.jsonl")
	}
	c.live = capture.LiveConfig{Snaplen: *snaplen, Filter: *filter, App: "slbdiag " + build.String(), Idle: watchIdle}
	if c.live.Filter == "" {
		c.live.Filter = capture.DefaultFilter(rf.cfg.VIPs, rf.cfg.Ports.Ports())
	}
	return c, nil
}

// setDefault gives a shared flag another default and help text in this
// command.
func setDefault(fs *flag.FlagSet, name, value, usage string) {
	f := fs.Lookup(name)
	f.Value.Set(value)
	f.DefValue, f.Usage = value, usage
}

// parseFormats reads a comma-separated list of report formats.
func parseFormats(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "md" {
			f = "markdown"
		}
		if _, err := report.Lookup(f); err != nil {
			return nil, err
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// reportExt is the file name extension of a report format.
func reportExt(format string) string {
	switch format {
	case "text":
		return "txt"
	case "markdown":
		return "md"
	}
	return format
}

// parseTrigger reads --on: OUTCOMES[:N/DURATION].
func parseTrigger(s string) (trigger, error) {
	t := trigger{count: 1}
	list, rate, hasRate := strings.Cut(s, ":")
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "any" || name == "failed" {
			for _, o := range analyze.Outcomes() {
				t.on[o] = o.Failed()
			}
			continue
		}
		o, ok := outcomeByName(name)
		if !ok || !o.Failed() {
			return t, fmt.Errorf("%q is not a failure outcome (one of %s, or any)", name, watchTriggerOn)
		}
		t.on[o] = true
	}
	if !hasRate {
		return t, nil
	}
	n, d, ok := strings.Cut(rate, "/")
	var err error
	if t.count, err = strconv.Atoi(n); !ok || err != nil || t.count < 1 {
		return t, fmt.Errorf("%q is not N/DURATION, e.g. 3/1m", rate)
	}
	if t.within, err = time.ParseDuration(d); err != nil || t.within <= 0 {
		return t, fmt.Errorf("%q is not N/DURATION, e.g. 3/1m", rate)
	}
	return t, nil
}

func outcomeByName(name string) (analyze.Outcome, bool) {
	for _, o := range analyze.Outcomes() {
		if o.String() == name {
			return o, true
		}
	}
	return 0, false
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
	c, err := parseWatch(args, stderr)
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
	w, err := newWatcher(c, stdout, stderr)
	if err != nil {
		return err
	}
	defer w.closeFiles()
	current := ifc // the interface as last opened: its index may change
	src, err := capture.NewReopening(ctx, func() (capture.LiveReader, error) {
		ifs, err := capture.ListInterfaces()
		if err != nil {
			return nil, err
		}
		now, err := capture.FindInterface(ifs, c.iface)
		if err != nil {
			return nil, err
		}
		l, err := capture.OpenLive(ctx, now, c.live)
		if err == nil {
			current = now
		}
		return l, err
	}, watchRetry)
	if err != nil {
		return err
	}
	src.Check = func() error { return stillThere(current) }
	src.Note = func(err error, down time.Duration) {
		if err != nil {
			w.logf("the capture on %s stopped (%v); opening it again every %s", ifc.Name, quoteControls(err.Error()), watchRetry)
			return
		}
		w.logf("the capture on %s is open again after %s; packets in between were not seen", ifc.Name, down.Round(time.Millisecond))
	}
	defer src.Close()
	w.cfg.HostAddrs = hostPrefixes(ifc)
	w.statusOn = isTerminal(stderr)
	w.logf("capturing on %s, filter: %s", ifc.Label(), c.live.Filter)
	w.logf("watching: incidents go to %s; stop with Ctrl-C or SIGTERM", c.dir)
	w.factsAtStart(ctx)
	res, err := w.run(ctx, src, "live:"+ifc.Name)
	if err != nil {
		return err
	}
	return w.summary(res)
}

// stillThere says whether the OS still has the interface a capture was
// opened on, by index and name: a capture on a deleted interface may see
// nothing without any error, and one created again under the same name
// has a new index.
func stillThere(ifc capture.Interface) error {
	if ifc.Index == 0 || ifc.Friendly == "" {
		return nil // not matched to the OS's list: nothing to compare
	}
	i, err := net.InterfaceByIndex(ifc.Index)
	if err != nil || i.Name != ifc.Friendly {
		return fmt.Errorf("interface %s (index %d) is gone", ifc.Friendly, ifc.Index)
	}
	return nil
}
