# growthstream: `make demo` runs the main job on the embedded broker; `make test` runs every test.
# Both install what is missing on a fresh Debian machine (as root) first.

SHELL := /bin/bash
SWIFT ?= swift
RELEASE_BIN := .build/release/growthstream
DEBUG_BIN := .build/debug/growthstream
OUT ?= .build/out
BIN ?= $(DEBUG_BIN)

.PHONY: deps demo test build bench bench-compare fuzz fuzz-engine fuzz-engine-run format clean replay-check replay-digest lint

## deps: librdkafka (C client + mock cluster header), kcat (interop tests), jsonschema (schema checks),
## confluent-kafka 2.16.1 (only its bundled librdkafka: scripts/txn_broker.py, the committed-view tests)
deps:
	@if ! pkg-config --exists rdkafka 2>/dev/null || ! command -v kcat >/dev/null 2>&1; then \
	  echo "installing librdkafka-dev, kcat and pkg-config (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq librdkafka-dev kcat pkg-config >/dev/null; \
	fi
	@if ! python3 -c "import jsonschema, rfc3339_validator" >/dev/null 2>&1; then \
	  echo "installing jsonschema (pip)"; python3 -m pip install -q jsonschema rfc3339-validator; \
	fi
	@if ! python3 -c "import confluent_kafka, sys; sys.exit(confluent_kafka.libversion()[0] != '2.16.0')" >/dev/null 2>&1; then \
	  echo "installing confluent-kafka 2.16.1 (pip; its librdkafka 2.16 runs the test-only broker with transaction markers)"; \
	  python3 -m pip install -q confluent-kafka==2.16.1; \
	fi

build: deps
	$(SWIFT) build -c release --product growthstream

## demo: embedded broker, topics, generated workload, processor, summary and exactly-once check
demo: build
	$(RELEASE_BIN) demo --rules rules/default.yaml --topics-dir topics

## test: every test (unit, embedded-broker, multi-process) and the schema check of replay's outputs
test: deps lint
	@mkdir -p .build
	$(SWIFT) build --build-tests 2>&1 | tee .build/build.log; test $${PIPESTATUS[0]} -eq 0
	@if grep -E "^$(CURDIR)/(Sources|Tests)/.*: warning:" .build/build.log; then \
	  echo "warnings in project code (above): fix them"; exit 1; fi
	timeout 1800 $(SWIFT) test --skip-build 2>&1 | tee .build/test.log; test $${PIPESTATUS[0]} -eq 0
	$(MAKE) --no-print-directory replay-check BIN=$(DEBUG_BIN)
	$(MAKE) --no-print-directory replay-digest BIN=$(DEBUG_BIN)

## replay-check: replay a generated workload and validate every output against topics/ schemas
replay-check:
	@mkdir -p $(OUT)
	python3 scripts/validate_outputs.py --self-test --topics topics
	$(BIN) generate --seed 7 --users 300 --days 40 --events 20000 --output $(OUT)/workload.jsonl
	$(BIN) replay --rules rules/default.yaml --input $(OUT)/workload.jsonl --output-dir $(OUT)/replay --partitions 3
	python3 scripts/validate_outputs.py $(OUT)/replay --topics topics
	@# the shipped example with a fourth dimension and behaviours (rules/learning.yaml, SPEC §8)
	$(BIN) generate --seed 8 --users 200 --days 30 --events 10000 --rules rules/learning.yaml --output $(OUT)/learning.jsonl
	$(BIN) replay --rules rules/learning.yaml --input $(OUT)/learning.jsonl --output-dir $(OUT)/replay-learning --partitions 3
	python3 scripts/validate_outputs.py $(OUT)/replay-learning --topics topics
	@grep -qE '"learning":\{"raw":[0-9.]*[1-9]' $(OUT)/replay-learning/updates.jsonl || { \
	  echo "no update counts learning points (study_minutes behaviours)"; exit 1; }

