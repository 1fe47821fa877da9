#!/usr/bin/env bash
# start.sh CACHE_DIR DATA_DIR PORT
#
# Starts a fresh JupyterLab whose every config, data, runtime, settings and
# workspace directory lives in DATA_DIR (an empty directory), on
# http://127.0.0.1:PORT/ , behind Jupyter Server's password form (/login):
#   password: correct horse battery staple   (no user name; tokens disabled)
# User settings written before start (JupyterLab's own JSON5 files):
#   @jupyterlab/apputils-extension:notification  checkForUpdates = true (its default)
#                                                fetchNews = "false" (no consent toast)
#   @jupyterlab/docmanager-extension:plugin      confirmClosingDocument = true (default false)
# No network: news feed and update check disabled server-side, no browser,
# no terminals, no kernel is started until a notebook is opened.
set -euo pipefail
cache=${1:?usage: start.sh CACHE_DIR DATA_DIR PORT}
data=$(mkdir -p "${2:?usage: start.sh CACHE_DIR DATA_DIR PORT}" && cd "$2" && pwd)
port=${3:?usage: start.sh CACHE_DIR DATA_DIR PORT}
venv="$cache/jupyterlab/venv"
[ -x "$venv/bin/jupyter-lab" ] || { echo "start.sh: run setup.sh $cache first" >&2; exit 1; }

export HOME="$data/home"
export JUPYTER_CONFIG_DIR="$data/config"
export JUPYTER_DATA_DIR="$data/share"
export JUPYTER_RUNTIME_DIR="$data/runtime"
export JUPYTERLAB_SETTINGS_DIR="$data/lab/user-settings"
export JUPYTERLAB_WORKSPACES_DIR="$data/lab/workspaces"
export IPYTHONDIR="$data/ipython"
export JUPYTER_PLATFORM_DIRS=1
mkdir -p "$HOME" "$JUPYTER_CONFIG_DIR" "$JUPYTER_DATA_DIR" "$JUPYTER_RUNTIME_DIR" \
    "$JUPYTERLAB_WORKSPACES_DIR" "$data/notebooks" \
    "$JUPYTERLAB_SETTINGS_DIR/@jupyterlab/apputils-extension" \
    "$JUPYTERLAB_SETTINGS_DIR/@jupyterlab/docmanager-extension"

cat > "$JUPYTERLAB_SETTINGS_DIR/@jupyterlab/apputils-extension/notification.jupyterlab-settings" <<'JSON'
{
    "checkForUpdates": true,
    "fetchNews": "false"
}
JSON
cat > "$JUPYTERLAB_SETTINGS_DIR/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings" <<'JSON'
{
    "confirmClosingDocument": true
}
JSON

hash=$("$venv/bin/python" -c 'from jupyter_server.auth import passwd; print(passwd("correct horse battery staple"))')
"$venv/bin/python" - "$JUPYTER_CONFIG_DIR/jupyter_server_config.json" "$hash" <<'PY'
import json, sys
json.dump({
    "IdentityProvider": {"token": ""},
    "PasswordIdentityProvider": {"hashed_password": sys.argv[2], "allow_password_change": False},
    "ServerApp": {"terminals_enabled": False},
    # No announcements feed, no update check, no PyPI queries from the
    # extension manager.
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        "extension_manager": "readonly",
    },
}, open(sys.argv[1], "w"), indent=2)
PY

exec "$venv/bin/jupyter-lab" --no-browser --ip=127.0.0.1 --port="$port" \
    --ServerApp.port_retries=0 --ServerApp.root_dir="$data/notebooks" \
    --ServerApp.open_browser=False --allow-root
