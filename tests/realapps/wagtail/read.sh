#!/usr/bin/env bash
# read.sh CACHE_DIR DATA_DIR KEY: prints `on` or `off`, the preference as
# Wagtail stored it: the column KEY (dashes read as underscores) of the
# user `privaudit`'s row in wagtailusers_userprofile, DATA_DIR/db.sqlite3.
# KEY is a setting id of rules/wagtail.toml (e.g. submitted-notifications,
# keyboard-shortcuts).
set -euo pipefail
cache=${1:?usage: read.sh CACHE_DIR DATA_DIR KEY}
data=${2:?usage: read.sh CACHE_DIR DATA_DIR KEY}
key=${3:?usage: read.sh CACHE_DIR DATA_DIR KEY}
exec "$cache/wagtail/venv/bin/python" - "$data/db.sqlite3" "${key//-/_}" <<'PY'
import sqlite3, sys
db_path, column = sys.argv[1:]
allowed = {"submitted_notifications", "approved_notifications", "rejected_notifications",
           "updated_comments_notifications", "keyboard_shortcuts"}
if column not in allowed:
    sys.exit(f"read.sh: unknown key {column}")
db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
row = db.execute(
    f"SELECT p.{column} FROM wagtailusers_userprofile p JOIN auth_user u ON u.id = p.user_id"
    " WHERE u.username = 'privaudit'").fetchone()
if row is None:
    sys.exit("read.sh: no profile row for privaudit")
print("on" if row[0] else "off")
PY
