#!/usr/bin/env bash
# Runs one k6 script of load/: `npm run load:<name>` (smoke, load, stress, spike, soak).
# Settings come from the environment (k6 passes it through as __ENV):
#   BASE_URL=https://product-audience.<you>.workers.dev API_KEY=... npm run load:smoke
# Extra arguments go to `k6 run`: npm run load:load -- -e RATE=100 -e DURATION=10m
# Summaries land in load/results/<name>-<time>.{txt,json}.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRIPTS="smoke load stress spike soak"
name="${1:-}"
if [[ -z "$name" || ! " $SCRIPTS " =~ " $name " ]]; then
  echo "usage: bash load/run.sh <$(echo "$SCRIPTS" | tr ' ' '|')> [k6 run options...]" >&2
  exit 2
fi
shift

install_hint() {
  cat >&2 <<'HINT'
k6 (>= 1.0, which runs these TypeScript scripts as they are) is not installed. Install it:
  macOS:          brew install k6
  Debian/Ubuntu:  curl -fsSL https://dl.k6.io/key.gpg | sudo gpg --dearmor -o /usr/share/keyrings/k6-archive-keyring.gpg
                  echo "deb [signed-by=/usr/share/keyrings/k6-archive-keyring.gpg] https://dl.k6.io/deb stable main" | sudo tee /etc/apt/sources.list.d/k6.list
                  sudo apt-get update && sudo apt-get install k6
  Fedora/CentOS:  sudo dnf install https://dl.k6.io/rpm/repo.rpm && sudo dnf install k6
  Windows:        winget install k6 --source winget
  Docker:         mkdir -p load/results && docker run --rm -i --network host -u "$(id -u)" -v "$PWD:/app" -w /app \
                    -e BASE_URL -e API_KEY grafana/k6 run load/smoke.ts
  Any platform:   a binary from https://github.com/grafana/k6/releases, put on PATH
(The npm package named "k6" is not k6.) `npm run load:check` type-checks and bundles the
scripts without k6.
HINT
}

# K6 may name another k6 binary (a custom build, or a stand-in for tests).
K6="${K6:-k6}"
if ! command -v "$K6" >/dev/null 2>&1; then
  install_hint
  exit 127
fi

# `k6 version` prints e.g. "k6 v1.3.0 (commit/..., go1.24, linux/amd64)".
version="$("$K6" version 2>/dev/null | sed -n 's/^k6 v\([0-9][0-9]*\)\..*/\1/p' | head -n 1)"
if [[ -n "$version" && "$version" -lt 1 ]]; then
  echo "k6 $("$K6" version | head -n 1) is too old: these scripts are TypeScript and need k6 >= 1.0." >&2
  install_hint
  exit 1
fi

# k6 does not create the folders handleSummary writes into.
mkdir -p load/results
exec "$K6" run -e RESULTS_DIR="$PWD/load/results" "$@" "load/$name.ts"
