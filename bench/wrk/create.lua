-- wrk -t2 -c32 -d20s --latency -s bench/wrk/create.lua http://127.0.0.1:5090
-- POST productSpecification {"name":"bench spec wrk-<run>-<thread>-<n>"} as a product manager
-- (Authorization: Dev bench:productManager, the development scheme of the Development environment).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local run = os.time()
local counter = 0
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Dev bench:productManager" }
function request()
  counter = counter + 1
  local body = string.format('{"name":"bench spec wrk-%d-%d-%d"}', run, tid or 0, counter)
  return wrk.format("POST", "/tmf-api/productCatalogManagement/v4/productSpecification", headers, body)
end

function done(summary, latency, requests)
  report.done("create", summary, latency, requests)
end
