#!/usr/bin/env bash
# Legacy isolation benchmark (issue 6, see bench/README.md): the import's throughput, then self-service reads while
# legacy is down.
#
# Publishes Dialtone.Server in Release and builds LegacySim; starts LegacySim beside the server (its own SQLite file,
# seeded with CUSTOMERS customers) and the server from a fresh temporary directory (Development environment for the Dev
# auth scheme, a new SQLite database with the demo catalog and no demo subscribers, Dialtone:Legacy:BaseUrl at the sim);
# maps every legacy plan code but DATA-ONLY-5 to a demo offering; runs one import job of the whole export through the API
# (all validation, normalisation, de-duplication, encryption, migration orders of the lines) and reports customers/s;
# then switches LegacySim to a full outage (PUT /admin/faults {"outage":true}), checks that legacy-only data answers
# 503 and propagation waits, and measures the self-service reads of imported customers (profile, customer, billing
# accounts, products) with the .NET load generator (closed loop, latency percentiles from its histogram).
#
# Settings (environment variables):
#   CUSTOMERS=50000        LegacySim's customer base (the export's size)
#   BATCH_SIZE=1000        the import job's batch size (500-1000 per the issue)
#   DURATION=20            measured seconds per read scenario
#   WARMUP=5               seconds of unrecorded load before each run
#   CONCURRENCY=32         connections (closed loop)
#   SCENARIOS="legacy-profile legacy-customer legacy-accounts legacy-products"   (SCENARIOS="" measures the import only)
#   PORT=5090 LEGACY_PORT=5093
#   OUT=/tmp/dialtone-bench   prefix of the build outputs ($OUT-server, $OUT-legacysim, $OUT-load, $OUT-artifacts)
#   SKIP_PUBLISH=1         reuse $OUT-server and $OUT-legacysim
#   SERVER_ENV="..."       extra NAME=value settings for the server (e.g. DOTNET_PerfMapEnabled=1 for perf)
#   RESULTS=<file>         where the summary is also written (default <workdir>/results.txt)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$REPO/bench"
CUSTOMERS="${CUSTOMERS:-50000}"
BATCH_SIZE="${BATCH_SIZE:-1000}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
CONCURRENCY="${CONCURRENCY:-32}"
SCENARIOS="${SCENARIOS-legacy-profile legacy-customer legacy-accounts legacy-products}"
PORT="${PORT:-5090}"
LEGACY_PORT="${LEGACY_PORT:-5093}"
SERVER_ENV="${SERVER_ENV:-}"
OUT="${OUT:-/tmp/dialtone-bench}"            # build outputs (another checkout benchmarking at the same time: set OUT apart)
SERVER_OUT="$OUT-server"
LEGACY_OUT="$OUT-legacysim"
LOAD_OUT="$OUT-load"
WORK="$(mktemp -d /tmp/dialtone-bench-legacy.XXXXXX)"
RESULTS="${RESULTS:-$WORK/results.txt}"
SERVER_PID=""
LEGACY_PID=""
BASE="http://127.0.0.1:$PORT"
LEGACY="http://127.0.0.1:$LEGACY_PORT"
ADMIN=(-H "Authorization: Dev bench:admin")

# log, stop_server, retry
source "$REPO/bench/server-lib.sh"

stop_all() {
  stop_server
  if [[ -n "$LEGACY_PID" ]] && kill -0 "$LEGACY_PID" 2>/dev/null; then
    kill "$LEGACY_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$LEGACY_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$LEGACY_PID" 2>/dev/null || true
  fi
}
trap stop_all EXIT

# "<CPU ticks (user+system)> <bytes written to storage> <bytes read from storage> <bytes passed to write()>" of a process
proc_io() {
  local stat io
  stat=$(<"/proc/$1/stat"); stat=${stat##*) }
  io=$(cat "/proc/$1/io")
  echo "$(awk '{print $12 + $13}' <<<"$stat") $(awk '/^write_bytes/ {print $2}' <<<"$io") $(awk '/^read_bytes/ {print $2}' <<<"$io") $(awk '/^wchar/ {print $2}' <<<"$io")"
}

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }

# --- machine -----------------------------------------------------------------------------------------------------------
{
  echo "date       $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine    $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -m | awk '/Mem:/ {printf "%.1f", $2 / 1024}') GiB, Debian $(cat /etc/debian_version)"
  echo "runtime    $(dotnet --list-runtimes | grep Microsoft.AspNetCore.App | awk '{print $1" "$2}' | tr '\n' ' ')"
  echo "source     $(git -C "$REPO" rev-parse --short HEAD) (+ $(git -C "$REPO" status --porcelain -- src | wc -l) uncommitted changes under src/)"
  echo "settings   $CUSTOMERS legacy customers, batch $BATCH_SIZE; reads ${DURATION}s after ${WARMUP}s warm-up at $CONCURRENCY connections (.NET generator)"
  echo "load       $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) before the run"
} | tee "$WORK/machine.txt" >&2

