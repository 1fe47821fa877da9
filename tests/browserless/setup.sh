#!/usr/bin/env bash
# Install the pinned browserless pool (package.json + package-lock.json beside this
# script) into DEST, wired to Debian's Chromium. Downloads no browser.
#   usage: bash tests/browserless/setup.sh DEST      (then: start.sh DEST PORT TOKEN ...)
# Needs node + npm (the machine's Node 20 works; see the note on engines below) and
# the npm registry. Idempotent: a DEST already installed from this same lock is kept.
set -euo pipefail
die() { echo "browserless setup.sh: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: $0 DEST"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1" || die "cannot create $1"
DEST=$(cd "$1" && pwd)
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are required"
BL=$DEST/node_modules/@browserless.io/browserless
WANT=$(node -p 'require(process.argv[1]).dependencies["@browserless.io/browserless"]' "$HERE/package.json")

# .installed-lock is written only after a successful install, so an interrupted one is redone.
if cmp -s "$HERE/package-lock.json" "$DEST/.installed-lock" && [ -f "$BL/build/index.js" ]; then
  echo "browserless $WANT already installed in $DEST"
else
  rm -f "$DEST/.installed-lock"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$DEST/"
  # npm ci: exactly the versions and integrity hashes of the committed lock, nothing re-resolved.
  # --ignore-scripts: the lock's only install script is esbuild's postinstall (esbuild is used by
  #   browserless's SDK "build" command, not by the server); puppeteer-core and playwright-core
  #   have no download step. The *_SKIP_* variables are belt and braces should that ever change.
  # --engine-strict=false: 2.42.0 declares node >=24 (lighthouse >=22.19), but the server and its
  #   Chromium CDP routes run on Node 20 (verified); only warnings, which loglevel=error hides.
  PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm ci --prefix "$DEST" --ignore-scripts --engine-strict=false --no-audit --no-fund --loglevel=error \
    || die "npm ci failed (npm registry unreachable? see npm's message above)"
  [ -f "$BL/build/index.js" ] || die "$BL/build/index.js missing after npm ci"
  cp "$HERE/package-lock.json" "$DEST/.installed-lock"
fi

# browserless has no setting for the Chromium binary: its ChromiumCDP launches the path that
# playwright-core expects under $PLAYWRIGHT_BROWSERS_PATH (chromium-REV/chrome-linux64/chrome).
# start.sh sets PLAYWRIGHT_BROWSERS_PATH=DEST/ms-playwright; put Debian's chromium there.
CHROMIUM=${CHROMIUM_BIN:-/usr/bin/chromium}
EXE=$(cd "$DEST" && PLAYWRIGHT_BROWSERS_PATH="$DEST/ms-playwright" \
  node -p 'require("playwright-core").chromium.executablePath()') || die "cannot ask playwright-core for its chromium path"
mkdir -p "$(dirname "$EXE")" && ln -sfn "$CHROMIUM" "$EXE"

# Serve only the chromium + management routes: with the stock route folder browserless refuses
# to start (and exits 0) because Chrome/Edge/Firefox/WebKit binaries are missing.
mkdir -p "$DEST/routes"
for r in chromium management; do ln -sfn "$BL/build/routes/$r" "$DEST/routes/$r"; done

[ -x "$CHROMIUM" ] || echo "browserless setup.sh: warning: $CHROMIUM is missing; start.sh needs it (apt-get install -y chromium)" >&2
echo "browserless $WANT ready in $DEST (chromium: $CHROMIUM)"
