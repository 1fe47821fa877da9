#!/usr/bin/env bash
# setup.sh CACHE_DIR: installs Trac + TracAccountManager, exactly pinned, into
# CACHE_DIR/trac/venv. Idempotent: a second run with the same pins is a no-op.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?usage: setup.sh CACHE_DIR}
. "$here/../lib/venv.sh"
make_venv "$cache/trac/venv" "$here/requirements.txt"
