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
bad "unknown flag -netwroks" -netwroks 10.0.0.0/8
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
for opt in networks ports interval workers timeout rate-limit log-level skip-broadcast output \
	config dns-cache dns-ttl no-dns dns-verify metrics-file; do
	grep -q -- "-$opt" "$TMP/help" || fail "--help does not document -$opt"
done
"$BIN/sd-scan" -version | grep -qE '^sd-scan [0-9]' || fail "-version"
exit 0
