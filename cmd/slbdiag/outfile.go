package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// outFile is an output being written: a temporary file beside the one
// named, renamed over it by Commit only when complete, so a failed or
// interrupted run leaves the old file as it was. Devices and pipes
// (/dev/null, /dev/stdout) are written directly: they cannot be renamed
// over and hold nothing to lose.
type outFile struct {
	*os.File
	flag  string // the flag that named it: "-o", "-w", "--evidence"
	given string // the name as given
	name  string // the file to replace; "" when written directly
	done  bool
}

// outputError is an output that could not be written, named by the flag
// that asked for it, so that its hint can say what to do.
type outputError struct {
	flag, name string
	err        error
}

func (e *outputError) Error() string {
	return fmt.Sprintf("%s: cannot write %s: %v", e.flag, e.name, e.err)
}
func (e *outputError) Unwrap() error { return e.err }

// withFlag prefixes err with the flag of the output it concerns, unless
// it already names it.
func withFlag(flag string, err error) error {
	if err == nil || errors.As(err, new(*outputError)) {
		return err
	}
	return fmt.Errorf("%s: %w", flag, err)
}

// createOutput starts writing the output name, which flag asked for. A
// symbolic link is followed, so the file it points to is replaced, not
// the link.
func createOutput(flag, name string) (*outFile, error) {
	return createOutputContext(context.Background(), flag, name)
}

// createOutputContext is createOutput where ctx ends the wait for a
// FIFO's reader (see openDirect).
func createOutputContext(ctx context.Context, flag, name string) (*outFile, error) {
	final := followLinks(name)
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(final); err == nil {
		if !fi.Mode().IsRegular() {
			f, err := openDirect(ctx, final)
			if err != nil {
				return nil, &outputError{flag, name, unwrapPath(err)}
			}
			return &outFile{File: f, flag: flag, given: name}, nil
		}
		mode = fi.Mode().Perm()
	}
	dir, base := filepath.Split(final)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, &outputError{flag, name, unwrapPath(err)}
	}
	// A failure leaves the file private (0600, CreateTemp's mode), which is
	// no reason to stop; Windows keeps only the read-only bit anyway.
	_ = tmp.Chmod(mode)
	return &outFile{File: tmp, flag: flag, given: name, name: final}, nil
}

// unwrapPath drops the temporary file's name from an error, which would
// only confuse: the person asked for the final name.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Commit closes the file and puts it in place; on a nil *outFile it does
// nothing. os.Rename replaces an
// existing file on every platform Go supports (on Windows with
// MoveFileEx(MOVEFILE_REPLACE_EXISTING)).
func (o *outFile) Commit() error {
	if o == nil || o.done {
		return nil
	}
	o.done = true
	if err := o.File.Close(); err != nil {
		o.remove()
		return &outputError{o.flag, o.given, err}
	}
	if o.name == "" {
		return nil
	}
	if err := os.Rename(o.File.Name(), o.name); err != nil {
		o.remove()
		return &outputError{o.flag, o.given, unwrapPath(err)}
	}
	return nil
}

// Abort drops what was written and leaves the old file in place; after
// Commit, or on a nil *outFile, it does nothing, so it can be deferred.
func (o *outFile) Abort() {
	if o == nil || o.done {
		return
	}
	o.done = true
	o.File.Close()
	o.remove()
}

func (o *outFile) remove() {
	if o.name != "" {
		os.Remove(o.File.Name())
	}
}

// followLinks returns the file name finally points to, following
// symbolic links also when what they point to does not exist yet.
func followLinks(name string) string {
	for range 40 { // as many links as Linux follows
		fi, err := os.Lstat(name)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return name
		}
		target, err := os.Readlink(name)
		if err != nil {
			return name
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(name), target)
		}
		name = target
	}
	return name
}

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
			if sameFile(o.name, p.name) {
				return &usageError{cmd: cmd, msg: fmt.Sprintf("%s %s and %s %s are the same file: one would overwrite the other", p.flag, p.name, o.flag, o.name)}
			}
		}
	}
	return nil
}

func sameInput(out, in string, stdin *os.File) bool {
	if in != "-" {
		return sameFile(out, in)
	}
	if stdin == nil {
		return false
	}
	a, err1 := os.Stat(out)
	b, err2 := stdin.Stat()
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// sameFile reports whether two names are one file: by identity when both
// exist, else by their cleaned absolute paths with links in the directory
// resolved.
func sameFile(x, y string) bool {
	a, err1 := os.Stat(x)
	b, err2 := os.Stat(y)
	if err1 == nil && err2 == nil {
		return os.SameFile(a, b)
	}
	return resolved(x) == resolved(y)
}

func resolved(name string) string {
	abs, err := filepath.Abs(followLinks(name))
	if err != nil {
		return filepath.Clean(name)
	}
	dir, base := filepath.Split(abs)
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		return filepath.Join(d, base)
	}
	return abs
}
