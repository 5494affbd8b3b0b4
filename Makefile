# benchsite's make targets. Every CI step is one of these, so CI runs the
# same commands as a developer. `make help` lists them.

GO        ?= go
BENCHSITE := bin/benchsite
SUMMARY   ?= /dev/null
BASE_URL  ?= /

.PHONY: all help build benchmark benchmark-save benchmark-compare benchmark-reset \
        test site serve wasm ci-check ci-publish clean FORCE

## all: the main job: run the suites (compared with the baseline), then build and serve the site
# A regression is reported by the run but does not stop the site from
# being served (make prints "Error 1 (ignored)").
all: $(BENCHSITE)
	-$(BENCHSITE) run --compare
	$(BENCHSITE) serve

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## build: build the benchsite binary into bin/
build: $(BENCHSITE)

$(BENCHSITE): FORCE
	$(GO) build -o $@ ./cmd/benchsite

## benchmark: run all suites and compare with the newest baseline if one exists (no save)
benchmark: $(BENCHSITE)
	$(BENCHSITE) run --compare

## benchmark-save: run all suites and save the run as NNNN_baseline.json
benchmark-save: $(BENCHSITE)
	$(BENCHSITE) run --save baseline

## benchmark-compare: run, compare with the newest baseline, save as NNNN_comparison.json; fail on a regression
benchmark-compare: $(BENCHSITE)
	$(BENCHSITE) run --compare --save comparison

## benchmark-reset: archive this machine's history, then save a fresh 0001_baseline.json
benchmark-reset: $(BENCHSITE)
	$(BENCHSITE) reset
	$(BENCHSITE) run --save baseline

## test: the whole test suite (vet, format check, unit, integration and browser tests)
test:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo 'gofmt: the files above need formatting'; exit 1; }
	$(GO) test -count=1 ./...

## site: build the static report site into public/ from the committed history
site: $(BENCHSITE)
	$(BENCHSITE) build --base-url '$(BASE_URL)'

## serve: build the site, serve it on 127.0.0.1:8000 and rebuild on change
serve: $(BENCHSITE)
	$(BENCHSITE) serve

## wasm: build the browser benchmarks (wasm/) into bin/benchmarks.wasm
wasm:
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o bin/benchmarks.wasm ./wasm

## ci-check: (pull requests) run, compare with the baseline, Markdown table to $(SUMMARY); fail on a regression
ci-check: $(BENCHSITE)
	$(BENCHSITE) run --compare --summary '$(SUMMARY)'

## ci-publish: (main) run, save the run, build the site for $(BASE_URL) into public/
# A regression or missed target (exit 1) on main is published, not hidden;
# a broken run (exit 2) stops the deploy.
ci-publish: $(BENCHSITE)
	$(BENCHSITE) run --autosave || [ $$? -eq 1 ]
	$(BENCHSITE) build --base-url '$(BASE_URL)'

## clean: remove build outputs (never the history)
clean:
	rm -rf bin public
