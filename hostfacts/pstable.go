package hostfacts

import (
	"strings"

	"golang.org/x/text/width"
)

// psObject is one object as PowerShell formats it: its properties by
// name, as printed. PowerShell does not translate property names, so the
// readers of its outputs key on them in every language.
type psObject map[string]string

// get returns the first of the properties names that the object has.
func (o psObject) get(names ...string) string {
	for _, n := range names {
		if v, ok := o[n]; ok {
			return v
		}
	}
	return ""
}

// parsePSObjects reads PowerShell's formatted objects in either of its
// forms: a table (Format-Table, the default for most Get-Net* cmdlets and
// for Select-Object with four properties or fewer), with a header line
// and a rule of dashes, or a list (Format-List, Select-Object with five
// or more), "Name : Value" lines with a blank line between objects.
func parsePSObjects(text string) []psObject {
	ls := lines(text)
	for i := 1; i < len(ls); i++ {
		if isDashes(ls[i]) && strings.HasPrefix(strings.TrimLeft(ls[i], " "), "-") && strings.TrimSpace(ls[i-1]) != "" {
			if _, _, kv := splitKV(ls[i-1]); !kv {
				return parsePSTable(ls[i-1], ls[i], ls[i+1:])
			}
		}
	}
	return parsePSList(ls)
}

// parsePSList reads Format-List objects. An object ends at a blank line,
// or where a property it already has comes again (objects printed
// without a blank line between them). A long value PowerShell wrapped
// goes on, indented, on the next line.
func parsePSList(ls []string) []psObject {
	var out []psObject
	var cur psObject
	last := ""
	for _, l := range ls {
		if strings.TrimSpace(l) == "" {
			cur, last = nil, ""
			continue
		}
		label, value, ok := splitKV(l)
		if !ok || strings.ContainsAny(label, " \t") {
			if cur != nil && last != "" && strings.HasPrefix(l, " ") {
				cur[last] += strings.TrimSpace(l)
			}
			continue
		}
		if _, dup := cur[label]; cur == nil || dup {
			cur = psObject{}
			out = append(out, cur)
		}
		cur[label], last = value, label
	}
	return out
}

// parsePSTable reads Format-Table rows. Each column starts where its run
// of dashes starts; a left-aligned value may run past its dashes up to
// the next column, a right-aligned one may start before them, so a cell
// is the text from the column's start to the next one's, widened to the
// left over any characters that touch it. Positions are console columns,
// in which a Chinese character takes two.
func parsePSTable(header, rule string, rows []string) []psObject {
	type col struct {
		name       string
		start, end int
	}
	var cols []col
	rc := []rune(rule)
	for i := 0; i < len(rc); {
		if rc[i] != '-' {
			i++
			continue
		}
		j := i
		for j < len(rc) && rc[j] == '-' {
			j++
		}
		cols = append(cols, col{start: i, end: j})
		i = j
	}
	hc := cells(header)
	for i := range cols {
		next := 1 << 30
		if i+1 < len(cols) {
			next = cols[i+1].start
		}
		cols[i].name = strings.TrimSpace(spanText(hc, cols[i].start, next))
	}
	var out []psObject
	for _, r := range rows {
		if strings.TrimSpace(r) == "" {
			if len(out) > 0 {
				break // the table ends at its first blank line
			}
			continue
		}
		rcs := cells(r)
		o := psObject{}
		for i, c := range cols {
			from, to := c.start, 1<<30
			if i+1 < len(cols) {
				to = cols[i+1].start
			}
			for from > 0 && from-1 < len(rcs) && rcs[from-1] != ' ' && (i == 0 || from-1 >= cols[i-1].end) {
				from--
			}
			o[c.name] = strings.TrimSpace(spanText(rcs, from, to))
		}
		out = append(out, o)
	}
	return out
}

// cells lays a line out in console columns: a wide character takes two
// cells, the second of them 0.
func cells(l string) []rune {
	out := make([]rune, 0, len(l))
	for _, r := range l {
		out = append(out, r)
		if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
			out = append(out, 0)
		}
	}
	return out
}

// spanText is the text of console columns [from, to) of a line laid out
// by cells.
func spanText(cs []rune, from, to int) string {
	if from >= len(cs) {
		return ""
	}
	to = min(to, len(cs))
	var b strings.Builder
	for _, r := range cs[from:to] {
		if r != 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}
