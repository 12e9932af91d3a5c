package watch

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// manifestName is the file in each incident's folder that lists the files
// watch writes there: only those are counted in --max-disk and removed to
// make room, so that notes an engineer left in the folder, or another
// tool's folder with a name like an incident's, are never touched.
const manifestName = ".slbdiag-incident"

// manifestHeader starts a manifest, so that a file of the same name that
// watch did not write is not taken for one.
const manifestHeader = "slbdiag-watch incident: the files slbdiag watch wrote here\n"

// maxManifest bounds what is read of a manifest.
const maxManifest = 64 << 10

// writeManifest lists files, by name, in dir's manifest.
func writeManifest(dir string, files []string) error {
	var b strings.Builder
	b.WriteString(manifestHeader)
	for _, f := range files {
		fmt.Fprintln(&b, f)
	}
	return os.WriteFile(filepath.Join(dir, manifestName), []byte(b.String()), 0o644)
}

// readManifest returns the files dir's manifest lists, the manifest
// itself last; an error when dir has no manifest watch wrote.
func readManifest(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, manifestName))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, maxManifest))
	if !sc.Scan() || sc.Text()+"\n" != manifestHeader {
		return nil, errors.New("not a manifest of slbdiag watch")
	}
	var files []string
	for sc.Scan() {
		// Base names only: a manifest never sends a removal elsewhere.
		if n := sc.Text(); n != "" && n != "." && n != ".." && n != manifestName && filepath.Base(n) == n && !strings.ContainsAny(n, `/\`) {
			files = append(files, n)
		}
	}
	return append(files, manifestName), sc.Err()
}

// incidentSize is the disk the files of dir's manifest take; 0 without one.
func incidentSize(dir string) int64 {
	files, err := readManifest(dir)
	if err != nil {
		return 0
	}
	var n int64
	for _, f := range files {
		if fi, err := os.Lstat(filepath.Join(dir, f)); err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
	}
	return n
}

// removeIncident removes the files of dir's manifest, then the folder if
// nothing else is left in it; kept reports that other files kept it.
func removeIncident(dir string) (kept bool, err error) {
	files, err := readManifest(dir)
	if err != nil {
		return false, err
	}
	for _, f := range files {
		p := filepath.Join(dir, f)
		if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode().IsRegular() {
			if rerr := os.Remove(p); rerr != nil && err == nil {
				err = rerr
			}
		}
	}
	if err != nil {
		return false, err
	}
	if os.Remove(dir) != nil {
		return true, nil
	}
	return false, nil
}
