# benchsite's make targets. Every CI step is one of these, so CI runs the
# same commands as a developer. `make help` lists them.

GO        ?= go
BENCHSITE := bin/benchsite
SUMMARY   ?= /dev/null
# BASE_URL overrides [site] base-url of benchsite.toml when set.
BASE_URL  ?=
SITE_FLAGS = $(if $(BASE_URL),--base-url '$(BASE_URL)')
# ADDR is where `make serve` and `make` serve the site (make serve ADDR=127.0.0.1:9000).
ADDR      ?= 127.0.0.1:8000
# CI keeps its own history under one machine id per runner type, apart from
# developers' machines, on the branch $(CI_BRANCH).
CI_MACHINE ?= github-ubuntu-latest
CI_BRANCH  ?= benchmarks-data
# CI_DATA_REF pins ci-restore to one commit of $(CI_BRANCH): the workflow
# reads it once (ci-data-ref) and hands it to every job of a shard matrix,
# so all of them restore the same history and compute the same split even
# when a push to main lands while they start. Empty: the branch's head.
CI_DATA_REF ?=
# A share of the suite for one job of a CI matrix (I/N), and where the
# shards' result files go.
SHARD      ?= 1/1
SHARD_DIR  ?= artifacts/shards
# ci-check measures the pull request's merge base with BASE_REF (the branch
# it targets) against its head, both in the same job.
BASE_REF   ?= origin/main
# ci-check writes the comparison as JSON here too.
REPORT     ?= artifacts/benchmark-report.json

.PHONY: all help build benchmark benchmark-save benchmark-compare benchmark-reset \
        test fuzz site serve wasm ci-restore ci-data-ref ci-check ci-publish ci-shard ci-merge ci-check-shard ci-check-merge ci-changes ci-keep clean FORCE

## all: the main job: run the suites, compare with the baseline and save the run, then build and serve the site showing it
# The run is saved (NNNN_comparison.json), so the site served next shows
# the very run and verdicts the terminal just printed. A regression
# (exit 1) is reported by the run but does not stop the site from being
# served; a broken run (exit 2) stops here.
all: $(BENCHSITE)
	$(BENCHSITE) run --compare --save comparison || [ $$? -eq 1 ]
	$(BENCHSITE) serve --addr '$(ADDR)'

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## build: build the benchsite binary into bin/
build: $(BENCHSITE)

$(BENCHSITE): FORCE
	$(GO) build -o $@ ./cmd/benchsite

## benchmark: run all suites and compare with the newest baseline if one exists (no save); the baseline's commit is re-measured in interleaved pairs
benchmark: $(BENCHSITE)
	$(BENCHSITE) run --compare

## benchmark-save: run all suites and save the run as NNNN_baseline.json
benchmark-save: $(BENCHSITE)
	$(BENCHSITE) run --save baseline

## benchmark-compare: re-measure the newest baseline's commit against the working tree in interleaved pairs, save as NNNN_comparison.json; fail on a regression
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
	BENCHSITE_SCREENSHOTS="$${BENCHSITE_SCREENSHOTS:-$(CURDIR)/artifacts/screenshots}" $(GO) test -count=1 -timeout 30m ./...
	@echo "screenshots of the browser tests: $${BENCHSITE_SCREENSHOTS:-$(CURDIR)/artifacts/screenshots}"

## fuzz: run each fuzz target for $(FUZZTIME) (default 30s); finds land in the package's testdata/fuzz as seeds
# Go fuzzes one target per invocation. A find stops with the failing input
# written to testdata/fuzz/<Target>/ in that package: fix it, keep the file.
FUZZTIME ?= 30s
# Go minimizes every new interesting input for up to 60 s by default, which
# on large seeds takes most of a short run; 5 s keeps the time for fuzzing.
FUZZMINIMIZETIME ?= 5s
FUZZ_TARGETS = ./internal/result:FuzzDecode ./internal/result:FuzzFastPaths ./internal/result:FuzzEncodeRoundTrip ./internal/gobench:FuzzParseText ./internal/gobench:FuzzParseJSON \
               ./internal/harness:FuzzRead ./internal/harness:FuzzCriterionFastPaths ./internal/jscan:FuzzScanner ./internal/config:FuzzParse ./internal/server:FuzzLocalName ./internal/server:FuzzHostAllowed
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "== $$name ($$pkg, $(FUZZTIME))"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg; \
	done

## site: build the static report site into public/ from the committed history
site: $(BENCHSITE)
	$(BENCHSITE) build $(SITE_FLAGS)

## serve: build the site, serve it on ADDR (default 127.0.0.1:8000; make serve ADDR=127.0.0.1:9000) and rebuild on change
serve: $(BENCHSITE)
	$(BENCHSITE) serve --addr '$(ADDR)'

## wasm: build the browser benchmarks (wasm/) into bin/benchsite.wasm, as `benchsite build` does, and show its size
wasm:
	GOOS=js GOARCH=wasm GOWASM=satconv,signext $(GO) build -trimpath -ldflags='-s -w' -o bin/benchsite.wasm ./wasm
	@printf 'bin/benchsite.wasm: %s bytes, %s gzipped\n' "$$(wc -c < bin/benchsite.wasm)" "$$(gzip -9 -c bin/benchsite.wasm | wc -c)"

