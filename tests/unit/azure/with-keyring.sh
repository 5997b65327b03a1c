#!/bin/sh
# Runs a test under its own D-Bus session with an unlocked gnome-keyring (Secret Service) and a private
# HOME and XDG_RUNTIME_DIR, so it never touches the user's keyring (DESIGN §12).
#   with-keyring.sh TEST [ARGS...]       a real secret service
#   with-keyring.sh --none TEST [ARGS...] no secret service at all (a session bus nobody serves)
set -u
none=0
if [ "${1:-}" = "--none" ]; then none=1; shift; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-keyring-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" XDG_DATA_HOME="$tmp/home/.local/share" \
       XDG_CONFIG_HOME="$tmp/home/.config" XDG_CACHE_HOME="$tmp/home/.cache"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset XDG_CURRENT_DESKTOP KDE_FULL_SESSION DESKTOP_SESSION
if [ "$none" = 1 ]; then
    # A bus address that leads nowhere: every keychain job fails, nothing is activated.
    DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus" OPSDECK_EXPECT_KEYRING=0 "$@"
    exit $?
fi
command -v dbus-run-session >/dev/null || { echo "dbus-run-session missing (dbus)" >&2; exit 1; }
command -v gnome-keyring-daemon >/dev/null || { echo "gnome-keyring-daemon missing (gnome-keyring)" >&2; exit 1; }
OPSDECK_EXPECT_KEYRING=1 dbus-run-session -- sh -c \
    'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' sh "$@"
