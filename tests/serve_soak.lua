-- tests/serve_soak.lua: wrk script for serve_soak.sh. Arguments (after wrk's "--"): the
-- paths to request in turn (starting with "/"), and @FILEs holding every body a targets
-- request may answer (each version of the file under each filter). Every response is
-- checked: a non-2xx status, a targets body that is not byte for byte one of the known
-- bodies, or a /health or /metrics body that is cut short counts as bad. done() prints
-- one "SOAK ..." line with the totals of all threads.
local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	paths, known = {}, {}
	for _, a in ipairs(args) do
		if a:sub(1, 1) ~= "@" then
			table.insert(paths, a)
		else
			local f = assert(io.open(a:sub(2), "rb"))
			known[f:read("*a")] = true
			f:close()
		end
	end
	next_path, checked, non2xx, bad, first_bad = 0, 0, 0, 0, ""
end

function request()
	next_path = next_path % #paths + 1
	return wrk.format("GET", paths[next_path])
end

local function whole(body)
	local c = body:sub(1, 1)
	if c == "[" then
		return known[body] == true
	elseif c == "{" then	-- /health: one line of JSON
		return body:sub(1, 20) == '{"status":"healthy",' and body:sub(-2) == "}\n"
	elseif c == "#" then	-- /metrics: the histogram whole, then the per-path compressions
		return body:find('scanner_http_request_duration_seconds_count{path="other"} %d+\n') ~= nil
		    and body:find('scanner_http_compressions_total{path="[^"]*"} %d+\n$') ~= nil
	end
	return false
end

function response(status, headers, body)
	checked = checked + 1
	if status < 200 or status > 299 then
		non2xx = non2xx + 1
		if first_bad == "" then first_bad = status .. " " .. body:sub(1, 200) end
	elseif not whole(body) then
		bad = bad + 1
		if first_bad == "" then first_bad = status .. " " .. body:sub(1, 200) end
	end
end

function done(summary, latency, requests)
	local c, n, b, fb = 0, 0, 0, ""
	for _, t in ipairs(threads) do
		c = c + t:get("checked")
		n = n + t:get("non2xx")
		b = b + t:get("bad")
		if fb == "" then fb = t:get("first_bad") end
	end
	local e = summary.errors
	io.write(string.format("SOAK requests=%d checked=%d non2xx=%d bad=%d connect=%d read=%d " ..
		"write=%d timeout=%d bytes=%d p99_ms=%.1f\n", summary.requests, c, n, b, e.connect,
		e.read, e.write, e.timeout, summary.bytes, latency:percentile(99) / 1000))
	if fb ~= "" then
		io.write("SOAK first bad answer: " .. fb:gsub("\n", "\\n") .. "\n")
	end
end
