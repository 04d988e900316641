-- wrk -t2 -c32 -d20s --latency -s bench/wrk/list-filtered.lua http://127.0.0.1:5090
-- GET productOffering?lifecycleStatus=Launched,Active&limit=20&sort=name, anonymously.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")

wrk.method = "GET"
wrk.path = "/tmf-api/productCatalogManagement/v4/productOffering?lifecycleStatus=Launched,Active&limit=20&sort=name"

function done(summary, latency, requests)
  report.done("list-filtered", summary, latency, requests)
end
