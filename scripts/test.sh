#!/usr/bin/env bash
# The one test command (README, CI): works on a fresh machine with only Node 20.19+ and npm.
# Installs pnpm, dependencies and Chromium, builds, type-checks, runs unit tests, installs the
# packed packages into a fresh npm app, runs end-to-end tests, and gates the size ceilings.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "==> type-check (sources and tests)"
pnpm exec tsc -b

echo "==> unit, differential and corpus tests"
pnpm exec vitest run

echo "==> packages as a stranger installs them (pnpm pack, npm install into a fresh app; types, require, attw)"
node scripts/pack-check.mjs

echo "==> Chromium for end-to-end tests (Debian's package, installed only when missing)"
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

echo "==> end-to-end tests (Playwright, real relay, real Chromium)"
pnpm --filter @flagcast/e2e test

echo "==> size ceilings (gating; see packages/core/README.md, \"Size ceilings\")"
node scripts/size.mjs
