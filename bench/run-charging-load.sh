#!/usr/bin/env bash
# Charging load (issue 5, milestone 4): Nchf_ConvergedCharging v3 over h2c against the real server, then the durable-write
# ceilings of this machine. See bench/README.md, "Charging (Nchf over h2c)".
#
# Publishes Dialtone.Server in Release into $OUT (never into src/*/obj: --artifacts-path), starts it in demo mode from a
# fresh temporary data directory (embedded SQLite; the charging grain store is its own file, WAL, synchronous=FULL) with
# DEMO_SUBSCRIBERS demo customers, each of whom gets a line through a real order (the network and SM-DP+ stand-ins start
# with the server); waits until every line's charging account answers a create (201, then its release 204); runs the
# load generator (bench/Dialtone.Bench.Charging) once per CONCURRENCY value; stops the server; then measures the SQLite
# ceiling (the store's own statement on the same file system, with the payload size the run left in the store) and,
# when PostgreSQL answers on 127.0.0.1 (user postgres/postgres), pgbench -N.
#
# Settings (environment variables):
#   DEMO_SUBSCRIBERS=300   demo customers, one line each (Dialtone__DemoSubscribers)
#   SUBSCRIBERS=300        of them, how many the SMF charges (round-robin)
#   IMSI_SOURCE=inventory  inventory: the lines' IMSIs are read from TMF637 (any number pool);
#                          sequence: IMSI_START, IMSI_START+1, ... (a number pool that hands IMSIs out in sequence;
#                          waits until the last one answers a create)
#   IMSI_START=001010000000001
#   CONCURRENCY="64"       PDU sessions in flight; several values run one after the other on the same server
#   UPDATES=10 DURATION=20 WARMUP=5
#                          WARMUP defaults to 45 with DATA_FROM: a server that skipped the orders is still compiling the
#                          charging paths (the tiered JIT took ~0.4 of a core for the first ~40 s of load; bench/README,
#                          2026-11-29 session 14)
#   CEILING=1              the SQLite ceiling and pgbench -N after the load (0: skip)
#   CEILING_SECONDS=10     per row count; PGBENCH_SECONDS=10 per client count, PGBENCH_CLIENTS="1 16 64"
#   QUIET_WAIT=30          seconds to wait, before each load run, for other processes to leave the CPUs (then measure anyway)
#   PORT=5097              main port; the SBI (h2c) is PORT+1, the stand-ins PORT+101 and PORT+102
#   SKIP_PUBLISH=1         reuse the last publish in $OUT
#   OUT=/tmp/dialtone-bench-charging
#   SERVER_ENV="..."       extra NAME=value settings for the server (e.g. Dialtone__Charging__Storage__Synchronous=Normal)
#   DATA_FROM=dir          start from a copy of a data directory a run left (its lines exist: no 1-4 minutes of orders);
#                          the account states it holds are read first (an older format is migrated)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO_SUBSCRIBERS="${DEMO_SUBSCRIBERS:-300}"
SUBSCRIBERS="${SUBSCRIBERS:-$DEMO_SUBSCRIBERS}"
IMSI_SOURCE="${IMSI_SOURCE:-inventory}"
IMSI_START="${IMSI_START:-001010000000001}"
CONCURRENCY="${CONCURRENCY:-64}"
UPDATES="${UPDATES:-10}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-$([[ -n "${DATA_FROM:-}" ]] && echo 45 || echo 5)}"
CEILING="${CEILING:-1}"
CEILING_SECONDS="${CEILING_SECONDS:-10}"
PGBENCH_SECONDS="${PGBENCH_SECONDS:-10}"
PGBENCH_CLIENTS="${PGBENCH_CLIENTS:-1 16 64}"
QUIET_WAIT="${QUIET_WAIT:-30}"
PORT="${PORT:-5097}"
SBI_PORT=$((PORT + 1))
OUT="${OUT:-/tmp/dialtone-bench-charging}"
SERVER_ENV="${SERVER_ENV:-}"
WORK="$(mktemp -d /tmp/dialtone-charging.XXXXXX)"
BASE="http://127.0.0.1:$PORT"
SBI="http://127.0.0.1:$SBI_PORT"
GEN="$OUT/gen/Dialtone.Bench.Charging.dll"
SERVER_PID=""

