# agritrace — two commands: `make run` (everything, with demo data) and `make test` (every test).
SHELL   := /bin/bash
GO      ?= go
BIN     := bin/agritrace
# Fabric binaries are built once from the Go module proxy and cached inside the clone, so CI reuses
# them when it keeps the workspace (AGRITRACE_FABRIC_CACHE overrides).
export AGRITRACE_FABRIC_CACHE ?= $(CURDIR)/.cache/fabric
FUZZTIME ?= 5s
FUZZRETRYTIME ?= 20s
# screenshots and other test artifacts
ARTIFACTS := $(CURDIR)/test-output

.PHONY: all build fabric tools pg-tools run down test test-unit test-e2e test-faults fuzz bench bench-quick bench-scale clean help

all: build

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

build: ## build bin/agritrace
	$(GO) build -o $(BIN) ./cmd/agritrace

fabric: build ## build the pinned Fabric v3.1.1 binaries (peer, orderer, configtxgen, configtxlator, cryptogen, osnadmin) into the cache
	$(BIN) network fabric

# What a fresh machine lacks, from the package registries, installed only when missing: Debian's
# Chromium (browser tests), WenQuanYi (the CJK font screenshots and label PDFs embed), poppler-utils
# (pdftoppm rasterises label PDFs in tests), iproute2 (network namespaces of the multi-host test),
# Node.js/npm, and from npm GS1 France's epcis2.js (the EPCIS client of the EPCIS end-to-end test).
EPCIS_JS := epcis/testdata/js
tools: ## install missing system tools and test clients (chromium, CJK font, poppler, iproute2, node, epcis2.js)
	@need=""; command -v chromium >/dev/null 2>&1 || need="$$need chromium"; \
	 fc-list 2>/dev/null | grep -qi 'wqy' || need="$$need fonts-wqy-zenhei"; \
	 command -v pdftoppm >/dev/null 2>&1 || need="$$need poppler-utils"; \
	 command -v ip >/dev/null 2>&1 || need="$$need iproute2"; \
	 command -v npm >/dev/null 2>&1 || need="$$need nodejs npm"; \
	 if [ -n "$$need" ]; then echo "installing:$$need"; SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	   $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$need >/dev/null; fi
	@[ -d $(EPCIS_JS)/node_modules/epcis2.js ] || { echo "installing epcis2.js (npm ci in $(EPCIS_JS))"; cd $(EPCIS_JS) && npm ci --no-audit --no-fund --loglevel=error; }

# PostgreSQL server binaries for the read-model tests (each starts its own throw-away cluster as an
# unprivileged user) and bench-scale; the package creates and starts no cluster of its own.
pg-tools: ## install the PostgreSQL server binaries when missing (read-model tests, bench-scale)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	   echo "installing: postgresql"; SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	   $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql-common >/dev/null && \
	   $$SUDO sed -i 's/^#\?\s*create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf && \
	   DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

run: build fabric ## start network, chaincode, gateway and demo data; print the URLs; Ctrl-C stops all
	$(BIN) run

down: build ## stop everything `make run` started (from another terminal)
	$(BIN) network down

test: build fabric tools pg-tools test-unit fuzz test-e2e ## every test: unit + pages, fuzz (short), end-to-end on real networks

test-unit: pg-tools ## unit, handler and browser tests (no Fabric network)
	$(GO) vet ./...
	@mkdir -p $(ARTIFACTS)
	AGRITRACE_REQUIRE_BROWSER=1 $(GO) test -short -count=1 -cover -artifacts -outputdir=$(ARTIFACTS) ./...

# Go's fuzz coordinator can report "context deadline exceeded" as a failure when -fuzztime ends
# while a worker is mid-call, saving no input (go.dev/issue/75804, fixed in Go 1.27; this module is
# on 1.26). Such a run is the fuzzer's own failure and passes, saying so. Any other failure is
# run again: a failing input saved under testdata/fuzz is replayed first and fails again on a real
# crash; a worker the machine starved (reported as hung, with its input saved) passes the replay.
# The second run has FUZZRETRYTIME, and the same rule for the deadline race.
fuzz: ## run every fuzz target for FUZZTIME each (default 5s; e.g. make fuzz FUZZTIME=10m nightly)
	@set -e; log=$$(mktemp); \
	race() { grep -q 'context deadline exceeded' $$log && ! grep -qE 'Failing input written to|panic:|_test\.go:[0-9]+:' $$log; }; \
	for t in $$(grep -rho --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's/func //' | sort -u); do \
	  pkg=$$(grep -rl --include='*_test.go' "^func $$t(" . | head -1 | xargs dirname); \
	  echo "fuzz $$t ($$pkg, $(FUZZTIME))"; \
	  if $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $$pkg/ >$$log 2>&1; then continue; fi; \
	  tail -40 $$log; \
	  if race; then echo "fuzz $$t: the fuzzer's own deadline race (go.dev/issue/75804), no input saved: passed"; continue; fi; \
	  echo "fuzz $$t failed; running it again (a saved crashing input fails again)"; \
	  if ! $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZRETRYTIME) $$pkg/ >$$log 2>&1; then \
	    cat $$log; \
	    if race; then echo "fuzz $$t: the fuzzer's own deadline race again, no input saved: passed"; continue; fi; \
	    rm -f $$log; exit 1; \
	  fi; \
	  tail -5 $$log; \
	done; rm -f $$log

test-e2e: ## end-to-end tests, each on its own real Fabric network (one package at a time: 2 cores)
	@mkdir -p $(ARTIFACTS)
	set -o pipefail; $(GO) test -p 1 -count=1 -timeout 30m -run 'E2E' -v -artifacts -outputdir=$(ARTIFACTS) ./... 2>&1 \
	  | grep -vE '^\s+\[ *[0-9.]+s\]'

test-faults: build fabric ## the full crash suite: 60 s of load while peer, Raft leader, chaincode and gateway are killed
	AGRITRACE_FAULT_SECONDS=60 $(GO) test -count=1 -timeout 20m -run 'E2ECrash' -v ./faults/ 2>&1 | grep -vE '^\s+\[ *[0-9.]+s\]'

bench: build fabric ## benchmarks against baselines in the same run; writes docs/BENCHMARKS.md
	$(BIN) bench --out docs/BENCHMARKS.md

SCALE_EVENTS ?= 10000000
bench-scale: build pg-tools ## read models of SCALE_EVENTS synthetic events in SQLite and PostgreSQL (tens of minutes); its section of docs/BENCHMARKS.md
	$(BIN) bench-scale --events $(SCALE_EVENTS) --out docs/BENCHMARKS.md

bench-quick: build fabric ## reduced-size benchmarks (≈ 2–5 min on 2 cores); rewrites docs/BENCHMARKS.md
	$(BIN) bench --quick --out docs/BENCHMARKS.md

clean: ## remove build output and test artifacts (keeps the Fabric cache and run/ state)
	rm -rf bin $(ARTIFACTS)
