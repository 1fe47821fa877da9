#!/usr/bin/env bash
# read.sh CACHE_DIR DATA_DIR KEY: prints `on` or `off`, the setting as
# JupyterLab stored it: the user-settings file that its settings API
# (PUT /lab/api/settings/<plugin>) writes under DATA_DIR/lab/user-settings,
# parsed as JSON5 (JupyterLab keeps comments in it); a key absent from the
# file has the default of the plugin's schema.
# KEY is a setting id of rules/jupyterlab.toml or PLUGIN_ID:KEY.
set -euo pipefail
cache=${1:?usage: read.sh CACHE_DIR DATA_DIR KEY}
data=${2:?usage: read.sh CACHE_DIR DATA_DIR KEY}
key=${3:?usage: read.sh CACHE_DIR DATA_DIR KEY}
case "$key" in
    check-for-updates) key=@jupyterlab/apputils-extension:notification:checkForUpdates ;;
    confirm-closing-document) key=@jupyterlab/docmanager-extension:plugin:confirmClosingDocument ;;
esac
venv="$cache/jupyterlab/venv"
exec "$venv/bin/python" - "$venv" "$data/lab/user-settings" "$key" <<'PY'
import json, sys, pathlib
import json5  # a JupyterLab dependency (pinned), reads the settings files

venv, settings_dir, key = sys.argv[1:]
plugin, _, name = key.rpartition(":")
package, _, file = plugin.rpartition(":")  # "@scope/pkg", "plugin"
user = pathlib.Path(settings_dir, package, file + ".jupyterlab-settings")
values = json5.loads(user.read_text()) if user.exists() else {}
if name not in values:
    schema = pathlib.Path(venv, "share/jupyter/lab/schemas", package, file + ".json")
    values[name] = json.loads(schema.read_text())["properties"][name]["default"]
v = values[name]
if not isinstance(v, bool):
    sys.exit(f"read.sh: {key} is {v!r}, not a boolean")
print("on" if v else "off")
PY
