# tests/fuzz/fuzz.mk: the reliability targets, included by the GNUmakefile.
#   make fuzz            clang libFuzzer targets bin/fuzz/fuzz_<parser> (ASan+UBSan), one per
#                        tests/fuzz/fuzz_*.c, over a library built apart in bin/fuzz/obj
#   make fuzz-run        fuzz each for FUZZ_TIME seconds (default 60); new inputs go to
#                        bin/fuzz/corpus/<name>, crashes to bin/fuzz/crashes/
#   make check-asan      the whole suite against an ASan+UBSan build in bin/asan
#   make check-valgrind  one sd-scan run under valgrind memcheck (tests/integration/valgrind_scan.sh)
# `make check` also builds the replayers $(BINDIR)/tests/fuzz/fuzz_<parser> (the normal
# compiler, no libFuzzer) that tests/integration/fuzz_smoke.sh runs over the corpus.
# A new parser gets a target by adding tests/fuzz/fuzz_<name>.c and tests/fuzz/corpus/<name>/.

FUZZ_CC    ?= clang
FUZZ_TIME  ?= 60
FUZZ_OBJ   := bin/fuzz/obj
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu11 -O1 -g $(WARN) -pthread -MMD -MP -DSD_VERSION='"$(VERSION)"' \
              $(shell pkg-config --cflags $(PKGS)) $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZERS    := $(FUZZ_NAMES:%=bin/fuzz/%)
FUZZ_REPLAYERS := $(FUZZ_NAMES:%=$(BINDIR)/tests/fuzz/%)

.PHONY: fuzz fuzz-run fuzz-replay
fuzz: $(FUZZERS)
fuzz-replay: $(FUZZ_REPLAYERS)
check: $(FUZZ_REPLAYERS)

# A fuzz target is test code: it sees every folder's headers and links every archive.
FUZZ_INC   := -Itests/fuzz $(foreach f,$(FOLDERS),-Isrc/$(f))
FUZZ_LIB_SRCS := $(foreach f,$(FOLDERS),$(call SRCS_of,$(f)))
$(FUZZ_OBJ)/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(INC_$(call folder_of,$<)) -c -o $@ $<
$(FUZZ_OBJ)/tests/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_INC) -c -o $@ $<
bin/fuzz/libsd.a: $(FUZZ_LIB_SRCS:src/%.c=$(FUZZ_OBJ)/%.o)
	rm -f $@
	ar rcs $@ $^
bin/fuzz/fuzz_%: $(FUZZ_OBJ)/tests/fuzz_%.o bin/fuzz/libsd.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< bin/fuzz/libsd.a $(LDLIBS_scan) $(LDLIBS_serve) $(LDLIBS)
$(BUILD)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(FUZZ_INC) -c -o $@ $<

# the same targets with a plain main() that runs each file given: no clang needed
$(BINDIR)/tests/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay_main.o \
    $(BINDIR)/libscan.a $(BINDIR)/libserve.a $(BINDIR)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_scan) $(LDLIBS_serve) $(LDLIBS)

fuzz-run: $(FUZZERS)
	@mkdir -p bin/fuzz/crashes
	@for f in $(FUZZERS); do n=$${f#bin/fuzz/}; mkdir -p bin/fuzz/corpus/$$n; \
	  echo "fuzz-run: $$n for $(FUZZ_TIME)s"; \
	  $$f -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=bin/fuzz/crashes/$$n- bin/fuzz/corpus/$$n tests/fuzz/corpus/$$n \
	    2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|.*invariant failed|Done )' \
	    || true; \
	done; ls bin/fuzz/crashes

# the whole suite with the address and undefined-behaviour sanitizers: a separate build tree
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
check-asan:
	SD_BIN=$(CURDIR)/bin/asan SD_SANITIZE=asan \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$(MAKE) --no-print-directory BUILD=bin/asan/obj BINDIR=bin/asan OPT='-O1 -g' \
	  EXTRA_CFLAGS='$(ASAN_FLAGS)' EXTRA_LDFLAGS='$(ASAN_FLAGS)' check

check-valgrind: all
	@bash tests/integration/valgrind_scan.sh && echo "check-valgrind: 1 passed, 0 failed"

-include $(wildcard $(FUZZ_OBJ)/*/*.d $(FUZZ_OBJ)/tests/*.d)
