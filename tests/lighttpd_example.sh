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

# lighttpd_example_at SD_SERVE PORT MOUNT: the example mounted at MOUNT instead of /sd, with
# a socket of its own (named by a checksum of MOUNT: a socket path must be short): at "/" as
# its header says (no $HTTP["url"] condition, and "fix-root-scriptname" on), at any other
# path (letters, digits, '-', '_', '/') in both the condition and fastcgi.server.
lighttpd_example_at() {
	if [ "$3" = / ]; then
		lighttpd_example "$1" "$2" |
			sed -e 's|^\t\t"/sd" => ((|\t\t"/" => ((|' -e '/^\$HTTP\["url"\]/d' \
			    -e '/^}\t# \$HTTP\["url"\]$/d' \
			    -e 's|#"fix-root-scriptname"|"fix-root-scriptname"|' -e 's|/sd-serve.sock"|/root.sock"|'
	else
		lighttpd_example "$1" "$2" |
			sed -E -e "s#\"\\^/sd\(/\|\\\$\)\"#\"^$3(/|\$)\"#" -e "s|\"/sd\" =>|\"$3\" =>|" \
			    -e "s|/sd-serve.sock\"|/sd-at-$(printf %s "$3" | cksum | cut -d' ' -f1).sock\"|"
	fi
}
