#!/usr/bin/env bash
# Cheap CPU profile of one scenario under load (default GET productOffering/{id}; SCENARIO=selfservice-accounts and
# the other scenarios with a wrk script work too): perf with the runtime's perf map (managed frame names).
# Needs: perf (apt-get install -y linux-perf), wrk, a published server in /tmp/dialtone-bench-server and the load
# generator in /tmp/dialtone-bench-load (bench/run-catalog-load.sh builds both).
#
#   WARMUP=20 SECONDS_TO_RECORD=10 bench/profile-get-by-id.sh
#
# The server runs as in run-catalog-load.sh (Development, telemetry as configured) plus DOTNET_PerfMapEnabled=1 and
# DOTNET_EnableWriteXorExecute=0 (without it perf cannot name JIT-compiled frames). Prints bench/perf-breakdown.py's
# summary; the raw perf.data and perf.script stay in the printed directory for `perf report`.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-5090}"
WARMUP="${WARMUP:-20}"
SECONDS_TO_RECORD="${SECONDS_TO_RECORD:-10}"
CONCURRENCY="${CONCURRENCY:-32}"
SCENARIO="${SCENARIO:-get-by-id}"
WRK_SCRIPT="$REPO/bench/wrk/$SCENARIO.lua"
[[ "$SCENARIO" == selfservice-* ]] && WRK_SCRIPT="$REPO/bench/wrk/selfservice.lua"
WORK="$(mktemp -d /tmp/dialtone-bench-profile.XXXXXX)"
base="http://127.0.0.1:$PORT"

(
  cd "$WORK"
  exec env ASPNETCORE_ENVIRONMENT=Development "Dialtone__DataDirectory=$WORK/data" "Logging__LogLevel__Microsoft.AspNetCore=Warning" \
    "Dialtone__DemoSubscribers=0" "Dialtone__Identity__RequestsPerWindow=1000000" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
    dotnet /tmp/dialtone-bench-server/Dialtone.Server.dll --urls "$base"
) >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f /tmp/perf-$PID.map /tmp/perfinfo-$PID.map' EXIT
for _ in $(seq 1 240); do [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready")" == 200 ]] && break; sleep 0.5; done
sleep 3
dotnet /tmp/dialtone-bench-load/Dialtone.Bench.Load.dll "$base" "$SCENARIO" 0 1 --prepare-only --write-ids "$WORK/ids.txt" >/dev/null

echo "warming up for ${WARMUP}s (tiered JIT settles), then recording ${SECONDS_TO_RECORD}s" >&2
WRK_IDS_FILE="$WORK/ids.txt" wrk -t2 -c"$CONCURRENCY" -d"${WARMUP}s" -s "$WRK_SCRIPT" "$base" >/dev/null
WRK_IDS_FILE="$WORK/ids.txt" WRK_CONNECTIONS="$CONCURRENCY" wrk -t2 -c"$CONCURRENCY" -d"$((SECONDS_TO_RECORD + 4))s" \
  -s "$WRK_SCRIPT" "$base" >"$WORK/wrk.txt" &
WRK=$!
sleep 2
perf record -F 999 -g -p "$PID" -o "$WORK/perf.data" -- sleep "$SECONDS_TO_RECORD" 2>/dev/null
wait $WRK
grep RESULT "$WORK/wrk.txt" >&2
perf report -i "$WORK/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -8
perf script -i "$WORK/perf.data" -F comm,tid,ip,sym >"$WORK/perf.script" 2>/dev/null
python3 "$REPO/bench/perf-breakdown.py" "$WORK/perf.script"
echo "raw: $WORK" >&2
