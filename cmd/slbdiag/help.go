package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// flagGroup is what a flag is for. A subcommand's help lists its flags
// by group, in this order, and in each group as they were declared.
type flagGroup int

const (
	groupInput     flagGroup = iota // what is read, and which handshakes count
	groupDiagnosis                  // how attempts are judged and causes confirmed
	groupIncidents                  // watch: when an incident opens and what it keeps
	groupOutput                     // what is written, where, in which language
	groupSharing                    // what is hidden before a report leaves the host
	numGroups
)

func (g flagGroup) String() string {
	switch g {
	case groupInput:
		return "Input"
	case groupDiagnosis:
		return "Diagnosis"
	case groupIncidents:
		return "Incidents"
	case groupOutput:
		return "Output"
	case groupSharing:
		return "Sharing"
	}
	return fmt.Sprintf("flagGroup(%d)", int(g))
}

// helpWidth is the width help text is wrapped to, as reports in files are.
const helpWidth = 100

// cmdFlags is a subcommand's flags and its help. Its definitions (String,
// Bool, …) put each flag in the group of the last group call, so the help
// needs no list of its own to keep in step with the flags.
type cmdFlags struct {
	*flag.FlagSet
	help    cmdHelp
	cur     flagGroup
	order   []string // flag names, as declared
	groupOf map[string]flagGroup
}

// cmdHelp is what a subcommand's help says besides its flags.
type cmdHelp struct {
	about    string    // what the command does: one paragraph
	examples []example // shown first, after the usage lines
	operands []operand // arguments that are not flags, shown with the input flags
}

// example is a command line and what it does.
type example struct{ cmd, what string }

// operand is a positional argument: "FILE..." and what it is.
type operand struct{ name, usage string }

func newCmdFlags(name string, h cmdHelp) *cmdFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &cmdFlags{FlagSet: fs, help: h, groupOf: map[string]flagGroup{}}
}

// group puts the flags declared from here on in g.
func (c *cmdFlags) group(g flagGroup) { c.cur = g }

func (c *cmdFlags) declared(name string) {
	c.order = append(c.order, name)
	c.groupOf[name] = c.cur
}

// String defines a string flag in the current group.
func (c *cmdFlags) String(name, value, usage string) *string {
	defer c.declared(name)
	return c.FlagSet.String(name, value, usage)
}

// Bool defines a boolean flag in the current group.
func (c *cmdFlags) Bool(name string, value bool, usage string) *bool {
	defer c.declared(name)
	return c.FlagSet.Bool(name, value, usage)
}

// Int defines an integer flag in the current group.
func (c *cmdFlags) Int(name string, value int, usage string) *int {
	defer c.declared(name)
	return c.FlagSet.Int(name, value, usage)
}

// Duration defines a duration flag in the current group.
func (c *cmdFlags) Duration(name string, value time.Duration, usage string) *time.Duration {
	defer c.declared(name)
	return c.FlagSet.Duration(name, value, usage)
}

// Func defines a flag that calls fn with each value, in the current group.
func (c *cmdFlags) Func(name, usage string, fn func(string) error) {
	defer c.declared(name)
	c.FlagSet.Func(name, usage, fn)
}

// writeHelp writes the help of -h: the usage lines, what the command
// does, the examples, then the flags by group.
func (c *cmdFlags) writeHelp(w io.Writer) error {
	var missing error
	c.VisitAll(func(f *flag.Flag) {
		if _, ok := c.groupOf[f.Name]; !ok && missing == nil {
			missing = fmt.Errorf("slbdiag %s: flag %s has no group in the help", c.Name(), flagSpelling(f.Name))
		}
	})
	if missing != nil {
		return missing
	}
	var b strings.Builder
	for i, u := range commandUsage(c.Name()) {
		lead := "Usage: "
		if i > 0 {
			lead = "       "
		}
		fmt.Fprintf(&b, "%sslbdiag %s\n", lead, u)
	}
	if c.help.about != "" {
		fmt.Fprintf(&b, "\n%s\n", wrap(c.help.about, "", helpWidth))
	}
	if len(c.help.examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, e := range c.help.examples {
			fmt.Fprintf(&b, "  %s\n%s\n", e.cmd, wrap(e.what, "      ", helpWidth))
		}
	}
	for g := range numGroups {
		var entries []string
		if g == groupInput {
			for _, o := range c.help.operands {
				entries = append(entries, helpEntry(o.name, o.usage))
			}
		}
		for _, name := range c.order {
			if c.groupOf[name] == g {
				entries = append(entries, flagEntry(c.Lookup(name)))
			}
		}
		if len(entries) > 0 {
			fmt.Fprintf(&b, "\n%s:\n%s", g, strings.Join(entries, ""))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// flagEntry is a flag's lines in the help: "--port PORTS", then what it
// does and its default. The value's name is the usage's `quoted` word, as
// the flag package takes it, or else the flag's name (--lang LANG) or its
// type (-c N).
func flagEntry(f *flag.Flag) string {
	name, usage := flag.UnquoteUsage(f)
	switch name {
	case "string", "value":
		name = "VALUE"
		if len(f.Name) > 1 {
			name = strings.ToUpper(f.Name) // --lang LANG
		}
	case "int":
		name = "N"
	case "duration":
		name = "DURATION"
	}
	spec := flagSpelling(f.Name)
	if name != "" {
		spec += " " + name
	}
	switch f.DefValue {
	case "", "0", "false", "0s":
	default:
		usage += " (default " + f.DefValue + ")"
	}
	return helpEntry(spec, usage)
}

func helpEntry(spec, usage string) string {
	return "  " + spec + "\n" + wrap(usage, "        ", helpWidth) + "\n"
}

// wrap breaks text into lines of at most width columns, each starting
// with indent; a word longer than a line stays whole.
func wrap(text, indent string, width int) string {
	var lines []string
	line := indent
	for _, word := range strings.Fields(text) {
		if line != indent && len([]rune(line))+1+len([]rune(word)) > width {
			lines = append(lines, line)
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}