# log, stop_server, retry
source "$REPO/bench/server-lib.sh"

trap stop_server EXIT


cpu_busy_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }
# Waits (up to QUIET_WAIT s) until the machine, our idle server included, uses less than a quarter of a core.
wait_quiet() {
  local waited=0 before after busy hz; hz=$(getconf CLK_TCK)
  while :; do
    before=$(cpu_busy_ticks); sleep 1; after=$(cpu_busy_ticks)
    busy=$(( (after - before) * 100 / hz ))
    if (( busy < 25 )); then (( waited > 0 )) && log "machine quiet after ${waited}s"; return 0; fi
    if (( waited >= QUIET_WAIT )); then log "machine still busy (${busy}% of a core) after ${waited}s: measuring anyway"; return 0; fi
    waited=$((waited + 1))
  done
}

{
  echo "== $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== source $(git -C "$REPO" rev-parse --short HEAD) (+ $(git -C "$REPO" status --porcelain -- src | wc -l) uncommitted changes under src/); server, stand-ins and generator share the cores"
} | tee "$WORK/machine.txt"

if [[ "${SKIP_PUBLISH:-0}" != 1 ]]; then
  log "publishing Dialtone.Server (Release) to $OUT/server"
  retry dotnet publish "$REPO/src/Dialtone.Server" -c Release -o "$OUT/server" --artifacts-path "$OUT/artifacts"
fi
log "building the load generator"
retry dotnet build "$REPO/bench/Dialtone.Bench.Charging" -c Release -o "$OUT/gen" --artifacts-path "$OUT/artifacts"

# --- the server, demo mode -----------------------------------------------------------------------------------------
if [[ -n "${DATA_FROM:-}" ]]; then
  log "copying the data directory $DATA_FROM"
  cp -a "$DATA_FROM" "$WORK/data"
