package analyze

import (
	"fmt"
	"strings"
)

// listEntries splits a comma-separated flag value into its trimmed
// entries. An empty entry ("443,", "a,,b") is refused rather than
// skipped: --port and --vip read lists the same way, and a stray comma
// often means something was lost in a paste. what names the list in the
// error of an empty value ("port list").
func listEntries(spec, what string) ([]string, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, fmt.Errorf("empty %s", what)
	}
	entries := strings.Split(spec, ",")
	for i, e := range entries {
		entries[i] = strings.TrimSpace(e)
		if entries[i] == "" {
			return nil, fmt.Errorf("%q has an empty entry: remove the stray comma", spec)
		}
	}
	return entries, nil
}
