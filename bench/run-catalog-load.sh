#!/usr/bin/env bash
# Load benchmark of the TMF620 catalog API (see bench/README.md).
#
# Publishes Dialtone.Server in Release, starts it from a fresh temporary directory (Development environment for the
# Dev auth scheme, a new SQLite database seeded with the demo catalog but no demo subscribers, sign-up and login limits
# lifted for the preparation of the self-service scenarios, telemetry as the app configures it), waits until
# it is ready and the demo catalog is there, runs each scenario with the .NET load generator (and wrk when installed),
# prints a table and stops the server. Optional extra passes: the same GET by id with OTEL_SDK_DISABLED=true, and a bare
# ASP.NET Core JSON GET (the ceiling of this machine).
#
# Settings (environment variables):
#   DURATION=20            measured seconds per run
#   WARMUP=5               seconds of unrecorded load before each run (same scenario, same tool)
#   CONCURRENCY=32         connections (closed loop: one request in flight per connection)
#   SCENARIOS="get-by-id list-filtered create"   in this order; create last, it grows the database. Also:
#                          selfservice-customer, selfservice-accounts (customer tokens; sign-ups in the preparation)
#   TOOLS="dotnet wrk"     wrk is skipped when not installed (apt-get install -y wrk)
#   WRK_THREADS=2
#   COMPARE_NO_TELEMETRY=1 restart the server with OTEL_SDK_DISABLED=true and rerun get-by-id
#   BASELINE=1             also measure bench/Dialtone.Bench.Baseline (bare JSON GET)
#   QUIET_WAIT=45          seconds to wait, before each run, for other processes to leave the CPUs idle
#   PORT=5090 BASELINE_PORT=5091
#   SKIP_PUBLISH=1         reuse /tmp/dialtone-bench-server
#   RESULTS=<file>         where the summary table is also written (default <workdir>/results.txt)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$REPO/bench"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
CONCURRENCY="${CONCURRENCY:-32}"
SCENARIOS="${SCENARIOS:-get-by-id list-filtered create}"
TOOLS="${TOOLS:-dotnet wrk}"
WRK_THREADS="${WRK_THREADS:-2}"
COMPARE_NO_TELEMETRY="${COMPARE_NO_TELEMETRY:-1}"
BASELINE="${BASELINE:-1}"
QUIET_WAIT="${QUIET_WAIT:-45}"
PORT="${PORT:-5090}"
BASELINE_PORT="${BASELINE_PORT:-5091}"
SERVER_OUT=/tmp/dialtone-bench-server
LOAD_OUT=/tmp/dialtone-bench-load
BASELINE_OUT=/tmp/dialtone-bench-baseline
WORK="$(mktemp -d /tmp/dialtone-bench.XXXXXX)"
RESULTS="${RESULTS:-$WORK/results.txt}"
CLK_TCK="$(getconf CLK_TCK)"
SERVER_PID=""

# log, stop_server, retry
source "$REPO/bench/server-lib.sh"

if ! command -v wrk >/dev/null; then
  log "wrk is not installed (apt-get install -y wrk): measuring with the .NET generator only"
  TOOLS="${TOOLS//wrk/}"
fi

trap stop_server EXIT


# --- machine -----------------------------------------------------------------------------------------------------------
{
  echo "date       $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine    $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -m | awk '/Mem:/ {printf "%.1f", $2 / 1024}') GiB, Debian $(cat /etc/debian_version)"
  echo "runtime    $(dotnet --list-runtimes | grep Microsoft.AspNetCore.App | awk '{print $1" "$2}' | tr '\n' ' ')"
  echo "source     $(git -C "$REPO" rev-parse --short HEAD) (+ $(git -C "$REPO" status --porcelain -- src | wc -l) uncommitted changes under src/)"
  echo "settings   duration ${DURATION}s, warm-up ${WARMUP}s, concurrency $CONCURRENCY, tools: $TOOLS"
} | tee "$WORK/machine.txt" >&2

# --- build -------------------------------------------------------------------------------------------------------------
if [[ "${SKIP_PUBLISH:-0}" != 1 ]]; then
  log "publishing Dialtone.Server (Release) to $SERVER_OUT"
  # Intermediate files go under /tmp (--artifacts-path) so that this does not touch src/*/obj while others build.
  retry dotnet publish "$REPO/src/Dialtone.Server" -c Release -o "$SERVER_OUT" --artifacts-path /tmp/dialtone-bench-artifacts
fi
log "building the load generator"
retry dotnet build "$BENCH/Dialtone.Bench.Load" -c Release -o "$LOAD_OUT"
if [[ "$BASELINE" == 1 ]]; then
  retry dotnet build "$BENCH/Dialtone.Bench.Baseline" -c Release -o "$BASELINE_OUT"
