#!/usr/bin/env bash
# Builds the widget zoo: installs the pinned npm packages (only when
# node_modules is missing or older than package-lock.json) and bundles one
# self-contained script per library into site/<lib>/assets/, with the
# library's own CSS copied beside it where the library needs one.
# Idempotent; runs from any directory. Needs node and npm (node 20 is fine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# 1. Packages. The stamp records the lock file node_modules was installed from.
# --ignore-scripts: no package here needs its install script (esbuild's binary
# comes from its @esbuild/<platform> optional dependency), and the IBM
# packages' postinstall scripts only send telemetry.
stamp=node_modules/.zoo-lock.sha256
want=$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "zoo: npm ci" >&2
  IBM_TELEMETRY_DISABLED=true npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$want" >"$stamp"
fi

# 2. Bundles: site/<lib>/assets/bundle.js from src/<lib>.js(x).
libs=(material shoelace radix ionic bootstrap carbon)
entries=()
for lib in "${libs[@]}"; do
  src=src/$lib.js
  [ -f "$src" ] || src=src/$lib.jsx
  rm -rf "site/$lib/assets"
  mkdir -p "site/$lib/assets"
  entries+=("$lib/assets/bundle=$src")
done
node_modules/.bin/esbuild "${entries[@]}" \
  --bundle --minify --format=esm --target=es2022 \
  --jsx=automatic --define:process.env.NODE_ENV='"production"' \
  --outdir=site --log-level=warning

# 3. The libraries' own style sheets, as their docs say to include them.
cp node_modules/@shoelace-style/shoelace/dist/themes/light.css site/shoelace/assets/light.css
cp node_modules/@ionic/core/css/core.css site/ionic/assets/core.css
cp node_modules/bootstrap/dist/css/bootstrap.min.css site/bootstrap/assets/bootstrap.min.css

echo "zoo: built site/{$(IFS=,; echo "${libs[*]}")}/assets" >&2
