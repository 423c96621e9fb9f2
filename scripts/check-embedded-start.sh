#!/usr/bin/env bash
# Starts the built server on the embedded PostgreSQL in a fresh data dir, waits until it is
# ready, checks the admin PAT file and one authenticated REST call; then kills it with SIGKILL
# (leaving an orphaned postmaster), starts it again on the same data dir, checks the data is
# still there, and stops it with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build >/dev/null
tmp_dir="$(mktemp -d)"; chmod 755 "$tmp_dir" # the embedded server runs as postgres when we are root
data_dir="$tmp_dir/data"
port="${PORTCULLIS_CHECK_PORT:-18080}"
log="$(mktemp)"
PORTCULLIS_DATA_DIR="$data_dir" PORTCULLIS_PORT="$port" PORTCULLIS_EXTERNAL_URL="http://localhost:$port" \
  node bin/portcullis.cjs start >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; pkill -f "$data_dir/pg" 2>/dev/null || true; }
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 1 120); do
    if PORTCULLIS_PORT="$port" node bin/portcullis.cjs ready; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "server exited:"; cat "$log"; exit 1; fi
    sleep 1
  done
  echo "server never became ready"; cat "$log"; exit 1
}
wait_ready

test -s "$data_dir/admin.pat" || { echo "no PAT file"; exit 1; }
[ "$(stat -c %a "$data_dir/admin.pat")" = "600" ] || { echo "PAT file is not 0600"; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://localhost:$port/v2/organizations/_search" \
  -H "Authorization: Bearer $(cat "$data_dir/admin.pat")" -H 'Content-Type: application/json' -d '{}')
[ "$status" = "200" ] || { echo "ListOrganizations answered $status"; cat "$log"; exit 1; }
pat="$(cat "$data_dir/admin.pat")"
curl -sf -X POST "http://localhost:$port/v2/organizations" -H "Authorization: Bearer $pat" \
  -H 'Content-Type: application/json' -d '{"name":"Survives Crashes"}' >/dev/null

# Crash: the server dies without stopping its PostgreSQL, which keeps the data dir locked.
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
PORTCULLIS_DATA_DIR="$data_dir" PORTCULLIS_PORT="$port" PORTCULLIS_EXTERNAL_URL="http://localhost:$port" \
  node bin/portcullis.cjs start >"$log" 2>&1 &
pid=$!
wait_ready
grep -q 'orphaned embedded PostgreSQL' "$log" || { echo "the restart did not meet the orphaned postmaster"; cat "$log"; exit 1; }
found=$(curl -s -X POST "http://localhost:$port/v2/organizations/_search" -H "Authorization: Bearer $pat" \
  -H 'Content-Type: application/json' -d '{"queries":[{"nameQuery":{"name":"Survives Crashes"}}]}')
echo "$found" | grep -q '"totalResult":"1"' || { echo "data lost after the crash: $found"; cat "$log"; exit 1; }

kill -TERM "$pid"
wait "$pid" || { echo "server did not shut down cleanly"; cat "$log"; exit 1; }
trap - EXIT
echo "embedded start check: ok"
