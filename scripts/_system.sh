# Shared by scripts/serve and scripts/check: the system packages the project needs.
# shellcheck shell=bash

# ensure_system_packages COMMAND=PACKAGE...: install the Debian packages whose command is
# missing, as root or through sudo; otherwise stop at once with the one command to run.
ensure_system_packages() {
    local pair command package missing=()
    for pair in "$@"; do
        command="${pair%%=*}"
        package="${pair#*=}"
        command -v "$command" >/dev/null 2>&1 || missing+=($package)
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo"
        else
            echo "Missing system packages. Run once, then try again:" >&2
            echo "    sudo apt-get install -y ${missing[*]}" >&2
            exit 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "Missing system packages (${missing[*]}) and no apt-get: install them with your" \
            "system's package manager, then try again." >&2
        exit 1
    fi
    echo "Installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