## replay-digest: a 200k-event generated workload through replay gives byte-identical output
## files to the reviewed digests in Tests/Fixtures/replay-200k.sha256 (refactors keep behaviour).
## After an intended change of behaviour: make replay-digest DIGEST_UPDATE=1, review, commit.
DIGEST_FILE := Tests/Fixtures/replay-200k.sha256
replay-digest:
	@mkdir -p $(OUT)/digest
	$(BIN) generate --seed 200 --users 5000 --days 30 --events 200000 --output $(OUT)/digest/workload.jsonl
	$(BIN) replay --rules rules/default.yaml --input $(OUT)/digest/workload.jsonl --output-dir $(OUT)/digest/replay --partitions 6
	@if [ "$(DIGEST_UPDATE)" = "1" ]; then \
	  (cd $(OUT)/digest/replay && sha256sum *.jsonl) > $(DIGEST_FILE); \
	  echo "replay-digest: $(DIGEST_FILE) rewritten; review the change and run again without DIGEST_UPDATE"; exit 1; \
	fi
	@(cd $(OUT)/digest/replay && sha256sum --quiet -c $(CURDIR)/$(DIGEST_FILE)) && \
	  echo "replay-digest: 200k-event replay outputs byte-identical to $(DIGEST_FILE)"

bench: build
	$(RELEASE_BIN) bench decode
	$(RELEASE_BIN) bench pipeline

## bench-compare: bench pipeline of this checkout against BASE (a commit), both built -c release
## and run alternately RUNS times in one session; prints both and the medians of the ratios
BASE ?= HEAD~1
RUNS ?= 3
bench-compare: deps
	scripts/bench_compare.sh $(BASE) $(RUNS)

## fuzz: libFuzzer on the input decoder for FUZZ_SECONDS (seeds from generated valid events,
## corpus and crash inputs under .build-fuzz/), the seeded mutation loop for 10 s, then the
## engine fuzzer (fuzz-engine) for FUZZ_SECONDS
FUZZ_SECONDS ?= 60
FUZZ_DIR := .build-fuzz
fuzz: build
	$(SWIFT) build -c release --sanitize=fuzzer --package-path Fuzz --scratch-path $(FUZZ_DIR)
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/findings
	$(RELEASE_BIN) generate --seed 11 --users 200 --days 30 --events 3000 --output $(FUZZ_DIR)/seed.jsonl
	python3 Fuzz/seed_corpus.py $(FUZZ_DIR)/seed.jsonl $(FUZZ_DIR)/seeds
	SWIFT_BACKTRACE=enable=no $(FUZZ_DIR)/release/DecoderFuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	  -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/findings/ $(FUZZ_DIR)/corpus $(FUZZ_DIR)/seeds
	$(RELEASE_BIN) bench fuzz --seconds 10
	$(MAKE) --no-print-directory fuzz-engine-run

## fuzz-engine: libFuzzer on the whole engine for FUZZ_SECONDS (programs of events at the
## extremes through PartitionEngine, restarts, partials through a SignalMerger; seeds from
## Fuzz/engine_seeds.py, corpus and crash inputs under .build-fuzz/engine-*)
fuzz-engine:
	$(SWIFT) build -c release --sanitize=fuzzer --package-path Fuzz --scratch-path $(FUZZ_DIR)
	$(MAKE) --no-print-directory fuzz-engine-run

fuzz-engine-run:
	@mkdir -p $(FUZZ_DIR)/engine-corpus $(FUZZ_DIR)/engine-findings
	python3 Fuzz/engine_seeds.py $(FUZZ_DIR)/engine-seeds
	SWIFT_BACKTRACE=enable=no $(FUZZ_DIR)/release/EngineFuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
	  -timeout=60 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/engine-findings/ \
	  $(FUZZ_DIR)/engine-corpus $(FUZZ_DIR)/engine-seeds

## format / lint: .swift-format (4 spaces, 120 columns); `make test` fails on any lint finding
FORMAT_PATHS := Package.swift Sources Tests Fuzz/Package.swift Fuzz/Sources
format:
	$(SWIFT) format --in-place --recursive $(FORMAT_PATHS)

lint:
	$(SWIFT) format lint --strict --recursive $(FORMAT_PATHS)

clean:
	rm -rf .build
