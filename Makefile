# Everyday commands; CI runs .ci/run.
.PHONY: test fuzz ci

test:
	go test ./...

# Each fuzz target for FUZZTIME (default 30s): make fuzz FUZZTIME=2m
fuzz:
	FUZZTIME=$(or $(FUZZTIME),30s) scripts/fuzz.sh

ci:
	bash .ci/run
