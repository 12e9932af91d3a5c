package hostfacts

import "context"

// SplitBundle splits saved command outputs as Parse does, for tests that
// look at one output.
func SplitBundle(text string) []Output {
	out, _ := splitBundle(context.Background(), text)
	return out
}

// FromOutputs reads facts from outputs as Parse does.
func FromOutputs(source string, outs []Output) (*Facts, error) {
	return fromOutputs(context.Background(), source, outs)
}