# --- build -------------------------------------------------------------------------------------------------------------
if [[ "${SKIP_PUBLISH:-0}" != 1 ]]; then
  log "publishing Dialtone.Server (Release) to $SERVER_OUT and LegacySim to $LEGACY_OUT"
  retry dotnet publish "$REPO/src/Dialtone.Server" -c Release -o "$SERVER_OUT" --artifacts-path "$OUT-artifacts"
  retry dotnet publish "$REPO/tools/LegacySim/Dialtone.LegacySim" -c Release -o "$LEGACY_OUT" --artifacts-path "$OUT-artifacts"
fi
log "building the load generator"
retry dotnet build "$BENCH/Dialtone.Bench.Load" -c Release -o "$LOAD_OUT"

# --- LegacySim ---------------------------------------------------------------------------------------------------------
log "starting LegacySim with $CUSTOMERS customers on $LEGACY"
mkdir -p "$WORK/legacy"
(cd "$WORK/legacy" && exec dotnet "$LEGACY_OUT/Dialtone.LegacySim.dll" --urls "$LEGACY" --data "$WORK/legacy/legacy.db" --customers "$CUSTOMERS" --seed 1) \
  >"$WORK/legacy/legacy.log" 2>&1 &
LEGACY_PID=$!
for _ in $(seq 1 600); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$LEGACY/health")" == 200 ]] && break
  kill -0 "$LEGACY_PID" 2>/dev/null || { cat "$WORK/legacy/legacy.log" >&2; echo "LegacySim exited" >&2; exit 1; }
  sleep 0.5
done
log "LegacySim ready: $(curl -s "$LEGACY/admin/dataset")"

# --- server ------------------------------------------------------------------------------------------------------------
dir="$WORK/server"
mkdir -p "$dir"
log "starting Dialtone.Server in $dir"
(
  cd "$dir"
  exec env ASPNETCORE_ENVIRONMENT=Development \
    "Dialtone__DataDirectory=$dir/data" \
    "Logging__LogLevel__Microsoft.AspNetCore=Warning" \
    "Dialtone__DemoSubscribers=0" "Dialtone__Identity__RequestsPerWindow=1000000" \
    "Dialtone__Legacy__BaseUrl=$LEGACY/" \
    $SERVER_ENV \
    dotnet "$SERVER_OUT/Dialtone.Server.dll" --urls "$BASE"
) >"$dir/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/ready")" == 200 ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$dir/server.log" >&2; echo "server exited" >&2; exit 1; }
  sleep 0.5
