# tests/lighttpd_example.sh: lighttpd_example SD_SERVE PORT prints the top-level
# lighttpd.conf.example with only its paths (under $TMP), port and bind address replaced,
# so tests and benchmarks run the shipped config as written. Sourced by tests/lib.sh and
# bench/serve.sh; needs TOP and TMP.
lighttpd_example() {
	sed -e "s|^var.sd_serve = .*|var.sd_serve = \"$1\"|" \
	    -e "s|^var.sd_state = .*|var.sd_state = \"$TMP/state\"|" \
	    -e "s|^var.sd_run   = .*|var.sd_run   = \"$TMP/run\"|" \
	    -e "s|^var.sd_www   = .*|var.sd_www   = \"$TMP/www\"|" \
	    -e "s|^server.port .*|server.port = $2|" \
	    -e "s|^server.bind .*|server.bind = \"127.0.0.1\"|" "$TOP/lighttpd.conf.example"
}
