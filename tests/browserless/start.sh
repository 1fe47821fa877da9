#!/usr/bin/env bash
# Run the browserless pool that setup.sh installed in DEST, in the foreground (exec), on
# 127.0.0.1:PORT only, with Debian's Chromium.
#   usage: bash tests/browserless/start.sh DEST PORT TOKEN CONCURRENT QUEUED [TIMEOUT_MS]
# Ready when GET http://127.0.0.1:PORT/active?token=TOKEN answers 204 (cheap: launches no browser).
# CDP clients connect to ws://127.0.0.1:PORT/?token=TOKEN (or /chromium?token=TOKEN): one fresh
# Chromium per WebSocket connection, at most CONCURRENT at once, QUEUED more wait (no answer to
# the upgrade until a slot frees), beyond that the upgrade is refused with HTTP 429.
# TIMEOUT_MS caps each session's life (default 0 = no cap; a client may pass &timeout=MS).
# Stop it with SIGTERM or SIGINT: it then closes its Chromiums. SIGKILL would orphan them.
# If it exits before becoming ready it failed, whatever its exit code (it exits 0 on startup errors).
set -euo pipefail
die() { echo "browserless start.sh: $*" >&2; exit 1; }
[ $# -eq 5 ] || [ $# -eq 6 ] || die "usage: $0 DEST PORT TOKEN CONCURRENT QUEUED [TIMEOUT_MS]"
DEST=$(cd "$1" 2>/dev/null && pwd) || die "no such directory: $1"
BL=$DEST/node_modules/@browserless.io/browserless
[ -f "$BL/build/index.js" ] && [ -e "$DEST/routes/chromium" ] || die "not installed in $DEST: run setup.sh $DEST"
for n in "$2" "$4" "$5" "${6:-0}"; do [[ $n =~ ^[0-9]+$ ]] || die "PORT, CONCURRENT, QUEUED, TIMEOUT_MS must be numbers"; done
[ -n "$3" ] || die "TOKEN must not be empty (an empty TOKEN turns authentication off)"
for exe in "$DEST"/ms-playwright/chromium-*/chrome-linux*/chrome; do
  [ -x "$exe" ] || die "$exe -> $(readlink "$exe") is not executable (apt-get install -y chromium, then setup.sh)"
done

# Per-instance scratch (one Chromium profile per session, deleted when it ends), so that
# several instances on different ports never share files.
STATE=$DEST/state/$2
rm -rf "$STATE" && mkdir -p "$STATE/data" "$STATE/downloads"

# Older aliases take precedence over the names we set (QUEUE_LENGTH over QUEUED), and
# PROXY_URL/EXTERNAL would rewrite the URLs it hands out: drop them if the caller has them.
unset QUEUE_LENGTH MAX_CONCURRENT_SESSIONS CONNECTION_TIMEOUT PROXY_URL EXTERNAL STATIC HEALTH
export HOST=127.0.0.1 PORT=$2 TOKEN=$3 CONCURRENT=$4 QUEUED=$5 TIMEOUT=${6:-0}
export ROUTES=$DEST/routes PLAYWRIGHT_BROWSERS_PATH=$DEST/ms-playwright
export DATA_DIR=$STATE/data DOWNLOAD_DIR=$STATE/downloads METRICS_JSON_PATH=$STATE/metrics.json
export DEBUG=${DEBUG:-browserless*,-*:trace,-*:verbose}
# No sandbox flag needed here: browserless always launches Chromium with --no-sandbox,
# which root (CI runs as root) requires.
cd "$DEST"
exec node "$BL/build/index.js"
