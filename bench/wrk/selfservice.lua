-- wrk -t2 -c32 -d20s --latency -s bench/wrk/selfservice.lua http://127.0.0.1:5090
-- Self-service reads with real customer tokens, round-robin over the "token path" lines in $WRK_IDS_FILE, which the
-- .NET generator writes after signing subscribers up and in:
--   Dialtone.Bench.Load <url> selfservice-customer 0 1 --prepare-only --write-ids <file>
-- $WRK_SCENARIO names the scenario in the RESULT line.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")

local targets = {}
local file = assert(io.open(os.getenv("WRK_IDS_FILE") or "ids.txt", "r"))
for line in file:lines() do
  local token, path = line:match("^(%S+) (%S+)$")
  if token then targets[#targets + 1] = { token = token, path = path } end
end
file:close()
assert(#targets > 0, "no token lines in WRK_IDS_FILE")

local requests = {}
function init(args)
  for i, t in ipairs(targets) do
    requests[i] = wrk.format("GET", t.path, { ["Authorization"] = "Bearer " .. t.token })
  end
end

local counter = 0
function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function done(summary, latency, requests)
  report.done(os.getenv("WRK_SCENARIO") or "selfservice", summary, latency, requests)
end
