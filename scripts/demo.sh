#!/usr/bin/env bash
# The demo in one command, on a fresh clone: installs and builds, then starts the relay on
# examples/react-demo/features.yml and the demo app, and prints where to look and what to edit.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

RELAY_PORT="${RELAY_PORT:-8787}"
APP_PORT="${APP_PORT:-5173}"
FEATURES="examples/react-demo/features.yml"

node packages/relay/bin/flagcast-relay.mjs --file "$FEATURES" --port "$RELAY_PORT" \
  --cors-origin "http://127.0.0.1:$APP_PORT" --cors-origin "http://localhost:$APP_PORT" &
relay=$!
VITE_RELAY_URL="http://127.0.0.1:$RELAY_PORT" pnpm --filter @flagcast/react-demo exec vite build --logLevel warn
pnpm --filter @flagcast/react-demo exec vite preview --port "$APP_PORT" --strictPort --logLevel warn &
app=$!
trap 'kill $relay $app 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Flagcast demo
  -------------
  App:    http://127.0.0.1:$APP_PORT/
  Relay:  http://127.0.0.1:$RELAY_PORT/healthz
  Edit:   $FEATURES   (saved changes reach the open page within a second)

  Ctrl-C to stop.

MSG
wait
