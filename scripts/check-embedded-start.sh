#!/usr/bin/env bash
# Starts the built server on the embedded PostgreSQL in a fresh data dir, waits until it is
# ready, checks the admin PAT file and one authenticated REST call, then stops it with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build >/dev/null
tmp_dir="$(mktemp -d)"; chmod 755 "$tmp_dir" # the embedded server runs as postgres when we are root
data_dir="$tmp_dir/data"
port="${PORTCULLIS_CHECK_PORT:-18080}"
log="$(mktemp)"
PORTCULLIS_DATA_DIR="$data_dir" PORTCULLIS_PORT="$port" PORTCULLIS_EXTERNAL_URL="http://localhost:$port" \
  node bin/portcullis.js start >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 120); do
  if PORTCULLIS_PORT="$port" node bin/portcullis.js ready; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "server exited:"; cat "$log"; exit 1; fi
  sleep 1
done
PORTCULLIS_PORT="$port" node bin/portcullis.js ready || { echo "server never became ready"; cat "$log"; exit 1; }

test -s "$data_dir/admin.pat" || { echo "no PAT file"; exit 1; }
[ "$(stat -c %a "$data_dir/admin.pat")" = "600" ] || { echo "PAT file is not 0600"; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://localhost:$port/v2/organizations/_search" \
  -H "Authorization: Bearer $(cat "$data_dir/admin.pat")" -H 'Content-Type: application/json' -d '{}')
[ "$status" = "200" ] || { echo "ListOrganizations answered $status"; cat "$log"; exit 1; }

kill -TERM "$pid"
wait "$pid" || { echo "server did not shut down cleanly"; cat "$log"; exit 1; }
trap - EXIT
echo "embedded start check: ok"