## ci-restore: (CI) bring back CI's earlier runs from the $(CI_BRANCH) branch into .benchmarks/
# Only a branch that does not exist yet (ls-remote's status 2) starts a new
# history; any other failure stops the job, since ci-keep would otherwise
# force-push a history without CI's earlier runs.
ci-restore:
	if [ -n '$(CI_DATA_REF)' ]; then \
	  echo "restoring CI's history as of $(CI_BRANCH) at $(CI_DATA_REF)"; \
	  git fetch --depth=1 origin '$(CI_DATA_REF)' && git checkout FETCH_HEAD -- .benchmarks; exit $$?; \
	fi; \
	git ls-remote --exit-code --heads origin '$(CI_BRANCH)' >/dev/null; status=$$?; \
	if [ $$status -eq 2 ]; then echo "no branch $(CI_BRANCH) yet: CI starts its history with this run"; \
	elif [ $$status -ne 0 ]; then echo "cannot reach origin to restore CI's history (git ls-remote: status $$status)"; exit 1; \
	else git fetch --depth=1 origin '$(CI_BRANCH)' && git checkout FETCH_HEAD -- .benchmarks; fi

## ci-data-ref: print ref=<commit of $(CI_BRANCH) on origin> (ref= when there is none yet), for the workflow's GITHUB_OUTPUT; ci-restore CI_DATA_REF=<it> restores that very history
ci-data-ref:
	@out=$$(git ls-remote origin 'refs/heads/$(CI_BRANCH)') || { echo "cannot reach origin to read $(CI_BRANCH)" >&2; exit 1; }; \
	echo "ref=$$(printf '%s\n' "$$out" | cut -f1)"

## ci-check: (pull requests) measure the merge base with $(BASE_REF) against HEAD in interleaved pairs, Markdown to $(SUMMARY), JSON to $(REPORT); fail on a regression
# Never the newest main: a pull request may be many commits behind it.
ci-check: $(BENCHSITE)
	@mkdir -p '$(dir $(REPORT))'
	@rm -f '$(REPORT)'
	base=$$(git merge-base '$(BASE_REF)' HEAD) || { echo "ci-check: no merge base of $(BASE_REF) and HEAD (fetch the full history: fetch-depth 0)"; exit 2; }; \
	$(BENCHSITE) run --machine '$(CI_MACHINE)' --against "$$base" --summary '$(SUMMARY)' --report '$(REPORT)'

## ci-publish: (main) run (paired against the previous CI baseline's commit), save it as CI's newest baseline, build the site for $(BASE_URL) into public/
# Each run of main is the newest point of the published history. A
# regression or missed target (exit 1) on main is published, not hidden; a
# broken run (exit 2) stops the deploy.
ci-publish: $(BENCHSITE)
	$(BENCHSITE) run --machine '$(CI_MACHINE)' --compare --save baseline || [ $$? -eq 1 ]
	$(BENCHSITE) build $(SITE_FLAGS)

## ci-shard: (main, one job of a matrix) run share $(SHARD) (I/N) of the suites, paired against the previous CI baseline's commit, into $(SHARD_DIR)/
# A matrix of N such jobs runs the suite spread over N runners; ci-merge
# joins their files. Every job restores the same history, so all compute
# the same split.
ci-shard: $(BENCHSITE)
	@mkdir -p '$(SHARD_DIR)'
	$(BENCHSITE) run --machine '$(CI_MACHINE)' --compare --shard '$(SHARD)' --json '$(SHARD_DIR)/shard-$(subst /,-of-,$(SHARD)).json' || [ $$? -eq 1 ]

## ci-merge: (main) join the shards' files in $(SHARD_DIR)/ into one run, save it as CI's newest baseline, build the site for $(BASE_URL) into public/
ci-merge: $(BENCHSITE)
	$(BENCHSITE) merge --machine '$(CI_MACHINE)' --save baseline --summary '$(SUMMARY)' '$(SHARD_DIR)'/shard-*.json || [ $$? -eq 1 ]
	$(BENCHSITE) build $(SITE_FLAGS)

## ci-check-shard: (pull requests, one job of a matrix) share $(SHARD) of ci-check: the merge base against HEAD in interleaved pairs, into $(SHARD_DIR)/
ci-check-shard: $(BENCHSITE)
	@mkdir -p '$(SHARD_DIR)'
	base=$$(git merge-base '$(BASE_REF)' HEAD) || { echo "ci-check-shard: no merge base of $(BASE_REF) and HEAD (fetch the full history: fetch-depth 0)"; exit 2; }; \
	$(BENCHSITE) run --machine '$(CI_MACHINE)' --against "$$base" --shard '$(SHARD)' --json '$(SHARD_DIR)/shard-$(subst /,-of-,$(SHARD)).json' || [ $$? -eq 1 ]

## ci-check-merge: (pull requests) join the shards of ci-check-shard, the paired comparison to $(SUMMARY) and as JSON to $(REPORT); fail on a regression or a missed target
ci-check-merge: $(BENCHSITE)
	@mkdir -p '$(dir $(REPORT))'
	@rm -f '$(REPORT)'
	$(BENCHSITE) merge --machine '$(CI_MACHINE)' --save pr --summary '$(SUMMARY)' --report '$(REPORT)' '$(SHARD_DIR)'/shard-*.json

## ci-changes: (main) append CI's change points to $(SUMMARY); fail on a regression among the newest runs
# Runs last, after the deploy: a regression that crept in over several
# pushes turns the workflow red without holding back the site.
ci-changes: $(BENCHSITE)
	$(BENCHSITE) changes --machine '$(CI_MACHINE)' --format markdown >> '$(SUMMARY)'

## ci-keep: (main) push .benchmarks/ with the new run to the $(CI_BRANCH) branch, so the next run and the site keep it
ci-keep:
	git add .benchmarks
	git -c user.name='benchsite CI' -c user.email='benchsite-ci@users.noreply.github.com' \
	  commit -q -m "benchmarks: CI run of $$(git rev-parse --short HEAD)"
	git push --force origin 'HEAD:refs/heads/$(CI_BRANCH)'

## clean: remove build outputs (never the history)
clean:
	rm -rf bin public
