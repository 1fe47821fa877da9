# Sourced by <app>/setup.sh: make_venv DEST REQUIREMENTS
#
# Creates (or reuses) a virtualenv at DEST holding exactly the packages pinned
# in REQUIREMENTS (every one `name==version`, transitive dependencies
# included, installed with --no-deps so nothing unpinned sneaks in). A stamp
# file holds the sha256 of the requirements and of the interpreter version; a
# second run with the same pins does nothing.
#
# PYTHON picks the interpreter (default: python3, CPython 3.11).
make_venv() {
    local dest=$1 reqs=$2
    local python=${PYTHON:-python3}
    local want
    want="$(sha256sum "$reqs" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"
    if [ -f "$dest/.privaudit-stamp" ] && [ "$(cat "$dest/.privaudit-stamp")" = "$want" ]; then
        return 0
    fi
    rm -rf "$dest"
    mkdir -p "$(dirname "$dest")"
    if ! "$python" -m venv "$dest"; then
        echo "setup: '$python -m venv' failed (Debian: apt-get install python3-venv)" >&2
        return 1
    fi
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$dest/bin/python" -m pip install --quiet \
        --no-deps --only-binary=:all: -r "$reqs"
    "$dest/bin/python" -m pip check >&2
    echo "$want" > "$dest/.privaudit-stamp"
}
