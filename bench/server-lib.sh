# Shared by the load scripts (source it after setting WORK and SERVER_PID): logging, stopping the server the script
# started, and retrying a build that collides with somebody else's on this shared machine.

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true   # the server stops the stand-ins it started
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

# Other engineers build and test on this machine: retry a build that collides with theirs.
retry() {
  local attempt
  for attempt in 1 2 3 4; do
    if "$@" >"$WORK/build.log" 2>&1; then return 0; fi
    log "build failed (attempt $attempt), retrying in 20 s: $(grep -m3 -E 'error|Error' "$WORK/build.log" | cut -c1-200 | tr '\n' ' ')"
    sleep 20
  done
  cat "$WORK/build.log" >&2
  return 1
}
