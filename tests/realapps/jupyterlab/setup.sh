#!/usr/bin/env bash
# setup.sh CACHE_DIR: installs JupyterLab, exactly pinned, into
# CACHE_DIR/jupyterlab/venv. Idempotent: a second run with the same pins is a no-op.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?usage: setup.sh CACHE_DIR}
. "$here/../lib/venv.sh"
make_venv "$cache/jupyterlab/venv" "$here/requirements.txt"
