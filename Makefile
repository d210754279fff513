# staffmgr: `make run` starts the server on ./staffmgr.db, `make test` runs every test.
GO ?= go
# The version is the commit's first 12 hex digits, with -dirty for a changed work
# tree: the string staffmgr reads from its build info when none is linked in, so a
# commit has one version however it was built. VERSION=v1.2.0 make build names one.
VERSION ?= $(shell git rev-parse HEAD 2>/dev/null | cut -c1-12)$(shell git status --porcelain 2>/dev/null | grep -q . && echo -dirty)
LDFLAGS := $(if $(VERSION),-X main.version=$(VERSION))

.PHONY: run build test race vet fmt bench bench-http fuzz fuzz-short clean docs screenshots

run:
	@echo "make run: building staffmgr, then starting it; the first build takes a few minutes"
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/staffmgr

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/staffmgr ./cmd/staffmgr

# Runs on SQLite and, when it can be reached, on PostgreSQL (STAFFMGR_TEST_POSTGRES,
# default postgres://postgres@127.0.0.1:5432/test). STAFFMGR_TEST_POSTGRES_REQUIRED=1
# makes an unreachable PostgreSQL a failure instead of a skip; the last line says
# which it was. The tests mostly wait on the databases, so more of them run at once
# than there are cores.
test: vet
	GO="$(GO)" .ci/test -count=1 -parallel 8 ./...

# The race detector over the packages that serve requests: the dispatcher and its
# handlers, the session store, the models and the binary's end-to-end tests. Their
# whole suites run, not a sample, since the races that matter are between a request
# and the database driver's goroutines, which any request can start. About a
# minute and a half on 2 cores.
race:
	$(GO) test -race -count=1 ./cmd/... ./handlers ./session ./models

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo "gofmt: run gofmt -w"; exit 1; }
	$(GO) vet ./...

# Every fuzz target (func FuzzX) for FUZZTIME each, one go test per target; a
# finding lands in the package's testdata/fuzz/FuzzX/. fuzz-short is CI's few seconds.
FUZZTIME ?= 1m
fuzz:
	GO="$(GO)" .ci/fuzz $(FUZZTIME) 10s

# It starts from the seeds and testdata alone: a corpus cached by long runs would take
# the short run to replay, and replays are what make fuzz is for.
fuzz-short:
	$(GO) clean -fuzzcache
	GO="$(GO)" .ci/fuzz 12s 1s

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The load run of docs/performance.md on SQLite and PostgreSQL: seeds 100,000
# employees (BENCH_EMPLOYEES), starts the server, runs cmd/staffbench, prints the
# table. BIN=path runs it against another build of staffmgr.
bench-http:
	GO="$(GO)" .ci/bench-http

# docs/api.md, the API reference, generated from the func table and its
# declarations; a test fails when the committed file differs.
docs:
	$(GO) run ./cmd/staffmgr docs docs/api.md

# docs/*.png, pictures of the web panel's main pages, taken by the browser tests
# in Chromium (cmd/staffmgr/browser_test.go) on their way through the scenarios.
screenshots:
	$(GO) test ./cmd/staffmgr -run Browser -count=1 -args -screenshots=$(CURDIR)/docs

clean:
	rm -rf bin
