#!/usr/bin/env bash
# bench/run.sh [PART...]: make bench. Runs each benchmark part (bench/scan.sh, bench/order.sh,
# bench/serve.sh, bench/gzip.sh, bench/dir.sh, bench/size.sh, bench/sockets.sh,
# bench/realnet.sh, bench/rdns.sh; or the parts named) and writes BENCHMARKS.md: the machine,
# then each part's table and exact commands under a line naming the run it comes from (date,
# commit, load). Naming parts re-runs only those: the other parts' sections are kept from the
# file as they were, with their own run line. Exits 1 when a part failed (a run crashed or lost
# a target); a missed speed goal is reported in the table, not an exit status.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_BIN=${BENCH_BIN:-$TOP/bin/bench}
export BENCH_OUT=${BENCH_OUT:-$TOP/bin/bench/out}
export BENCH_RUNS=${BENCH_RUNS:-3}
ALL=(scan order serve gzip dir size sockets realnet rdns)
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=("${ALL[@]}")
out="$TOP/BENCHMARKS.md"
rc=0

commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$TOP" diff --quiet HEAD -- src bench tests 2>/dev/null || commit="$commit + local changes"
mkdir -p "$BENCH_OUT"
# BENCH_ASSEMBLE=1: run nothing, only write BENCHMARKS.md from the parts' outputs in BENCH_OUT
[ "${BENCH_ASSEMBLE:-0}" = 1 ] && parts=()
for p in "${parts[@]}"; do
	[ -e "$TOP/bench/$p.sh" ] || { echo "bench: no part $p (bench/$p.sh)" >&2; exit 2; }
	rm -f "$BENCH_OUT/$p.md" "$BENCH_OUT/$p.cmds" "$BENCH_OUT/$p.run"
	started=$(date -u '+%Y-%m-%d %H:%M:%S UTC') load=$(cut -d' ' -f1-3 /proc/loadavg) t0=$SECONDS
	echo "bench: $p" >&2
	if ! bash "$TOP/bench/$p.sh"; then
		echo "bench: $p FAILED" >&2
		rc=1
	fi
	echo "Run: $started, commit $commit, $BENCH_RUNS runs per benchmark (median), load average" \
	    "at the start $load, $((SECONDS - t0)) s." >"$BENCH_OUT/$p.run"
done

# section P: the part's section from this run, or else from the old file (between its markers)
section() {
	local p=$1
	if [ -e "$BENCH_OUT/$p.run" ]; then
		echo "<!-- part $p -->"
		echo
		cat "$BENCH_OUT/$p.md" 2>/dev/null || echo "($p wrote no results: it failed)"
		echo
		cat "$BENCH_OUT/$p.run"
		if [ -s "$BENCH_OUT/$p.cmds" ]; then
			echo
			echo "Commands ($p; \$TMP is the run's scratch directory, all inside the namespace):"
			echo
			echo '```'
			cat "$BENCH_OUT/$p.cmds"
			echo '```'
		fi
		echo
		echo "<!-- end part $p -->"
	elif [ -e "$out" ]; then
		sed -n "/^<!-- part $p -->\$/,/^<!-- end part $p -->\$/p" "$out"
	fi
}

{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` (bench/run.sh). Each section below says which run it comes"
	echo "from (date, commit, load); every figure in it was measured in that run. \`make bench\`"
	echo "re-runs every part; \`bash bench/run.sh PART...\` (after \`make bench\` built the release"
	echo "binaries) re-runs only the parts named and keeps the others."
	echo
	echo "- machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo |
		head -1)), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "- kernel: $(uname -sr); $(ldd --version 2>&1 | head -1)"
	echo "- compiler: $(${CC:-cc} --version | head -1); release flags: ${BENCH_OPT:-see GNUmakefile}"
	echo "- nmap: $(nmap --version 2>/dev/null | head -1)"
	echo "- other work on the machine lowers the absolute figures; the ratios compare runs made"
	echo "  side by side"
	for p in "${ALL[@]}"; do
		s=$(section "$p")
		if [ -n "$s" ]; then printf '\n%s\n' "$s"; fi
	done
} >"$out.tmp" && mv "$out.tmp" "$out" || rc=1
echo "bench: wrote $out" >&2
exit "$rc"
