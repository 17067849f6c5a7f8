# Shared by scripts/serve and scripts/check: find Python >= 3.12 and keep .venv installed.
# shellcheck shell=bash

find_python() {
    local candidate version
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    # pyenv keeps versions that are installed but not selected: use the newest 3.12+.
    if command -v pyenv >/dev/null 2>&1; then
        for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])(\.[0-9]+)?$' | sort -rV); do
            PYENV_VERSION="$version" pyenv which python 2>/dev/null && return 0
        done
    fi
    echo "Python 3.12 or newer is needed (set PYTHON=/path/to/python3.12)." >&2
    return 1
}

# ensure_venv REQUIREMENTS_FILE: create .venv if needed and install when the pins changed.
ensure_venv() {
    local requirements="$1" python stamp wanted
    if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        python="$(find_python)"
        echo "Creating .venv with $python"
        rm -rf .venv
        "$python" -m venv .venv
        .venv/bin/python -m pip install --quiet --upgrade pip
    fi
    stamp=".venv/.installed-$(basename "$requirements")"
    wanted="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        echo "Installing $requirements"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
        echo "$wanted" > "$stamp"
    fi
}
