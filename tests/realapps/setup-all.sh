#!/usr/bin/env bash
# setup-all.sh CACHE_DIR: runs every app's setup.sh (in parallel; each logs to
# CACHE_DIR/<app>.setup.log) and fails if any fails. Idempotent: with
# everything installed it takes well under a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$(mkdir -p "${1:?usage: setup-all.sh CACHE_DIR}" && cd "$1" && pwd)
apps=(trac wagtail jupyterlab)
declare -A pids
for app in "${apps[@]}"; do
    (
        start=$SECONDS
        "$here/$app/setup.sh" "$cache" >"$cache/$app.setup.log" 2>&1
        echo "setup-all: $app ready in $((SECONDS - start)) s"
    ) &
    pids[$app]=$!
done
failed=0
for app in "${apps[@]}"; do
    if ! wait "${pids[$app]}"; then
        echo "setup-all: $app failed; its log:" >&2
        cat "$cache/$app.setup.log" >&2
        failed=1
    fi
done
exit "$failed"
