#!/usr/bin/env bash
# setup.sh CACHE_DIR: installs Wagtail, exactly pinned, into
# CACHE_DIR/wagtail/venv, generates the project (`wagtail start privsite`) in
# CACHE_DIR/wagtail/site and a migrated template database
# CACHE_DIR/wagtail/template/db.sqlite3 holding the test account
#   privaudit / correct horse battery staple   (a superuser)
# whose account preferences (wagtailusers_userprofile) are written at
# Wagtail's defaults, all ON: submitted/approved/rejected/updated-comments
# notifications and keyboard shortcuts. migrate takes ~35 s, so start.sh only
# copies this database. Idempotent: a second run with the same inputs is a no-op.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$(mkdir -p "${1:?usage: setup.sh CACHE_DIR}" && cd "$1" && pwd)
. "$here/../lib/venv.sh"
make_venv "$cache/wagtail/venv" "$here/requirements.txt"

venv="$cache/wagtail/venv"
want="$(cat "$here/requirements.txt" "$here/local_settings.py" "$0" | sha256sum | cut -d' ' -f1)"
stamp="$cache/wagtail/template/.privaudit-stamp"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
rm -rf "$cache/wagtail/site" "$cache/wagtail/template"
mkdir -p "$cache/wagtail/site" "$cache/wagtail/template"
"$venv/bin/wagtail" start privsite "$cache/wagtail/site" >/dev/null
cp "$here/local_settings.py" "$cache/wagtail/site/privsite/settings/local.py"
PRIVAUDIT_WAGTAIL_DATA="$cache/wagtail/template" DJANGO_SETTINGS_MODULE=privsite.settings.dev \
    "$venv/bin/python" "$cache/wagtail/site/manage.py" migrate --verbosity 0
PRIVAUDIT_WAGTAIL_DATA="$cache/wagtail/template" DJANGO_SETTINGS_MODULE=privsite.settings.dev \
    "$venv/bin/python" "$cache/wagtail/site/manage.py" shell --no-imports -c '
from django.contrib.auth import get_user_model
from wagtail.users.models import UserProfile
user = get_user_model().objects.create_superuser(
    "privaudit", "privaudit@example.invalid", "correct horse battery staple",
    first_name="Priv", last_name="Audit")
profile = UserProfile.get_for_user(user)
for field in ("submitted_notifications", "approved_notifications",
              "rejected_notifications", "updated_comments_notifications",
              "keyboard_shortcuts"):
    setattr(profile, field, True)  # Wagtail default, written explicitly
profile.save()
'
echo "$want" > "$stamp"
