#!/usr/bin/env bash
# start.sh CACHE_DIR DATA_DIR PORT
#
# Creates a fresh Trac environment in DATA_DIR (an empty directory), with the
# TracAccountManager form login (/login) and one account
#   privaudit / correct horse battery staple
# whose User Interface preferences start all ON (Trac's defaults are all off):
#   accesskeys, wiki_fullwidth, ui.use_symbols, ui.hide_help
# then execs tracd in the foreground on http://127.0.0.1:PORT/ .
set -euo pipefail
cache=${1:?usage: start.sh CACHE_DIR DATA_DIR PORT}
data=${2:?usage: start.sh CACHE_DIR DATA_DIR PORT}
port=${3:?usage: start.sh CACHE_DIR DATA_DIR PORT}
venv="$cache/trac/venv"
[ -x "$venv/bin/tracd" ] || { echo "start.sh: run setup.sh $cache first" >&2; exit 1; }
mkdir -p "$data"
env="$data/env"

# One Python process does initenv, configuration, account and preferences
# (trac-admin once per step would cost ~1 s each).
"$venv/bin/python" - "$env" <<'PY'
import sys
from trac.admin.console import TracAdmin
from trac.env import Environment

path = sys.argv[1]
import contextlib
with contextlib.redirect_stdout(sys.stderr):  # initenv's chatter
    if TracAdmin(path).onecmd('initenv "privaudit real-app test" sqlite:db/trac.db'):
        sys.exit("start.sh: trac-admin initenv failed")

env = Environment(path)
cfg = env.config
for comp, state in [
    ("trac.web.auth.loginmodule", "disabled"),   # HTTP-auth login replaced by
    ("acct_mgr.web_ui.loginmodule", "enabled"),  # AccountManager's form
    ("acct_mgr.api.accountmanager", "enabled"),
    ("acct_mgr.db.sessionstore", "enabled"),
    ("acct_mgr.pwhash.htdigesthashmethod", "enabled"),
    ("acct_mgr.register.*", "disabled"),
]:
    cfg.set("components", comp, state)
cfg.set("account-manager", "password_store", "SessionStore")
cfg.set("account-manager", "hash_method", "HtDigestHashMethod")
cfg.set("account-manager", "login_attempt_max_count", "0")  # no lock-out in tests
cfg.set("logging", "log_type", "stderr")
cfg.set("logging", "log_level", "ERROR")
cfg.save()

env = Environment(path)  # reload with the plugin enabled
from acct_mgr.api import AccountManager
from trac.web.session import DetachedSession

# The session first: saving a new DetachedSession rewrites all of the sid's
# attributes, which would drop a password stored before it.
s = DetachedSession(env, "privaudit")
s["name"] = "Priv Audit"
for key in ("accesskeys", "wiki_fullwidth", "ui.use_symbols", "ui.hide_help"):
    s[key] = "1"  # what Trac's /prefs form stores for a ticked box
s.save()
# SessionStore keeps the hash in session_attribute (name 'password').
AccountManager(env).set_password("privaudit", "correct horse battery staple")
if not AccountManager(env).check_password("privaudit", "correct horse battery staple"):
    sys.exit("start.sh: the account's password did not take")
env.shutdown()
PY

exec "$venv/bin/tracd" --hostname=127.0.0.1 --port="$port" --single-env "$env"
