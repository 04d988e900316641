-- Shared by the scenario scripts: prints wrk's figures as one RESULT line in the same shape as the .NET generator's.
local M = {}

function M.done(scenario, summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  local transport = errors.connect + errors.read + errors.write + errors.timeout
  local function ms(us) return string.format("%.2f", us / 1000) end
  io.write(string.format(
    "RESULT tool=wrk scenario=%s concurrency=%s seconds=%.1f requests=%d rps=%.0f p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s non2xx=%d client_cpu_pct=?\n",
    scenario, os.getenv("WRK_CONNECTIONS") or "?", seconds, summary.requests, summary.requests / seconds,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency.max),
    errors.status + transport))
end

return M