fi

# --- CPU accounting ------------------------------------------------------------------------------------------------------
cpu_busy_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }   # user nice system irq softirq steal
proc_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }   # utime + stime (fields 14, 15)

# Waits (up to QUIET_WAIT s) until the machine, with our server idle, uses less than 0.25 of a core.
wait_quiet() {
  local waited=0 before after busy
  while :; do
    before=$(cpu_busy_ticks); sleep 1; after=$(cpu_busy_ticks)
    busy=$(( (after - before) * 100 / CLK_TCK ))   # percent of one core
    if (( busy < 25 )); then
      (( waited > 0 )) && log "machine quiet after ${waited}s"
      return 0
    fi
    if (( waited >= QUIET_WAIT )); then
      log "machine still busy (${busy}% of a core used by other processes) after ${waited}s: measuring anyway"
      return 0
    fi
    waited=$((waited + 1))
  done
}

# --- server ------------------------------------------------------------------------------------------------------------
# start_server <label> [extra env...]: a fresh working directory and database each time.
start_server() {
  local label="$1"; shift
  local dir="$WORK/server-$label"
  mkdir -p "$dir"
  log "starting Dialtone.Server ($label) in $dir"
  (
    cd "$dir"
    exec env ASPNETCORE_ENVIRONMENT=Development \
      "Dialtone__DataDirectory=$dir/data" \
      "Logging__LogLevel__Microsoft.AspNetCore=Warning" \
      "Dialtone__DemoSubscribers=0" "Dialtone__Identity__RequestsPerWindow=1000000" \
      "$@" \
      dotnet "$SERVER_OUT/Dialtone.Server.dll" --urls "http://127.0.0.1:$PORT"
  ) >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  local base="http://127.0.0.1:$PORT"
  for _ in $(seq 1 240); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready")" == 200 ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$dir/server.log" >&2; echo "server exited" >&2; exit 1; }
    sleep 0.5
  done
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready")" == 200 ]] || { echo "server not ready after 120 s" >&2; exit 1; }
  # The demo catalog is seeded in the background on first start: wait until the offering count is there and stable.
  local count=0 previous=-1
  for _ in $(seq 1 120); do
    count=$(curl -s -D - -o /dev/null "$base/tmf-api/productCatalogManagement/v4/productOffering?limit=1" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-total-count" {print $2}')
    count=${count:-0}
    if (( count > 0 && count == previous )); then break; fi
    previous=$count
    sleep 1
  done
  (( count > 0 )) || { echo "the demo catalog has no offering after 120 s" >&2; exit 1; }
  log "ready: $count orderable offerings; traceresponse header: $(curl -s -D - -o /dev/null "$base/tmf-api/productCatalogManagement/v4/productOffering?limit=1" | grep -ci '^traceresponse' || true), /metrics lines: $(curl -s "$base/metrics" | grep -vc '^#' || true)"
}

