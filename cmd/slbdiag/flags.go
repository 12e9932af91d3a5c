package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/slbdiag/slbdiag/internal/english"
)

// parseFlags parses args with c, a subcommand's flags. Go's flag package
// prints its own error and the whole usage to stderr, and the error then
// comes back to be printed again; here -h (or --help) writes the
// command's help to help, as asked for, and returns flag.ErrHelp, and a
// bad flag is returned once, as a usageError whose hints say what was
// likely meant and where the help is.
func parseFlags(c *cmdFlags, args []string, help io.Writer) error {
	err := c.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		if werr := c.writeHelp(help); werr != nil {
			return werr
		}
		return err
	case err != nil:
		return &usageError{cmd: c.Name(), msg: flagMessage(c.FlagSet, err, args), hints: flagHints(c.FlagSet, err)}
	}
	return nil
}

// parseOperands parses args where flags and operands mix (analyze A.pcap
// --vip X B.pcap: Go's flag package stops at the first operand), handing
// each operand to add in order, so that a flag that names one too (-r)
// keeps its place among them.
func parseOperands(c *cmdFlags, args []string, help io.Writer, add func(string)) error {
	for {
		if err := parseFlags(c, args, help); err != nil {
			return err
		}
		if c.NArg() == 0 {
			return nil
		}
		add(c.Arg(0))
		args = c.Args()[1:]
	}
}

// flagHints say which flag an unknown one was likely meant to be.
func flagHints(fs *flag.FlagSet, err error) []string {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !ok {
		return nil
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	// tcpdump's -nr FILE: Go's flags are one to an argument.
	if split, ok := combinedLetters(fs, name); ok {
		return []string{fmt.Sprintf("flags are not combined here: write %s", strings.Join(split, " "))}
	}
	near := nearest(name, names)
	if len(near) == 0 {
		return nil
	}
	for i, n := range near {
		near[i] = flagSpelling(n)
	}
	return []string{"did you mean " + english.Or(near) + "?"}
}

// combinedLetters splits name into one-letter flags as getopt would: all
// but the last take no value. "nr" is -n -r; "on" is not -o -n, since -o
// would take "n" as its value.
func combinedLetters(fs *flag.FlagSet, name string) ([]string, bool) {
	if len(name) < 2 {
		return nil, false
	}
	var split []string
	for i := range len(name) {
		f := fs.Lookup(name[i : i+1])
		if f == nil {
			return nil, false
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); i < len(name)-1 && !(ok && b.IsBoolFlag()) {
			return nil, false
		}
		split = append(split, "-"+f.Name)
	}
	return split, true
}

// flagSpelling is how help and hints write a flag: -o, --vip.
func flagSpelling(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// nearest are the known names closest to a mistyped one: those one edit
// away (two for longer names; a swap of neighbours is one edit), or else
// those it begins. It returns none when nothing is close, so that a
// guess is offered only where one is likely.
func nearest(typed string, known []string) []string {
	typed = strings.ToLower(typed)
	best, out := 3, []string(nil)
	for _, k := range known {
		d := editDistance(typed, strings.ToLower(k))
		limit := 1
		if len(typed) >= 6 {
			limit = 2
		}
		if d > limit || d >= min(len(typed), len(k)) || d > best {
			continue
		}
		if d < best {
			best, out = d, nil
		}
		out = append(out, k)
	}
	if out != nil || len(typed) < 3 {
		return out
	}
	for _, k := range known {
		if strings.HasPrefix(k, typed) {
			out = append(out, k)
		}
	}
	return out
}

// editDistance is the optimal string alignment distance of a and b:
// insertions, deletions, substitutions and swaps of neighbours, each one
// edit ("vpi" is one edit from "vip").
func editDistance(a, b string) int {
	prev2, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
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
