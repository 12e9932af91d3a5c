package main

import (
	"flag"
	"fmt"

	"github.com/slbdiag/slbdiag/analyze"
	"github.com/slbdiag/slbdiag/report"
)

// reportFlags are the flags that shape what a report says, shared by
// analyze and capture.
type reportFlags struct {
	probeNets   *string
	redact      *bool
	redactNames *bool
}

func addReportFlags(fs *flag.FlagSet) *reportFlags {
	return &reportFlags{
		probeNets:   fs.String("probe-net", "", "health-probe source ranges (CIDRs, comma-separated) besides the known cloud ones"),
		redact:      fs.Bool("redact", false, "replace client addresses with stand-ins (198.18.0.0/15, 100::/64), the same in every format"),
		redactNames: fs.Bool("redact-sni", false, "replace TLS server names (SNI) with stand-ins (name-1.invalid, …), the same in every format"),
	}
}

// configure checks the flags and sets what the analysis needs of them.
func (f *reportFlags) configure(cmd string, cfg *analyze.Config) error {
	if *f.probeNets == "" {
		return nil
	}
	nets, err := analyze.ParsePrefixes(*f.probeNets)
	if err != nil {
		return &usageError{cmd: cmd, msg: fmt.Sprintf("--probe-net: %v", err)}
	}
	cfg.ProbeNets = nets
	return nil
}

// shape applies the redactions to a result before it is rendered.
func (f *reportFlags) shape(r *analyze.Result) *analyze.Result {
	if *f.redact {
		r = report.Redact(r)
	}
	if *f.redactNames {
		r = report.RedactNames(r)
	}
	return r
}
