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
	"strings"
	"time"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/capture"
	"github.com/slbdiag/slbdiag/internal/english"
	"github.com/slbdiag/slbdiag/pipeline"
	"github.com/slbdiag/slbdiag/report"
)

// captureCmd is a checked `slbdiag capture` command line.
type captureCmd struct {
	iface    string
	report   reportConfig // what to look for and how to report it
	live     capture.LiveConfig
	duration time.Duration // 0: until Ctrl-C or -c
	evidence string        // -w; "" writes none
}

func parseCapture(args []string, help io.Writer) (*captureCmd, error) {
	fs := newCmdFlags("capture", cmdHelp{
		about: "Captures live on this host (libpcap on Linux, Npcap on Windows), stops on Ctrl-C, -c or -d, then reports as analyze does. Run 'slbdiag interfaces' for the interface names.",
		examples: []example{
			{"sudo slbdiag capture -i eth0 -d 60s -w evidence.pcapng", "a minute on Linux, then the report; the packets kept as evidence"},
			{`slbdiag capture -i "Ethernet 2" --vip 192.0.2.10 -c 5000 --format json -o report.json`, "on Windows Server, as Administrator: stop after 5000 packets, JSON for automation"},
		},
	})
	fs.group(groupInput)
	iface := fs.String("i", "", "the interface (`IFACE`): its name, friendly name, description, index, or one of its addresses")
	filter := fs.String("f", "", "`BPF` capture filter, replacing the default (the ports, the VIPs, ARP, ICMP errors)")
	snaplen := fs.Int("s", capture.DefaultSnaplen, "bytes to keep of each packet (`SNAPLEN`)")
	count := fs.Int("c", 0, "stop after `COUNT` packets (0: no limit)")
	duration := fs.Duration("d", 0, "stop after this long, e.g. 30s or 5m (0: until Ctrl-C)")
	rf := addReportFlags(fs)
	fs.group(groupOutput)
	evidence := fs.String("w", "", "also write the packets to `FILE` (pcapng), as evidence")
	if err := parseFlags(fs, args, help); err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error {
		return &usageError{cmd: "capture", msg: fmt.Sprintf(format, a...)}
	}
	if fs.NArg() > 0 {
		return nil, bad("unexpected argument %q: capture reads an interface (-i), not files; use 'slbdiag analyze FILE' for files", fs.Arg(0))
	}
	switch {
	case *iface == "":
		return nil, bad("no interface given: -i IFACE (run 'slbdiag interfaces' for the list)")
	case *count < 0:
		return nil, bad("-c must be 0 or more, not %d", *count)
	case *duration < 0:
		return nil, bad("-d must be 0 or more, not %s", *duration)
	case *snaplen < 64:
		return nil, bad("-s must be at least 64 bytes to hold the TCP header, not %d", *snaplen)
	}
	rc, err := rf.check("capture")
	if err != nil {
		return nil, err
	}
	c := &captureCmd{iface: *iface, report: rc, duration: *duration, evidence: *evidence}
	c.live = capture.LiveConfig{Snaplen: *snaplen, Filter: *filter, Count: *count, App: app()}
	if c.live.Filter == "" {
		c.live.Filter = capture.DefaultFilter(rc.analysis.VIPs, rc.analysis.Ports.Ports())
	}
	return c, nil
}

func runCapture(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseCapture(args, stdout)
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
	stdoutFile, _ := stdout.(*os.File)
	if err := checkOutputs("capture", nil, nil, stdoutFile, c.report.output == "", []output{{"-w", c.evidence}, {"-o", c.report.output}}); err != nil {
		return err
	}
	name, format := "live:"+ifc.Name, "live"
	if c.evidence != "" {
		name, format = c.evidence, capture.FormatPcapng
	}
	pcfg := c.report.pipeline(stdout, []string{name})
	pcfg.Eager = true
	if c.evidence != "" {
		pcfg.Evidence = pipeline.Evidence{Kind: pipeline.Captured, Flag: "-w", Name: c.evidence}
	}
	acfg := c.report.analysis
	acfg.HostAddrs = hostPrefixes(ifc)
	run, acfg, err := pipeline.Start(ctx, pcfg, acfg)
	if errors.Is(err, pipeline.ErrNotRedactable) {
		return &usageError{cmd: "capture", msg: err.Error()}
	}
	if err != nil {
		return err
	}
	defer run.Close()
	c.live.Evidence = run.CaptureEvidence()
	if c.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.duration)
		defer cancel()
	}
	hostFactsAtStart(ctx, c.report.analysis, c.report.opts.Lang, stderr)
	res, err := captureAndAnalyze(ctx, c, ifc, acfg, analyze.Input{Name: name, Format: format}, stderr)
	if err != nil {
		return err
	}
	if _, err := run.Finish(res); err != nil {
		return err
	}
	return c.report.finish(res, stderr)
}

