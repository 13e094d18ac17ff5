#!/usr/bin/env bash
# Shared by scripts/test.sh and scripts/demo.sh: pnpm (pinned), dependencies, a build of every
# package. Needs only Node 20.19+ and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "10.34.9" ]; then
  echo "==> installing pnpm 10.34.9"
  npm install --global --no-fund --no-audit pnpm@10.34.9 >/dev/null 2>&1
fi

echo "==> pnpm install"
pnpm install --frozen-lockfile --prefer-offline

echo "==> build"
pnpm -r build
