#!/usr/bin/env bash
# bench/run.sh [PART...]: make bench. Runs each benchmark part (bench/scan.sh, bench/order.sh,
# bench/serve.sh, bench/gzip.sh, bench/dir.sh, bench/size.sh, bench/sockets.sh,
# bench/realnet.sh, bench/rdns.sh; or the parts named) and writes BENCHMARKS.md from this run
# only: the date, the machine, each part's table and the exact commands. Exits 1 when a part
# failed (a run crashed or lost a target); a missed speed goal is reported in the table, not
# an exit status.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_BIN=${BENCH_BIN:-$TOP/bin/bench}
export BENCH_OUT=${BENCH_OUT:-$TOP/bin/bench/out}
export BENCH_RUNS=${BENCH_RUNS:-3}
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(scan order serve gzip dir size sockets realnet rdns)
rc=0 ran=()

rm -rf "$BENCH_OUT"
mkdir -p "$BENCH_OUT"
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
load=$(cut -d' ' -f1-3 /proc/loadavg)
for p in "${parts[@]}"; do
	[ -e "$TOP/bench/$p.sh" ] || continue
	echo "bench: $p" >&2
	if ! bash "$TOP/bench/$p.sh"; then
		echo "bench: $p FAILED" >&2
		rc=1
	fi
	ran+=("$p")
done

out="$TOP/BENCHMARKS.md"
{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $started; every figure below comes from"
	echo "that run. Re-run \`make bench\` to refresh this file."
	echo
	echo "- machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo |
		head -1)), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "- kernel: $(uname -sr); $(ldd --version 2>&1 | head -1)"
	echo "- compiler: $(${CC:-cc} --version | head -1); release flags: ${BENCH_OPT:-see GNUmakefile}"
	echo "- nmap: $(nmap --version 2>/dev/null | head -1)"
	echo "- load average when the run started: $load (other work on the machine lowers the"
	echo "  absolute figures; the ratios compare runs made side by side)"
	echo "- runs per benchmark: $BENCH_RUNS (median)"
	for p in "${ran[@]}"; do
		echo
		cat "$BENCH_OUT/$p.md" 2>/dev/null || echo "($p wrote no results: it failed)"
		if [ -s "$BENCH_OUT/$p.cmds" ]; then
			echo
			echo "Commands ($p; \$TMP is the run's scratch directory, all inside the namespace):"
			echo
			echo '```'
			cat "$BENCH_OUT/$p.cmds"
			echo '```'
		fi
	done
} >"$out.tmp" && mv "$out.tmp" "$out" || rc=1
echo "bench: wrote $out" >&2
exit "$rc"
