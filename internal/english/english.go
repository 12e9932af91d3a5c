// Package english says counts and sizes as the command's English messages
// do: "1 packet", "2 packets", "1.07 GB", "-c or -d".
package english

import (
	"fmt"
	"strings"
)

// Plural counts things: "1 packet", "2 packets"; a second form is the
// plural where adding s is wrong ("1 copy", "2 copies").
func Plural(n int, forms ...string) string {
	if n == 1 {
		return "1 " + forms[0]
	}
	if len(forms) > 1 {
		return fmt.Sprintf("%d %s", n, forms[1])
	}
	return fmt.Sprintf("%d %ss", n, forms[0])
}

// Or lists alternatives: "a", "a or b", "a, b or c".
func Or(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// Size is a number of bytes in powers of 1000, to three digits: "1.07 GB".
func Size(b float64) string {
	for _, u := range []string{"B", "kB", "MB", "GB"} {
		if b < 1000 {
			return fmt.Sprintf("%.3g %s", b, u)
		}
		b /= 1000
	}
	return fmt.Sprintf("%.3g TB", b)
}