// pickInterface checks the capture filter, then finds the interface -i
// names: what capture and watch do before any file is created.
func pickInterface(live capture.LiveConfig, name string) (capture.Interface, error) {
	if err := capture.CheckFilter(live.Filter, live.Snaplen); err != nil {
		return capture.Interface{}, err
	}
	ifs, err := capture.ListInterfaces()
	if err != nil {
		return capture.Interface{}, err
	}
	return capture.FindInterface(ifs, name)
}

// captureAndAnalyze runs the capture until ctx is done or -c is reached.
// The analysis itself is not cancelled: a stop ends the input, and the
// report covers everything captured.
func captureAndAnalyze(ctx context.Context, c *captureCmd, ifc capture.Interface, cfg analyze.Config, in analyze.Input, stderr io.Writer) (*analyze.Result, error) {
	live, err := capture.OpenLive(ctx, ifc, c.live)
	if err != nil {
		return nil, err
	}
	in.Source = live
	fmt.Fprintf(stderr, "slbdiag: capturing on %s, filter: %s\n", ifc.Label(), c.live.Filter)
	fmt.Fprintf(stderr, "slbdiag: stop with Ctrl-C%s\n", stopWhen(c))
	status := isTerminal(stderr)
	if status {
		cfg.Progress = func(p analyze.Progress) {
			fmt.Fprintf(stderr, "\r%s, %s, %d unanswered so far\x1b[K", english.Plural(p.Frames, "packet"), english.Plural(p.Attempts, "attempt"), p.Unanswered)
		}
	}
	res, err := analyze.Run(context.WithoutCancel(ctx), cfg, []analyze.Input{in})
	if cerr := live.Close(); err == nil {
		err = cerr
	}
	if status {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func stopWhen(c *captureCmd) string {
	var s []string
	if c.live.Count > 0 {
		s = append(s, "after "+english.Plural(c.live.Count, "packet"))
	}
	if c.duration > 0 {
		s = append(s, "after "+c.duration.String())
	}
	if len(s) == 0 {
		return ""
	}
	return "; it stops by itself " + strings.Join(s, " or ")
}

// hostPrefixes are the interface's own addresses, which the analysis
// treats as the host's even when they send nothing.
func hostPrefixes(ifc capture.Interface) analyze.PrefixSet {
	var set analyze.PrefixSet
	for _, a := range ifc.HostAddrs() {
		set = append(set, netip.PrefixFrom(a, a.BitLen()))
	}
	return set
}

// isTerminal reports whether w is a terminal (a character device), where a
// status line that rewrites itself makes sense; pipes and files get none.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && f.Name() != os.DevNull
}

// captureHints say what to do about the errors of live capture on goos.
func captureHints(err error, goos string) []string {
	var ie *capture.InterfaceError
	var fe *capture.FilterError
	switch {
	case errors.Is(err, capture.ErrNoLibpcap) && goos == "darwin":
		// The macOS release is cross-compiled without cgo.
		return []string{"capture with 'sudo tcpdump -i en0 -w capture.pcap' and run 'slbdiag analyze capture.pcap', or build slbdiag on this Mac with Go and the Xcode command line tools (cgo then finds the system's libpcap)"}
	case errors.Is(err, capture.ErrNoLibpcap):
		return []string{"build with CGO_ENABLED=1 and libpcap-dev installed (apt-get install libpcap-dev), or capture with tcpdump -w and run 'slbdiag analyze' on the file"}
	case errors.Is(err, capture.ErrNoNpcap):
		return []string{"install Npcap from https://npcap.com with \"Install Npcap in WinPcap API-compatible Mode\" ticked, then run slbdiag again"}
	case errors.Is(err, capture.ErrPermission) && goos == "windows":
		return []string{"run slbdiag from a terminal started with \"Run as administrator\" (or install Npcap without \"Restrict Npcap driver's access to Administrators only\")"}
	case errors.Is(err, capture.ErrPermission):
		return []string{
			"run as root (sudo slbdiag capture ...), or give the binary the capture capability:",
			"sudo setcap cap_net_raw,cap_net_admin=eip $(command -v slbdiag)",
		}
	case errors.As(err, &ie):
		hs := []string{"-i takes an interface's name, friendly name, description, index or one of its addresses; the interfaces are:"}
		for _, i := range ie.Known {
			hs = append(hs, "  "+interfaceLine(i))
		}
		return hs
	case errors.Is(err, capture.ErrFilterTooBig):
		return []string{
			fmt.Sprintf("slbdiag compiles capture filters of at most %d bytes and %d terms joined by and/or, within %s: libpcap takes minutes and gigabytes over longer ones, and cannot be interrupted", capture.MaxFilterLen, capture.MaxFilterTerms, capture.FilterCompileTimeout),
			"shorten it ('portrange A-B' for adjacent ports, 'net CIDR' for neighbouring addresses), or leave -f out: slbdiag then builds a compact filter from --vip and --port and checks the ports itself",
		}
	case errors.As(err, &fe):
		return []string{"check the filter with: tcpdump -d " + report.ShellQuote(fe.Filter), "without -f, slbdiag builds a filter from --vip and --port"}
	}
	return nil
}

// runtimeCaptureHints is captureHints for the running platform.
func runtimeCaptureHints(err error) []string { return captureHints(err, runtime.GOOS) }
