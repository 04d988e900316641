-- wrk -t2 -c32 -d20s --latency -s bench/wrk/baseline.lua http://127.0.0.1:5091
-- GET /json on the bare ASP.NET Core app (bench/Dialtone.Bench.Baseline): the ceiling on this machine.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")

wrk.path = "/json"

function done(summary, latency, requests)
  report.done("bare-json", summary, latency, requests)
end
