#!/usr/bin/env bash
# scan_cli.sh: sd-scan's command line: one clear line and exit status 2 for every kind of bad
# input, --help documents every option, the config file and environment rules. Sends no packet.
. "$(dirname "$0")/../lib.sh"

bad() { expect_exit 2 "$1" "$BIN/sd-scan" -output "$TMP/t.json" "${@:2}"; }	# bad WANT ARGS...
bad "network '10.0.0.0/33': prefix length" -networks 10.0.0.0/33
bad "network '10.0.0.256/24': not an IPv4" -networks 10.0.0.256/24
bad "empty network" -networks ""
bad "empty network" -networks "10.0.0.0/24,"
bad "port '0'" -ports 0
bad "port '65536'" -ports 65536
bad "runs backwards" -ports 9105-9100
bad "empty port" -ports ""
bad "bad -rate-limit '-5'" -rate-limit -5
bad "bad -workers '-1'" -workers -1
bad "duration needs a unit" -timeout 5
bad "above zero" -interval 0s
bad "unknown flag -netwroks (did you mean -networks?)" -netwroks 10.0.0.0/8
# a space for a comma: said so, not "prefix length must be 0 to 32"
bad "network '10.0.0.0/24 10.0.1.0/24': separate networks with commas, not spaces" \
	-networks "10.0.0.0/24 10.0.1.0/24"
bad "port '9100 9200': separate ports with commas" -ports "9100 9200"
bad "needs a value" -ports
bad "unexpected argument" 10.0.0.0/8
# a newline in a bad value (found by fuzz_cidr/fuzz_options) is shown as '?': still one line
bad "network '10.0.0.0/8?fake: line'" -networks $'10.0.0.0/8\nfake: line'
bad "unexpected argument 'x?y'" $'x\ny'
SCANNER_PORTS=x bad "(from SCANNER_PORTS)" -ports 9100
SCANNER_TIMEOUT=0 "$BIN/sd-scan" 2> "$TMP/err"; assert_eq "bad env" 2 $?
grep -q "from SCANNER_TIMEOUT" "$TMP/err" || fail "env error does not name the variable"
printf 'SCANNER_PORTS=9100\nSCANNER_BOGUS=1\n' > "$TMP/conf"
"$BIN/sd-scan" -config "$TMP/conf" 2> "$TMP/err"; assert_eq "unknown config key" 2 $?
grep -q "line 2: unknown key SCANNER_BOGUS" "$TMP/err" || fail "config error: $(cat "$TMP/err")"
# a typo of a key suggests the nearest one; an inline comment is named as such
printf 'SCANNER_PORTS=9100\nSCANNER_RATELIMIT=5\n' > "$TMP/conf"
expect_exit 2 "line 2: unknown key SCANNER_RATELIMIT (did you mean SCANNER_RATE_LIMIT?)" \
	"$BIN/sd-scan" -config "$TMP/conf"
printf 'SCANNER_NETWORKS=10.0.0.0/24 # the office\n' > "$TMP/conf"
expect_exit 2 "line 1: inline '# comment' after a value" "$BIN/sd-scan" -config "$TMP/conf"

# -log-level debug shows every value and where it came from. The lock cannot be taken
# (/nonexistent), so no probe is sent; that path still writes the metrics file: in $TMP,
# never the default /var/lib/sd-scan/sd-scan.prom of a host where sd-scan is installed
printf 'SCANNER_PORTS=9100\nSCANNER_NETWORKS=127.0.0.1/32\n' > "$TMP/conf"
SCANNER_RATE_LIMIT=7 "$BIN/sd-scan" -config "$TMP/conf" -timeout 2s -log-level debug \
	-output /nonexistent/t.json -metrics-file "$TMP/lockfail.prom" 2> "$TMP/dbg"
grep -q '^scanner_last_scan_success 0' "$TMP/lockfail.prom" ||
	fail "the lock failure did not write its metrics to -metrics-file: $(cat "$TMP/dbg")"
grep -q "config ports=\"9100\" (from config $TMP/conf:1)" "$TMP/dbg" || fail "origin of ports: $(cat "$TMP/dbg")"
grep -q 'config timeout="2s" (from flag -timeout)' "$TMP/dbg" || fail "origin of timeout"
grep -q 'config rate-limit="7" (from SCANNER_RATE_LIMIT)' "$TMP/dbg" || fail "origin of rate-limit"

