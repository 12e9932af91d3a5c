package analyze

import "context"

// runAll runs cfg over inputs and returns the Result with every attempt
// the Run handed out, in the order it handed them out.
func runAll(cfg Config, inputs []Input) (*Result, []Attempt) {
	var all []Attempt
	cfg.OnAttempt = func(a *Attempt) error {
		all = append(all, *a)
		return nil
	}
	r, err := Run(context.Background(), cfg, inputs)
	if err != nil {
		panic(err) // the consumer above returns none
	}
	return r, all
}
