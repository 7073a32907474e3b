-- bench/wrk_paths.lua: wrk script for the swap benchmark (bench/serve.sh): requests
-- alternate between the paths in WRK_PATHS (space-separated; the whole list and ?port=9100).
-- wrk itself checks every response: its status (non-2xx are counted) and its framing (a body
-- shorter than its Content-Length, or a connection closed early, is a read error).
function init(args)
	paths = {}
	for p in string.gmatch(os.getenv("WRK_PATHS") or "/", "%S+") do
		table.insert(paths, p)
	end
	n = 0
end

function request()
	n = n + 1
	return wrk.format("GET", paths[(n % #paths) + 1])
end
