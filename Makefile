# Everyday commands; CI runs .ci/run.
.PHONY: test fuzz ci bench release release-deps notices

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

# Archives for every platform and their SHA-256 checksums in dist/: a
# snapshot unless HEAD is exactly a tag (then the tag is the version).
# Nothing is published. Offline once GoReleaser and the toolchains are in
# place (make release-deps).
release:
	scripts/release.sh

# What `make release` needs on Debian, as root: static libpcap and libdbus
# and the arm64 cross toolchain for the Linux builds (cgo, linked
# statically), and the pinned GoReleaser.
release-deps:
	dpkg --add-architecture arm64
	apt-get update
	apt-get install -y --no-install-recommends gcc libc6-dev libpcap-dev libdbus-1-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross libpcap-dev:arm64 libdbus-1-dev:arm64
	scripts/goreleaser.sh --version >/dev/null

# The licences of everything compiled into the binaries, as archived.
notices:
	scripts/notices.sh
