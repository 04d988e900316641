#!/usr/bin/env bash
# Order throughput (TMF622, issue 4): publishes the server (Release) into /tmp, starts it in demo mode from a fresh data
# directory (demo catalog, no demo subscribers) with the network and SM-DP+ stand-ins it launches itself, at zero
# latency; submits ORDERS orders from CONCURRENCY closed-loop workers and waits until they are completed; prints the
# generator's report; stops everything it started.
# Settings: ORDERS=500, CONCURRENCY=16, PORT=5090, SKIP_PUBLISH=1 (reuse the last publish).
set -euo pipefail
ORDERS=${ORDERS:-500}
CONCURRENCY=${CONCURRENCY:-16}
PORT=${PORT:-5090}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/dialtone-orders.XXXXXX)

if [ "${SKIP_PUBLISH:-0}" != 1 ]; then
  dotnet publish "$root/src/Dialtone.Server" -c Release -o /tmp/dialtone-bench-server --artifacts-path /tmp/dialtone-bench-artifacts >/dev/null
  dotnet build "$root/bench/Dialtone.Bench.Load" -c Release -o /tmp/dialtone-bench-load --artifacts-path /tmp/dialtone-bench-artifacts >/dev/null
fi

(
  cd "$work"
  ASPNETCORE_ENVIRONMENT=Development \
  Dialtone__DataDirectory="$work/data" \
  Dialtone__DemoSubscribers=0 \
  Dialtone__Ordering__Network__BaseUrl=http://127.0.0.1:$((PORT + 101))/ \
  Dialtone__Ordering__Smdp__BaseUrl=http://127.0.0.1:$((PORT + 102))/ \
  Logging__LogLevel__Default=Warning \
  exec dotnet /tmp/dialtone-bench-server/Dialtone.Server.dll --urls "http://127.0.0.1:$PORT"
) > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done

echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); server, stand-ins and generator share them"
dotnet /tmp/dialtone-bench-load/Dialtone.Bench.Load.dll "http://127.0.0.1:$PORT" orders "$ORDERS" "$CONCURRENCY" | tee "$work/orders.txt"
echo "== raw output in $work"