# --help names every option of the table that sd-scan uses; --version prints one line
"$BIN/sd-scan" --help > "$TMP/help" || fail "--help exited $?"
for opt in networks ports interval workers timeout rate-limit log-level skip-broadcast ipv6-max-prefix output \
	config dns-cache dns-ttl no-dns dns-verify metrics-file; do
	grep -q -- "-$opt" "$TMP/help" || fail "--help does not document -$opt"
done
"$BIN/sd-scan" -version | grep -qE '^sd-scan [0-9]' || fail "-version"
# --help says how the in-flight count is sized, and -dry-run shows the code sizes it so:
# ceil(1.25 x 100/s x 2s) + 16 = 266
grep -q "0: 1.25 x rate-limit x timeout + 16" "$TMP/help" || fail "--help: in-flight sizing"
mkdir -p "$TMP/out"
"$BIN/sd-scan" -dry-run -rate-limit 100 -timeout 2s -output "$TMP/out/t.json" \
	-metrics-file "$TMP/out/m.prom" > "$TMP/plan" || fail "-dry-run exited $?"
grep -q '^probes in flight: 266 (1.25 x rate-limit 100/s x timeout 2s + 16)$' "$TMP/plan" ||
	fail "-dry-run in flight: $(grep flight "$TMP/plan")"
"$BIN/sd-scan" -dry-run -rate-limit 0 -output "$TMP/out/t.json" -metrics-file "$TMP/out/m.prom" |
	grep -q '^probes in flight: 16384 ' || fail "-dry-run in flight at -rate-limit 0"

# -check: every value and its origin on stdout, exit 0; a problem: exit 2, one line on stderr
# naming the option, the directory and where the value came from; nothing is written
printf 'SCANNER_PORTS=9100\n' > "$TMP/conf"
SCANNER_RATE_LIMIT=7 "$BIN/sd-scan" -check -config "$TMP/conf" -timeout 2s \
	-output "$TMP/out/t.json" -metrics-file "$TMP/out/m.prom" > "$TMP/check" 2> "$TMP/check.err" ||
	fail "-check of a good configuration exited $?: $(cat "$TMP/check.err")"
for want in "ports              = \"9100\" (config $TMP/conf:1)" \
	'timeout            = "2s" (flag -timeout)' 'rate-limit         = "7" (SCANNER_RATE_LIMIT)' \
	'networks           = "127.0.0.1/32" (default)' "ok:    -output $TMP/out/t.json: can be written" \
	'sd-scan -check: configuration valid'; do
	grep -qF -- "$want" "$TMP/check" || fail "-check does not say '$want': $(cat "$TMP/check")"
done
[ -s "$TMP/check.err" ] && fail "-check of a good configuration wrote to stderr: $(cat "$TMP/check.err")"
[ "$(ls -A "$TMP/out")" = "" ] || fail "-check or -dry-run wrote a file: $(ls -A "$TMP/out")"
check_bad() {	# check_bad WANT ARGS...: -check exits 2, WANT is the one line on stderr
	"$BIN/sd-scan" -check "${@:2}" > "$TMP/check" 2> "$TMP/check.err"
	assert_eq "-check exit status for $*" 2 "$?"
	[ "$(wc -l < "$TMP/check.err")" = 1 ] || fail "-check $*: stderr is not one line: $(cat "$TMP/check.err")"
	grep -qF -- "$1" "$TMP/check.err" || fail "-check $*: expected '$1' in: $(cat "$TMP/check.err")"
	grep -q 'configuration not valid' "$TMP/check" || fail "-check $*: no verdict: $(cat "$TMP/check")"
}
check_bad "bad -output '$TMP/gone/t.json' (from flag -output): directory $TMP/gone does not exist" \
	-output "$TMP/gone/t.json" -metrics-file "$TMP/out/m.prom"
check_bad "bad -output '$TMP/out' (from flag -output): $TMP/out is a directory" \
	-output "$TMP/out" -metrics-file "$TMP/out/m.prom"
# the environment outranks the flag, and the message says which it was
SCANNER_METRICS_FILE="$TMP/gone/m.prom" check_bad \
	"bad -metrics-file '$TMP/gone/m.prom' (from SCANNER_METRICS_FILE): directory $TMP/gone does not exist" \
	-output "$TMP/out/t.json" -metrics-file "$TMP/out/m.prom"
check_bad "bad -timeout '5'" -timeout 5 -output "$TMP/out/t.json"
grep -q 'timeout            = "5" (flag -timeout)' "$TMP/check" || fail "-check of a bad value shows no values"
exit 0
