#!/usr/bin/env bash
# start.sh CACHE_DIR DATA_DIR PORT
#
# A fresh Wagtail instance: copies setup.sh's template database (migrated,
# with the superuser privaudit / correct horse battery staple whose account
# preferences are all ON: submitted/approved/rejected/updated-comments
# notifications and keyboard shortcuts) into DATA_DIR (an empty directory),
# then execs Django's server (runserver: DEBUG on, serves the admin's
# static files; no autoreload, no system checks) in the foreground on
# http://127.0.0.1:PORT/ (admin and its login form under /admin/).
set -euo pipefail
cache=${1:?usage: start.sh CACHE_DIR DATA_DIR PORT}
data=$(mkdir -p "${2:?usage: start.sh CACHE_DIR DATA_DIR PORT}" && cd "$2" && pwd)
port=${3:?usage: start.sh CACHE_DIR DATA_DIR PORT}
venv="$cache/wagtail/venv"
site="$cache/wagtail/site"
[ -f "$cache/wagtail/template/.privaudit-stamp" ] || { echo "start.sh: run setup.sh $cache first" >&2; exit 1; }
cp "$cache/wagtail/template/db.sqlite3" "$data/db.sqlite3"
mkdir -p "$data/media"
export PRIVAUDIT_WAGTAIL_DATA="$data" DJANGO_SETTINGS_MODULE=privsite.settings.dev PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" "$site/manage.py" runserver --noreload --skip-checks "127.0.0.1:$port"
