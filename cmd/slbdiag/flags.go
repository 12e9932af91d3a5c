package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseFlags parses args with fs, a subcommand's flags. Go's flag package
// prints its own error and the whole usage, and the error then comes back
// to be printed again; here -h prints the usage (fs.Usage, or the flags)
// to stderr and returns flag.ErrHelp, and a bad flag is returned once, as
// a usageError whose hint names -h.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		if usage != nil {
			usage()
		} else {
			fmt.Fprintf(stderr, "Usage of slbdiag %s:\n", fs.Name())
			fs.PrintDefaults()
		}
		return err
	case err != nil:
		return &usageError{cmd: fs.Name(), msg: flagMessage(fs, err, args)}
	}
	return nil
}

// flagMessage rewrites the flag package's errors for people, naming the
// flag as it was typed ("--grace"; the package writes "-grace").
func flagMessage(fs *flag.FlagSet, err error, args []string) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return fmt.Sprintf("unknown flag %s", typedFlag(name, args))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return fmt.Sprintf("%s needs a value", typedFlag(name, args))
	}
	var value, name string
	if _, e := fmt.Sscanf(msg, "invalid boolean value %q for -%s", &value, &name); e == nil {
		name = strings.TrimSuffix(name, ":")
		return fmt.Sprintf("%s: %q is not true or false", typedFlag(name, args), value)
	}
	if _, e := fmt.Sscanf(msg, "invalid value %q for flag -%s", &value, &name); e == nil {
		name = strings.TrimSuffix(name, ":")
		if f := fs.Lookup(name); f != nil && f.DefValue != "" {
			return fmt.Sprintf("%s: %q is not a valid value (the default is %s)", typedFlag(name, args), value, f.DefValue)
		}
		return fmt.Sprintf("%s: %q is not a valid value", typedFlag(name, args), value)
	}
	return msg
}

// typedFlag is flag name as args spell it: "--vip" or "-vip".
func typedFlag(name string, args []string) string {
	for _, a := range args {
		if a == "--" {
			break
		}
		if n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); n == name && strings.HasPrefix(a, "-") {
			typed, _, _ := strings.Cut(a, "=")
			return typed
		}
	}
	return "-" + name
}
