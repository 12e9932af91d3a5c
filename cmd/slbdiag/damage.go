package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/slbdiag/slbdiag/analyze"
)

// damageError is inputs whose damage left nothing to judge: an input
// error, not a clean bill of health.
type damageError struct {
	where []string // where each damaged input stopped
}

func (e *damageError) Error() string {
	return "nothing could be judged before the damage: " + strings.Join(e.where, "; ")
}

// verdict maps a result to the command's outcome: errProblems when it
// found problems, a *damageError when damage left nothing to judge, nil
// otherwise. Damage that left something to judge is said on stderr too, so
// that a script reading only the exit code 0 or 1 and stderr still learns
// the result is partial.
func verdict(r *analyze.Result, stderr io.Writer) error {
	where := damage(r)
	judged := r.Summary.Counts.Total() - r.Summary.Counts[analyze.Pending]
	if len(where) > 0 && judged == 0 && len(r.Findings) == 0 {
		return &damageError{where: where}
	}
	for _, w := range where {
		fmt.Fprintf(stderr, "slbdiag: warning: the result is partial: %s\n", w)
	}
	switch {
	case r.Problem():
		return errProblems
	case !r.Judged():
		return errNothingJudged
	}
	return nil
}

// damage lists where each damaged input stopped, escaped for a terminal.
func damage(r *analyze.Result) []string {
	var where []string
	for _, w := range r.Warnings {
		if w.Kind == analyze.WarnDamaged {
			where = append(where, strings.ToValidUTF8(quoteControls(w.Detail), "?"))
		}
	}
	return where
}

// quoteControls escapes control characters: a damaged file's name and the
// reader's message reach the terminal.
func quoteControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}
