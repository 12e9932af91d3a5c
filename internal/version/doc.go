// Package version says which build of slbdiag is running: its release
// version, the commit and commit time it was built from, whether the tree
// had uncommitted changes, and the Go toolchain and platform.
package version