fi
log "starting the server in $WORK (demo mode, $DEMO_SUBSCRIBERS demo subscribers, SBI h2c on $SBI_PORT)"
(
  cd "$WORK"
  # Development: the Dev credential that reads the inventory. Silo ports 0: free ones, beside any other silo here.
  # shellcheck disable=SC2086
  exec env ASPNETCORE_ENVIRONMENT=Development \
    Dialtone__DataDirectory="$WORK/data" \
    Dialtone__DemoSubscribers="$DEMO_SUBSCRIBERS" \
    Dialtone__Charging__SbiPort="$SBI_PORT" \
    Dialtone__Charging__SiloPort=0 \
    Dialtone__Charging__GatewayPort=0 \
    Dialtone__Ordering__Network__BaseUrl="http://127.0.0.1:$((PORT + 101))/" \
    Dialtone__Ordering__Smdp__BaseUrl="http://127.0.0.1:$((PORT + 102))/" \
    Logging__LogLevel__Default=Warning \
    $SERVER_ENV \
    dotnet "$OUT/server/Dialtone.Server.dll" --urls "$BASE"
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/ready")" == 200 ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/server.log" >&2; echo "the server exited" >&2; exit 1; }
  sleep 0.5
done
started=$(date +%s)

# --- subscribers: every line's charging account answers a create -----------------------------------------------------
nchf() { # nchf <path> <json>: prints the status and the Location header
  curl -s --http2-prior-knowledge -o /dev/null -D - -H 'Content-Type: application/json' -d "$2" "$SBI/nchf-convergedcharging/v3/$1" \
    | tr -d '\r' | awk 'NR==1 {status=$2} tolower($1)=="location:" {location=$2} END {print status, location}'
}
if [[ "$IMSI_SOURCE" == sequence ]]; then
  last=$(python3 -c "import sys; s=sys.argv[1]; print(str(int(s) + int(sys.argv[2]) - 1).zfill(len(s)))" "$IMSI_START" "$SUBSCRIBERS")
  log "waiting until imsi-$last (the last of $SUBSCRIBERS in sequence) answers a create"
  now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
  for i in $(seq 1 1200); do
    read -r status location < <(nchf chargingdata "{\"subscriberIdentifier\":\"imsi-$last\",\"nfConsumerIdentification\":{\"nFName\":\"bench-probe-$$\",\"nodeFunctionality\":\"SMF\"},\"invocationTimeStamp\":\"$(now)\",\"invocationSequenceNumber\":1,\"multipleUnitUsage\":[{\"ratingGroup\":10,\"requestedUnit\":{\"totalVolume\":1000}}],\"pDUSessionChargingInformation\":{\"chargingId\":$i}}")
    if [[ "$status" == 201 ]]; then
      read -r status _ < <(nchf "chargingdata/${location##*/}/release" "{\"nfConsumerIdentification\":{\"nFName\":\"bench-probe-$$\",\"nodeFunctionality\":\"SMF\"},\"invocationTimeStamp\":\"$(now)\",\"invocationSequenceNumber\":2}")
      [[ "$status" == 204 ]] || { echo "the probe's release answered $status" >&2; exit 1; }
      break
    fi
    [[ "$status" == 404 ]] || { echo "the probe's create answered $status" >&2; exit 1; }
    sleep 0.5
  done
  [[ "$status" == 204 ]] || { echo "imsi-$last never answered a create" >&2; exit 1; }
  subscribers=(--imsi-start "$IMSI_START" --subscribers "$SUBSCRIBERS")
else
  log "waiting until the inventory holds $DEMO_SUBSCRIBERS lines"
  dotnet "$GEN" --url "$SBI" --imsis-from "$BASE" --lines "$DEMO_SUBSCRIBERS" --write-imsis "$WORK/imsis.txt" --ready-timeout 900 \
    --subscribers "$SUBSCRIBERS" --prepare-only | tee "$WORK/prepare.txt"
  subscribers=(--imsi-file "$WORK/imsis.txt" --subscribers "$SUBSCRIBERS")
fi
log "demo lines ready $(( $(date +%s) - started )) s after the server answered"

# --- load ------------------------------------------------------------------------------------------------------------
# Waits (up to 180 s) until the grain outbox is empty, so that each run starts with no relay work left from before
# (a data directory copied from an earlier run, or the previous concurrency) and its outbox growth is its own.
# Logs how fast the relay drained what it found, and its CPU per entry (the server does nothing else meanwhile).
relayed_total() { curl -s "$BASE/metrics" | awk '/^dialtone_charging_outbox_relayed/ {s += $2} END {printf "%d", s}'; }
server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
wait_outbox_empty() {
  local depth first="" t0 c0 r0 t1 c1 r1
  t0=$(date +%s.%N); c0=$(server_ticks); r0=$(relayed_total)
  for _ in $(seq 1 360); do
    depth=$(curl -s "$BASE/metrics" | awk '/^dialtone_charging_outbox_depth/ && !seen {print $2; seen = 1}')
    first=${first:-$depth}
    if [[ "$depth" == 0 ]]; then
      t1=$(date +%s.%N); c1=$(server_ticks); r1=$(relayed_total)
      if (( r1 - r0 >= 1000 )); then
        python3 -c "import sys; n, s, c = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]) / 100; print(f'relay drain     {n:,} entries in {s:.1f} s: {n / s:,.0f}/s, {c:.1f} s of server CPU, {c / n * 1e6:,.0f} µs of CPU an entry')" \
          "$((r1 - r0))" "$(echo "$t1 - $t0" | bc)" "$((c1 - c0))" | tee -a "$WORK/load.txt"
      fi
      return 0
    fi
    sleep 0.5
  done
  log "the grain outbox still holds ${depth:-?} entries after 180 s (${first:-?} at first): measuring anyway"
}

for concurrency in $CONCURRENCY; do
  wait_outbox_empty
  wait_quiet
  log "load: $concurrency sessions in flight, $SUBSCRIBERS subscribers, $UPDATES updates per session, ${WARMUP}s + ${DURATION}s"
  dotnet "$GEN" --url "$SBI" "${subscribers[@]}" --concurrency "$concurrency" --updates "$UPDATES" --duration "$DURATION" --warmup "$WARMUP" \
    --metrics-url "$BASE/metrics" --server-pid "$SERVER_PID" | tee "$WORK/load-$concurrency.txt" || true
done
# What the last run left for the relay, drained with the server warm.
wait_outbox_empty

# What a write carries: the account grains' rows as the run left them (the account's row, written with every request; its
# tombstones' row, written when a session ends: released sessions stay as tombstones for 10 minutes, at most 32).
payload=2048
if command -v sqlite3 >/dev/null; then
  read -r accounts payload max_payload < <(sqlite3 -separator ' ' "file:$WORK/data/charging/grains.db?mode=ro" \
    "SELECT count(*), CAST(avg(length(payload)) AS INTEGER), max(length(payload)) FROM grain_state WHERE grain_type = 'charging-account' AND state_name = 'account'")
  read -r parts part_payload < <(sqlite3 -separator ' ' "file:$WORK/data/charging/grains.db?mode=ro" \
    "SELECT count(*), CAST(coalesce(avg(length(payload)), 0) AS INTEGER) FROM grain_state WHERE grain_type = 'charging-account' AND state_name = 'account.part'")
  echo "grain state     $accounts charging accounts, payload $payload bytes on average, $max_payload at most; $parts tombstone rows of $part_payload bytes on average (after the load)" | tee -a "$WORK/load.txt"
fi
stop_server

# --- ceilings --------------------------------------------------------------------------------------------------------
if [[ "$CEILING" == 1 ]]; then
  log "SQLite ceiling (the store's statement, WAL, synchronous=FULL, in $WORK)"
  lib="$OUT/server/runtimes/linux-x64/native/libe_sqlite3.so"
  [[ -f "$lib" ]] || lib=libsqlite3.so.0
  for size in 2048 "$payload"; do
    dotnet "$GEN" --ceiling sqlite --ceiling-dir "$WORK" --ceiling-seconds "$CEILING_SECONDS" --payload-bytes "$size" \
      --ceiling-keys "$SUBSCRIBERS" --rows-per-commit 1,100 --sqlite-lib "$lib" | tee -a "$WORK/ceiling.txt"
  done
  if command -v pgbench >/dev/null && PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    db="dialtone_pgbench_$$"
    export PGPASSWORD=postgres
    echo "postgres        $(psql -h 127.0.0.1 -U postgres -d postgres -Atc "select version()" | cut -d, -f1); fsync=$(psql -h 127.0.0.1 -U postgres -d postgres -Atc 'show fsync'), synchronous_commit=$(psql -h 127.0.0.1 -U postgres -d postgres -Atc 'show synchronous_commit')" | tee -a "$WORK/ceiling.txt"
    psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $db" >/dev/null
    pgbench -h 127.0.0.1 -U postgres -i -s 10 -q "$db" >"$WORK/pgbench-init.txt" 2>&1
    for clients in $PGBENCH_CLIENTS; do
      log "pgbench -N -c $clients"
      pgbench -h 127.0.0.1 -U postgres -N -c "$clients" -j $(( clients < 2 ? clients : 2 )) -T "$PGBENCH_SECONDS" "$db" 2>&1 \
        | awk -v c="$clients" '/^tps/ {tps=$3} /latency average/ {lat=$4} /error/ && !err {err=$0}
            END {if (tps == "") printf "pgbench -N      %3d clients: failed: %s\n", c, err;
                 else printf "pgbench -N      %3d clients: %.0f transactions/s (each UPDATE + SELECT + INSERT, one commit), latency average %s ms\n", c, tps, lat}' \
        | tee -a "$WORK/ceiling.txt" || true
    done
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE $db" >/dev/null
  else
    echo "pgbench -N      skipped: no PostgreSQL on 127.0.0.1 as postgres/postgres (pg_ctlcluster 15 main start)" | tee -a "$WORK/ceiling.txt"
  fi
fi
echo "== load average now $(cut -d' ' -f1-3 /proc/loadavg); raw output in $WORK"
