package main

import (
	"fmt"
	"os"

	"github.com/slbdiag/slbdiag/internal/outfile"
)

// output is a file a command line asks to write, and the flag that named it.
type output struct {
	flag, name string
}

// input is a file a command line reads: a capture, or any other file
// (--host-facts). Writing over any of them would destroy what the
// customer gave.
type input struct {
	what string // "the capture", "the host facts (--host-facts)"
	name string // "-" is stdin
}

// captures names capture files as inputs.
func captures(files []string) []input {
	in := make([]input, len(files))
	for i, f := range files {
		in[i] = input{"the capture", f}
	}
	return in
}

// checkOutputs refuses, before anything is opened for writing, an output
// that is one of the inputs, another output, or standard output where
// that holds the report or is a file: writing it would destroy the
// capture or file being read or one of the results. Links count
// (os.SameFile); names that do not exist yet are compared as cleaned
// absolute paths. stdin and stdout are the process' own, if they are
// files; toStdout says the report goes to stdout.
func checkOutputs(cmd string, inputs []input, stdin, stdout *os.File, toStdout bool, outs []output) error {
	var given []output
	for _, o := range outs {
		if o.name != "" {
			given = append(given, o)
		}
	}
	bad := func(format string, a ...any) error {
		return &usageError{cmd: cmd, msg: fmt.Sprintf(format, a...)}
	}
	for i, o := range given {
		for _, in := range inputs {
			what := in.what + " " + in.name
			if in.name == "-" {
				what = in.what + " read from stdin"
			}
			if sameInput(o.name, in.name, stdin) {
				return bad("%s %s is %s: writing it would destroy %s", o.flag, o.name, what, in.what)
			}
			// An interrupted run writes beside the output.
			if p := outfile.PartialName(o.name); sameInput(p, in.name, stdin) {
				return bad("%s %s: an interrupted run would write %s, which is %s", o.flag, o.name, p, what)
			}
		}
		for _, p := range given[:i] {
			if outfile.SameFile(o.name, p.name) {
				return bad("%s %s and %s %s are the same file: one would overwrite the other", p.flag, p.name, o.flag, o.name)
			}
		}
		if isStd(o.name, stdout) {
			if toStdout {
				return bad("%s %s is standard output, where the report goes: name a file for %s, or the report with -o", o.flag, o.name, o.flag)
			}
			if fi, err := stdout.Stat(); err == nil && fi.Mode().IsRegular() {
				return bad("%s %s is standard output, redirected to a file: name that file with %s instead", o.flag, o.name, o.flag)
			}
		}
	}
	return nil
}

func sameInput(out, in string, stdin *os.File) bool {
	if in != "-" {
		return outfile.SameFile(out, in)
	}
	return isStd(out, stdin)
}

// isStdout reports whether the file named out is std (stdin or stdout),
// which may be a file, a pipe or a terminal.
func isStd(out string, std *os.File) bool {
	if std == nil {
		return false
	}
	a, err1 := os.Stat(out)
	b, err2 := std.Stat()
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}
