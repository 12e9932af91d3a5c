# Everyday commands; CI runs .ci/run.
.PHONY: test fuzz ci bench

test:
	go test ./...

# Each fuzz target for FUZZTIME (default 30s): make fuzz FUZZTIME=2m
fuzz:
	FUZZTIME=$(or $(FUZZTIME),30s) scripts/fuzz.sh

ci:
	bash .ci/run

# Generates large captures under $$SLBDIAG_BENCH_DIR (default /tmp/slbdiag-bench) and times
# slbdiag against cat, tcpdump and tshark on them; see bench/run.sh.
bench:
	bench/run.sh
