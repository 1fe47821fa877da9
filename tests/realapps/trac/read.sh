#!/usr/bin/env bash
# read.sh CACHE_DIR DATA_DIR KEY: prints `on` or `off`, the preference as
# Trac stored it in its SQLite database (table session_attribute of the
# authenticated session `privaudit`; a ticked box is stored as "1", an
# unticked one deletes the row).
# KEY is a setting id of rules/trac.toml or a raw Trac session key.
set -euo pipefail
cache=${1:?usage: read.sh CACHE_DIR DATA_DIR KEY}
data=${2:?usage: read.sh CACHE_DIR DATA_DIR KEY}
key=${3:?usage: read.sh CACHE_DIR DATA_DIR KEY}
case "$key" in
    access-keys) key=accesskeys ;;
    wiki-full-width) key=wiki_fullwidth ;;
    symbols-only) key=ui.use_symbols ;;
    hide-help) key=ui.hide_help ;;
esac
# The venv's python: its sqlite3 module, no sqlite3 CLI needed.
exec "$cache/trac/venv/bin/python" - "$data/env/db/trac.db" "$key" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
row = db.execute(
    "SELECT value FROM session_attribute WHERE sid='privaudit' AND authenticated=1 AND name=?",
    (sys.argv[2],),
).fetchone()
print("on" if row and row[0] not in ("", "0") else "off")
PY
