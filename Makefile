SHELL := /bin/bash
# agritrace — two commands: `make run` (everything, with demo data) and `make test` (every test).
GO      ?= go
BIN     := bin/agritrace
# Fabric binaries are built once from the Go module proxy and cached here (inside the clone, so CI
# reuses them when it keeps the workspace).
export AGRITRACE_FABRIC_CACHE ?= $(CURDIR)/.cache/fabric
FUZZTIME ?= 5s

.PHONY: all build fabric tools run down test test-unit test-e2e fuzz bench clean help

all: build

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

build: ## build bin/agritrace
	$(GO) build -o $(BIN) ./cmd/agritrace

fabric: build ## build the pinned Fabric v2.5.0 binaries into the cache (no-op when cached)
	$(BIN) network fabric

tools: ## install system tools a fresh machine lacks (chromium for browser tests)
	@command -v chromium >/dev/null 2>&1 || { echo "installing chromium (browser tests)…"; \
		(command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && SUDO=sudo; \
		 $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null); }

run: build fabric ## start network, chaincode, gateway and demo data; print the URLs; Ctrl-C stops all
	$(BIN) run

down: build ## stop everything `make run` started (from another terminal)
	$(BIN) network down

test: build fabric tools test-unit fuzz test-e2e ## every test: unit, fuzz (short), end-to-end on a real network

test-unit: ## unit tests (no network)
	$(GO) vet ./...
	$(GO) test -short -count=1 -cover ./...

fuzz: ## run each fuzz target for FUZZTIME
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./gs1/
	$(GO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./domain/
	$(GO) test -run '^$$' -fuzz '^FuzzRecordEventsArgs$$' -fuzztime $(FUZZTIME) ./chaincode/

test-e2e: ## end-to-end tests, each on its own real Fabric network (one package at a time: 2 cores)
	$(GO) test -p 1 -count=1 -timeout 30m -run 'E2E' -v ./... 2>&1 | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic)|_test.go' ; exit $${PIPESTATUS[0]}

clean: ## remove build output (keeps the Fabric cache and run/ state)
	rm -rf bin