done
offering() {
  local id=""
  for _ in $(seq 1 120); do
    id=$(curl -s "$BASE/tmf-api/productCatalogManagement/v4/productOffering?name=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1")&fields=id" | json 'd[0]["id"] if d else ""')
    [[ -n "$id" ]] && break
    sleep 1
  done
  [[ -n "$id" ]] || { echo "the demo offering '$1' never appeared" >&2; exit 1; }
  echo "$id"
}
start=$(offering "5G Start 10 GB"); plus=$(offering "5G Plus 40 GB"); max=$(offering "5G Max 120 GB")
unlimited=$(offering "5G Unlimited"); prepaid=$(offering "Dialtone Prepaid")
curl -sf -X PUT "${ADMIN[@]}" -H 'Content-Type: application/json' "$BASE/admin/legacy/planMappings" -d "{\"mappings\":[
  {\"legacyPlanCode\":\"PLN-S10\",\"productOfferingId\":\"$start\"},{\"legacyPlanCode\":\"TAR2009X\",\"productOfferingId\":\"$start\"},
  {\"legacyPlanCode\":\"PLN-M25\",\"productOfferingId\":\"$plus\"},{\"legacyPlanCode\":\"BIZ-PRO\",\"productOfferingId\":\"$plus\"},
  {\"legacyPlanCode\":\"PLN-L50\",\"productOfferingId\":\"$max\"},{\"legacyPlanCode\":\"OLD_UNLTD\",\"productOfferingId\":\"$unlimited\"},
  {\"legacyPlanCode\":\"PP_BASIC\",\"productOfferingId\":\"$prepaid\"}]}" >/dev/null
log "server ready, plan codes mapped"

# --- import ------------------------------------------------------------------------------------------------------------
job=$(curl -sf -X POST "${ADMIN[@]}" -H 'Content-Type: application/json' "$BASE/admin/legacy/importJobs" -d "{\"source\":\"legacySystem\",\"batchSize\":$BATCH_SIZE}" | json 'd["id"]')
io_before=$(proc_io "$SERVER_PID")
log "import job $job started"
# Polled every second (the CPU and disk window closes within a second of the end), progress logged every 10 polls; the
# wall time is the job's own, from its createdAt to its finishedAt (a poll's granularity is not in it).
polls=0
while :; do
  view=$(curl -sf "${ADMIN[@]}" "$BASE/admin/legacy/importJobs/$job")
  state=$(json 'd["state"]' <<<"$view")
  [[ "$state" == completed || "$state" == failed ]] && break
  (( polls++ % 10 == 0 )) && log "import: $(json '"%s rows %s/%s, %s rows/s, ETA %s s" % (d["state"], d["rowsRead"], d["rowsTotal"], d["rowsPerSecond"], d.get("etaSeconds"))' <<<"$view")"
  sleep 1
done
io_after=$(proc_io "$SERVER_PID")
echo "$view" >"$WORK/import-job.json"
[[ "$state" == completed ]] || { echo "the import failed: $view" >&2; exit 1; }
wall=$(json '"%.1f" % (__import__("datetime").datetime.fromisoformat(d["finishedAt"].replace("Z", "+00:00")) - __import__("datetime").datetime.fromisoformat(d["createdAt"].replace("Z", "+00:00"))).total_seconds()' <<<"$view")
customers=$(json 'd["customersImported"]' <<<"$view")
{
  echo "import     $(json '"%d legacy records -> %d customers (%d merged, %d rejected records), %d billing accounts, lines %d migrated / %d rejected / %d terminated" % (d["legacyRecords"], d["customersImported"], d["duplicatesMerged"], d["rejectedRecords"], d["billingAccountsImported"], d["lines"]["imported"], d["lines"]["rejected"], d["lines"]["terminated"])' <<<"$view")"
  echo "import     wall ${wall}s from POST to completed (spool, translation, every batch): $(awk -v c="$customers" -v w="$wall" 'BEGIN {printf "%.0f", c / w}') customers/s;" \
       "the job's own loading rate: $(json 'd["customersPerSecond"]' <<<"$view") customers/s, $(json 'd["rowsPerSecond"]' <<<"$view") rows/s"
  echo "server     $(awk -v a="$io_before" -v b="$io_after" -v c="$customers" -v tck="$(getconf CLK_TCK)" 'BEGIN {
      split(a, x, " "); split(b, y, " "); cpu = (y[1] - x[1]) / tck; wb = (y[2] - x[2]) / 1048576; rb = (y[3] - x[3]) / 1048576; wc = (y[4] - x[4]) / 1048576
      printf "%.1f s CPU during the import (%.2f ms a customer); written to disk %.0f MiB (%.1f KiB a customer), read from disk %.0f MiB, write() calls %.0f MiB", cpu, cpu * 1000 / c, wb, wb * 1024 / c, rb, wc }')"
  echo "load       $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) after the import"
} | tee -a "$RESULTS" "$WORK/machine.txt" >&2

# --- legacy down -------------------------------------------------------------------------------------------------------
curl -sf -X PUT -H 'Content-Type: application/json' "$LEGACY/admin/faults" -d '{"outage":true}' >/dev/null
customer=$(curl -sf "${ADMIN[@]}" "$BASE/tmf-api/customerManagement/v4/customer?limit=1&fields=id" | json 'd[0]["id"]')
bills=$(curl -s -o /dev/null -w '%{http_code}' "${ADMIN[@]}" "$BASE/legacy/customers/$customer/billHistory")
log "legacy is down: a bill history read through it answers $bills (503 expected: nothing cached)"
echo "outage     LegacySim PUT /admin/faults {\"outage\":true}; GET billHistory (legacy-only data) answered $bills" | tee -a "$WORK/machine.txt" >&2

run_one() {
  local scenario="$1"
  local out="$WORK/dotnet-$scenario.txt"
  log "$scenario: ${WARMUP}s warm-up + ${DURATION}s at $CONCURRENCY connections"
  dotnet "$LOAD_OUT/Dialtone.Bench.Load.dll" "$BASE" "$scenario" "$DURATION" "$CONCURRENCY" --warmup "$WARMUP" >"$out" 2>"$out.err" || true
  cat "$out" >&2
  local result; result=$(grep '^RESULT' "$out" | sed 's/^RESULT //') || { echo "no RESULT from $scenario" >&2; cat "$out.err" >&2; return 1; }
  echo "reads $result load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$RESULTS" >&2
}

for scenario in $SCENARIOS; do
  run_one "$scenario"
done
propagation=$(curl -sf "${ADMIN[@]}" "$BASE/admin/legacy/propagation")
log "propagation after the reads: $propagation"
log "server log: $(grep -c '"LogLevel":"\(Warning\|Error\|Critical\)"' "$dir/server.log" || true) warnings/errors in $(wc -l <"$dir/server.log") lines"

# --- summary -----------------------------------------------------------------------------------------------------------
echo
cat "$WORK/machine.txt"
echo
printf '%-7s %-16s %9s %8s %8s %8s %8s %7s %6s\n' tool scenario req/s p50_ms p90_ms p99_ms max_ms non2xx load
awk '$1 == "reads" {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  printf "%-7s %-16s %9s %8s %8s %8s %8s %7s %6s\n", v["tool"], v["scenario"], v["rps"], v["p50_ms"], v["p90_ms"], v["p99_ms"], v["max_ms"], v["non2xx"], v["load"]
}' "$RESULTS"
echo
echo "All reads ran with LegacySim in a full outage. Raw output: $WORK"
