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

# lighttpd_example_sendfile SD_SERVE PORT MOUNT: the example's $HTTP["url"] block with its
# fastcgi.server again, mounted at MOUNT ("/xs") with a socket and a stats file of its own
# and its send-file lines uncommented.
lighttpd_example_sendfile() {
	lighttpd_example "$1" "$2" | sed -n '/^\$HTTP\["url"\]/,/^}/p' |
		sed -E -e "s#\"\\^/sd\(/\|\\\$\)\"#\"^$3(/|\$)\"#" -e "s|\"/sd\" =>|\"$3\" =>|" \
		    -e "s|/sd-serve.sock\"|/sd-serve${3//\//-}.sock\"|" \
		    -e "s|/sd-serve.stats\"|/sd-serve${3//\//-}.stats\"|" \
		    -e 's/^([[:space:]]*)#("x-sendfile|"SCANNER_SENDFILE|"SCANNER_CACHE_DIR)/\1\2/'
}
