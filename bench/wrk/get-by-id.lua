-- wrk -t2 -c32 -d20s --latency -s bench/wrk/get-by-id.lua http://127.0.0.1:5090
-- GET productOffering/{id}, anonymously, round-robin over the ids in $WRK_IDS_FILE (one a line; the .NET
-- generator writes them with: Dialtone.Bench.Load <url> get-by-id 0 1 --prepare-only --write-ids <file>).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")

local ids = {}
local file = assert(io.open(os.getenv("WRK_IDS_FILE") or "ids.txt", "r"))
for line in file:lines() do
  if #line > 0 then ids[#ids + 1] = line end
end
file:close()
assert(#ids > 0, "no ids in WRK_IDS_FILE")

-- Formatted in init, not at load: wrk sets the Host header only in wrk.init, and Kestrel answers 400 without it.
local requests = {}
function init(args)
  for i, id in ipairs(ids) do
    requests[i] = wrk.format("GET", "/tmf-api/productCatalogManagement/v4/productOffering/" .. id)
  end
end

local counter = 0
function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function done(summary, latency, requests)
  report.done("get-by-id", summary, latency, requests)
end
