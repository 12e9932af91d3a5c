//go:build !windows

package hostfacts

import "context"

func readWindows(context.Context) (*Facts, error) { return nil, ErrUnsupported }

func windowsOutputs(context.Context) []Output { return nil }
