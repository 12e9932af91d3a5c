package report

import (
	"fmt"
	"strings"

	"github.com/slbdiag/slbdiag/internal/version"
)

// Lang is the language a report's prose is written in. Identifiers stay
// as they are in every language: outcome names, cause ids, evidence kinds,
// commands, filters and addresses. The zero value is English.
type Lang uint8

// The languages reports are written in.
const (
	English Lang = iota
	Chinese
)

var langNames = []string{"en", "zh"}

// String is the language's --lang name.
func (l Lang) String() string { return langNames[l] }

// LangNames returns the names --lang accepts.
func LangNames() []string { return append([]string(nil), langNames...) }

// ParseLang returns the language --lang names.
func ParseLang(name string) (Lang, error) {
	for i, n := range langNames {
		if n == name {
			return Lang(i), nil
		}
	}
	return English, fmt.Errorf("unknown language %q (want one of: %s)", name, strings.Join(langNames, ", "))
}

// Options are what a renderer is asked for besides the result.
type Options struct {
	Lang Lang // English when zero
	// Build is the slbdiag that writes the report, named in the footer
	// and in JSON's "generator"; the zero value names none.
	Build version.Info
	// Width is how many columns the text report's table may take: the
	// terminal's width, or DefaultWidth when zero.
	Width int
}

// writtenBy is the footer's sentence, or "" when the build is unknown.
func (o Options) writtenBy() string {
	if o.Build.Version == "" {
		return ""
	}
	return o.Lang.tr("Written by slbdiag "+o.Build.String()+".", "本报告由 slbdiag "+o.Build.String()+" 生成。")
}

// tr picks the sentence for l. Every sentence is written in each
// language where it is used, side by side, so that a sentence without its
// translation does not compile.
func (l Lang) tr(en, zh string) string {
	if l == Chinese {
		return zh
	}
	return en
}

// colon ends a label: "Fix: " in English, "修复：" in Chinese.
func (l Lang) colon() string { return l.tr(": ", "：") }

// confidence spells a confidence level; in Chinese, 高/中/低.
func (l Lang) confidence(c string) string {
	if l != Chinese {
		return c
	}
	switch c {
	case "high":
		return "高"
	case "medium":
		return "中"
	case "low":
		return "低"
	}
	return c
}

// list joins the items of an enumeration: "a, b" or "a、b".
func (l Lang) list(items []string) string { return strings.Join(items, l.tr(", ", "、")) }
