# wadesk — common tasks. `make help` lists them.

GO      ?= go
BINARY  ?= wadesk
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
DATA    ?= ./data
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)

# The vulnerability data `make vuln` checks against: a version of the
# golang.org/x/vulndb module (its commit date is the data's date). Newer data:
#   make vuln VULNDB_VERSION=$(go list -m -f '{{.Version}}' golang.org/x/vulndb@latest)
# The public database instead (online): make vuln VULNDB=https://vuln.go.dev
VULNDB_VERSION ?= v0.0.0-20261105234957-e22db6528018
export VULNDB_VERSION

# The Go toolchain wadesk is built and tested with (go.mod's toolchain line).
# An older local Go fetches it from the module proxy on first use; a newer
# one is kept ("+auto").
export GOTOOLCHAIN ?= go1.27.3+auto

# Inbox search uses SQLite's FTS5, which mattn/go-sqlite3 compiles in only
# with the sqlite_fts5 build tag. Exported, so that every go command below
# gets it, and so does the `go build` the browser tests run in TestMain.
# Whatever GOFLAGS `go env` already holds (environment or go env -w) is kept.
export GOFLAGS := $(strip $(shell $(GO) env GOFLAGS) -tags=sqlite_fts5)

.PHONY: help build run demo sim test unit e2e s3-gateway generate check-generated lint vuln notice check-notice release release-smoke bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

build: ## build the wadesk binary
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BINARY) .

run: build ## start the console on http://127.0.0.1:8080 with data in ./data
	./$(BINARY) serve --data $(DATA)

demo: build ## try wadesk offline: console + simulated Meta API + customer phone, demo users printed
	./$(BINARY) demo --data ./demo-data

sim: build ## run only the Meta Graph API simulator (customer phone on http://127.0.0.1:8790)
	./$(BINARY) sim

test: check-generated check-notice lint vuln ## every test: generated-code and NOTICE checks, lint, known vulnerabilities, unit, integration and browser tests
	$(GO) test -count=1 -timeout 25m ./...

unit: ## the tests without the browser
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /e2e)

e2e: ## the browser tests only (needs /usr/bin/chromium)
	$(GO) test -count=1 -v ./e2e/

s3-gateway: ## install the S3-compatible server the S3 media store's tests run against (Versity's gateway, pinned, into $(go env GOPATH)/bin)
	$(GO) install github.com/versity/versitygw/cmd/versitygw@v1.8.0

generate: ## regenerate templ's Go code from the .templ files
	$(GO) tool templ generate

check-generated: ## fail when the committed generated code is stale
	@$(GO) tool templ generate >/dev/null
	@if [ -n "$$(git status --porcelain -- '*_templ.go')" ]; then \
		echo "Generated templ code is out of date. Run 'make generate' and commit:"; \
		git status --porcelain -- '*_templ.go'; exit 1; \
	fi
	@echo "generated code is fresh"

notice: ## write NOTICE: the licenses of the Go modules and front-end files in the binary
	$(GO) run ./scripts/notice -o NOTICE

check-notice: ## fail when NOTICE is stale
	@$(GO) run ./scripts/notice -check NOTICE
	@echo "NOTICE is fresh"

lint: ## gofmt, go vet and staticcheck (the version pinned in go.mod)
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

vuln: ## known vulnerabilities the code reaches (govulncheck; offline, from the vulndb module; VULNDB=URL asks that database)
	GO=$(GO) scripts/vuln.sh

release: ## static binaries for linux/amd64 and linux/arm64, archives, SBOMs and SHA256SUMS in dist/ (VERSION=v1.2.0 to name it)
	GO=$(GO) VERSION=$(VERSION) COMMIT=$(COMMIT) scripts/release.sh

release-smoke: ## check dist/ as a user would: checksums, file type, wadesk version, serve + /healthz (arm64 under qemu)
	GO=$(GO) scripts/release-smoke.sh

bench: ## speed and memory measurements (ratios against a baseline from the same run)
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...

clean: ## remove the binary and dist/
	rm -rf $(BINARY) dist
