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

// checkOutputs refuses, before anything is opened for writing, an output
// that is one of the inputs or another output: writing it would destroy
// the capture being read or one of the results. Links count (os.SameFile);
// names that do not exist yet are compared as cleaned absolute paths.
// stdin is the file behind "-", if it is one.
func checkOutputs(cmd string, inputs []string, stdin *os.File, outs []output) error {
	var given []output
	for _, o := range outs {
		if o.name != "" {
			given = append(given, o)
		}
	}
	for i, o := range given {
		for _, in := range inputs {
			if sameInput(o.name, in, stdin) {
				what := "the capture " + in
				if in == "-" {
					what = "the capture read from stdin"
				}
				return &usageError{cmd: cmd, msg: fmt.Sprintf("%s %s is %s: writing it would destroy the capture", o.flag, o.name, what)}
			}
		}
		for _, p := range given[:i] {
			if outfile.SameFile(o.name, p.name) {
				return &usageError{cmd: cmd, msg: fmt.Sprintf("%s %s and %s %s are the same file: one would overwrite the other", p.flag, p.name, o.flag, o.name)}
			}
		}
	}
	return nil
}

func sameInput(out, in string, stdin *os.File) bool {
	if in != "-" {
		return outfile.SameFile(out, in)
	}
	if stdin == nil {
		return false
	}
	a, err1 := os.Stat(out)
	b, err2 := stdin.Stat()
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}
