// Package outfile writes outputs so that a failed or interrupted run leaves
// the old file as it was: into a temporary file renamed over the old one
// when complete.
package outfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File is an output being written: a temporary file beside the one
// named, renamed over it by Commit only when complete, so a failed or
// interrupted run leaves the old file as it was. Devices and pipes
// (/dev/null, /dev/stdout) are written directly: they cannot be renamed
// over and hold nothing to lose.
type File struct {
	*os.File
	flag  string // the flag that named it: "-o", "-w", "--evidence"
	given string // the name as given
	name  string // the file to replace; "" when written directly
	done  bool
}

// Error is an output that could not be written, named by the flag
// that asked for it, so that its hint can say what to do.
type Error struct {
	Flag string // the flag that named it
	Name string // the name as given
	Err  error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: cannot write %s: %v", e.Flag, e.Name, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// WithFlag prefixes err with the flag of the output it concerns, unless
// it already names it.
func WithFlag(flag string, err error) error {
	if err == nil || errors.As(err, new(*Error)) {
		return err
	}
	return fmt.Errorf("%s: %w", flag, err)
}

// Create starts writing the output name, which flag asked for. A
// symbolic link is followed, so the file it points to is replaced, not
// the link.
//
// The name as given is looked at first: /dev/stdout and /proc/self/fd/N
// lead to a pipe that has no name in any directory, which is written
// directly like any device.
func Create(flag, name string) (*File, error) {
	return CreateContext(context.Background(), flag, name)
}

// CreateContext is Create where ctx ends the wait for a FIFO's reader
// (see openDirect).
func CreateContext(ctx context.Context, flag, name string) (*File, error) {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(name); err == nil {
		if !fi.Mode().IsRegular() {
			f, err := openDirect(ctx, name)
			if err != nil {
				return nil, &Error{flag, name, unwrapPath(err)}
			}
			return &File{File: f, flag: flag, given: name}, nil
		}
		mode = fi.Mode().Perm()
	}
	final := followLinks(name)
	dir, base := filepath.Split(final)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, &Error{flag, name, unwrapPath(err)}
	}
	// A failure leaves the file private (0600, CreateTemp's mode), which is
	// no reason to stop; Windows keeps only the read-only bit anyway.
	_ = tmp.Chmod(mode)
	return &File{File: tmp, flag: flag, given: name, name: final}, nil
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

// Commit closes the file and puts it in place; on a nil *File it does
// nothing. os.Rename replaces an
// existing file on every platform Go supports (on Windows with
// MoveFileEx(MOVEFILE_REPLACE_EXISTING)).
func (o *File) Commit() error {
	if o == nil || o.done {
		return nil
	}
	o.done = true
	if err := o.File.Close(); err != nil {
		o.remove()
		return &Error{o.flag, o.given, err}
	}
	if o.name == "" {
		return nil
	}
	if err := os.Rename(o.File.Name(), o.name); err != nil {
		o.remove()
		return &Error{o.flag, o.given, unwrapPath(err)}
	}
	return nil
}

// CommitPartial closes the file and puts it beside the one named, under
// PartialName, leaving the old file as it was: the run was interrupted and
// what was written covers only part of its input. It returns the name the
// partial output went to; for a device or pipe, written directly, the
// name as given. On a nil *File it does nothing.
func (o *File) CommitPartial() (string, error) {
	if o == nil || o.done {
		return "", nil
	}
	if o.name == "" {
		return o.given, o.Commit()
	}
	o.name = PartialName(o.name)
	o.given = PartialName(o.given)
	return o.given, o.Commit()
}

// PartialName is where an interrupted run's output goes instead of name:
// ".partial" before the extension (r.jsonl: r.partial.jsonl).
func PartialName(name string) string {
	ext := filepath.Ext(name)
	if ext == filepath.Base(name) { // .report: a name, not an extension
		ext = ""
	}
	return strings.TrimSuffix(name, ext) + ".partial" + ext
}

// Abort drops what was written and leaves the old file in place; after
// Commit, or on a nil *File, it does nothing, so it can be deferred.
func (o *File) Abort() {
	if o == nil || o.done {
		return
	}
	o.done = true
	o.File.Close()
	o.remove()
}

func (o *File) remove() {
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

// SameFile reports whether two names are one file: by identity when both
// exist, else by their cleaned absolute paths with links in the directory
// resolved.
func SameFile(x, y string) bool {
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

// Regular reports whether o is a file renamed into place on Commit, not a
// device or pipe written directly; on a nil *File, false.
func (o *File) Regular() bool { return o != nil && o.name != "" }

// Path is the file being written: the temporary file until Commit.
func (o *File) Path() string { return o.File.Name() }
