# Shared by scripts/serve and scripts/check: the system packages the project needs.
# shellcheck shell=bash

# present WHAT: whether a command (``pdftotext``), a shared library (``lib:libpango-1.0.so.0``)
# or a font family (``font:Noto Sans CJK SC``) is on this machine.
present() {
    case "$1" in
        # grep reads to the end (no -q): under pipefail an early exit would fail ldconfig.
        lib:*) "$(command -v ldconfig || echo /sbin/ldconfig)" -p 2>/dev/null |
            grep -F "${1#lib:} " >/dev/null ;;
        font:*) command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list ":family=${1#font:}" family)" ] ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

# ensure_system_packages WHAT=PACKAGE...: install the Debian packages whose command, library
# or font (see ``present``) is missing, as root or through sudo; otherwise stop at once with
# the one command to run.
ensure_system_packages() {
    local pair command package missing=()
    for pair in "$@"; do
        command="${pair%%=*}"
        package="${pair#*=}"
        present "$command" || missing+=($package)
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

# What WeasyPrint needs to print the PDF statements, reports and call notices: Pango (with
# HarfBuzz and fontconfig) and a font with the Chinese glyphs, which each PDF embeds.
PDF_SYSTEM_PACKAGES=(
    "lib:libpango-1.0.so.0=libpango-1.0-0"
    "lib:libpangoft2-1.0.so.0=libpangoft2-1.0-0"
    "lib:libharfbuzz-subset.so.0=libharfbuzz-subset0"
    "fc-list=fontconfig"
    "font:Noto Sans CJK SC=fonts-noto-cjk"
)
