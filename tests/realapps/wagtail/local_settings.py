# privaudit's settings for the `wagtail start` project: imported by the
# generated privsite/settings/dev.py as privsite/settings/local.py.
# Everything per instance lives in $PRIVAUDIT_WAGTAIL_DATA.
import os
from pathlib import Path

_data = Path(os.environ["PRIVAUDIT_WAGTAIL_DATA"])
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _data / "db.sqlite3"}}
MEDIA_ROOT = _data / "media"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
# No network: no release check on the dashboard, no Gravatar images,
# no "what's new" banner.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# The test password is a "common" one only by Django's list; it is set by
# start.sh through the ORM, which does not run validators anyway.
AUTH_PASSWORD_VALIDATORS = []