# --- one run -----------------------------------------------------------------------------------------------------------
# run_one <label> <tool> <scenario> <base url> <server pid>
run_one() {
  local label="$1" tool="$2" scenario="$3" base="$4" pid="$5"
  local out="$WORK/$label-$tool-$scenario.txt" ids="$WORK/ids.txt"
  local wrk_script="$BENCH/wrk/$scenario.lua"
  [[ "$scenario" == bare-json ]] && wrk_script="$BENCH/wrk/baseline.lua"
  [[ "$scenario" == selfservice-* ]] && wrk_script="$BENCH/wrk/selfservice.lua"
  if [[ "$tool" == wrk && ( "$scenario" == get-by-id || "$scenario" == selfservice-* ) ]]; then
    dotnet "$LOAD_OUT/Dialtone.Bench.Load.dll" "$base" "$scenario" 0 1 --prepare-only --write-ids "$ids" >/dev/null
  fi
  wait_quiet
  log "$label: $tool $scenario, ${WARMUP}s warm-up + ${DURATION}s at $CONCURRENCY connections"
  # Warm-up: the same load from the same tool, not recorded, so that the measured window below holds only measured load.
  if [[ "$tool" == wrk ]]; then
    WRK_IDS_FILE="$ids" WRK_SCENARIO="$scenario" wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -d"${WARMUP}s" --timeout 10s -s "$wrk_script" "$base" >/dev/null
  else
    dotnet "$LOAD_OUT/Dialtone.Bench.Load.dll" "$base" "$scenario" "$WARMUP" "$CONCURRENCY" --warmup 0 >/dev/null || true
  fi
  local server_before busy_before start_ns client_cpu
  server_before=$(proc_ticks "$pid"); busy_before=$(cpu_busy_ticks); start_ns=$(date +%s%N)
  local TIMEFORMAT='%U %S'
  if [[ "$tool" == wrk ]]; then
    { time WRK_IDS_FILE="$ids" WRK_SCENARIO="$scenario" WRK_CONNECTIONS="$CONCURRENCY" wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -d"${DURATION}s" --latency --timeout 10s -s "$wrk_script" "$base" >"$out" 2>"$out.err"; } 2>"$out.time"
  else
    { time dotnet "$LOAD_OUT/Dialtone.Bench.Load.dll" "$base" "$scenario" "$DURATION" "$CONCURRENCY" --warmup 0 >"$out" 2>"$out.err" || true; } 2>"$out.time"
  fi
  local server_after busy_after end_ns
  server_after=$(proc_ticks "$pid"); busy_after=$(cpu_busy_ticks); end_ns=$(date +%s%N)
  cat "$out" >&2
  local result; result=$(grep '^RESULT' "$out" | sed 's/^RESULT //') || { echo "no RESULT from $tool $scenario" >&2; return 1; }
  local requests; requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$result")
  # CPU over the measured window: cores used by the server, by the load generator (its process start included) and by
  # everything else on the machine; and the server's CPU time per request, which does not depend on who else is busy.
  awk -v s0="$server_before" -v s1="$server_after" -v b0="$busy_before" -v b1="$busy_after" -v t0="$start_ns" -v t1="$end_ns" \
      -v hz="$CLK_TCK" -v req="$requests" -v label="$label" -v res="$result" \
      -v ct="$(cat "$out.time")" '
    BEGIN {
      wall = (t1 - t0) / 1e9
      server = (s1 - s0) / hz; total = (b1 - b0) / hz
      split(ct, c, " "); client = c[1] + c[2]
      other = total - server - client; if (other < 0) other = 0
      us_per_req = (req > 0) ? server / req * 1e6 : 0
      printf "%s %s server_cores=%.2f client_cores=%.2f other_cores=%.2f server_us_per_req=%.0f\n",
        label, res, server / wall, client / wall, other / wall, us_per_req
    }' | tee -a "$RESULTS" >&2
}

: >"$RESULTS"
base="http://127.0.0.1:$PORT"

start_server telemetry
for scenario in $SCENARIOS; do
  for tool in $TOOLS; do
    run_one telemetry "$tool" "$scenario" "$base" "$SERVER_PID"
  done
done
log "server log: $(grep -c '"LogLevel":"\(Warning\|Error\|Critical\)"' "$WORK/server-telemetry/server.log" || true) warnings/errors in $(wc -l <"$WORK/server-telemetry/server.log") lines"
stop_server

if [[ "$COMPARE_NO_TELEMETRY" == 1 ]] && [[ " $SCENARIOS " == *" get-by-id "* ]]; then
  start_server no-telemetry OTEL_SDK_DISABLED=true
  for tool in $TOOLS; do
    run_one no-telemetry "$tool" get-by-id "$base" "$SERVER_PID"
  done
  stop_server
fi

if [[ "$BASELINE" == 1 ]]; then
  log "starting the bare ASP.NET Core baseline on $BASELINE_PORT"
  (exec dotnet "$BASELINE_OUT/Dialtone.Bench.Baseline.dll" --urls "http://127.0.0.1:$BASELINE_PORT") >"$WORK/baseline.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 60); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BASELINE_PORT/json")" == 200 ]] && break
    sleep 0.5
  done
  for tool in $TOOLS; do
    run_one baseline "$tool" bare-json "http://127.0.0.1:$BASELINE_PORT" "$SERVER_PID"
  done
  stop_server
fi

# --- summary -----------------------------------------------------------------------------------------------------------
echo
cat "$WORK/machine.txt"
echo
printf '%-13s %-7s %-14s %9s %8s %8s %8s %8s %7s %7s %7s %7s %8s\n' \
  server tool scenario req/s p50_ms p90_ms p99_ms max_ms non2xx srv_cpu gen_cpu other us/req
awk '{
  for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  printf "%-13s %-7s %-14s %9s %8s %8s %8s %8s %7s %7s %7s %7s %8s\n",
    $1, v["tool"], v["scenario"], v["rps"], v["p50_ms"], v["p90_ms"], v["p99_ms"], v["max_ms"], v["non2xx"],
    v["server_cores"], v["client_cores"], v["other_cores"], v["server_us_per_req"]
}' "$RESULTS"
echo
echo "srv_cpu/gen_cpu/other: cores (of $(nproc)) used by the server, the load generator and every other process during the run;"
echo "us/req: server CPU time per measured request. Raw output: $WORK"
