#!/bin/sh
# The AT-SPI test's world: a virtual X server (xvfb-run), a private D-Bus session (dbus-run-session) with
# at-spi2-core's accessibility bus in it, a private HOME, and Debian's python3 with pyatspi.
# usage: run-atspi-test.sh OPSDECK [OPSDECK_SIM]      (ctest: ui_atspi)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 OPSDECK [OPSDECK_SIM]" >&2; exit 2; }
for tool in xvfb-run dbus-run-session xdotool /usr/bin/python3 /usr/libexec/at-spi-bus-launcher; do
    command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: $tool is missing (scripts/setup installs it)" >&2; exit 1; }
done

if [ "${OPSDECK_ATSPI_INNER:-}" != 1 ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-atspi.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    mkdir -m 700 "$work/home" "$work/runtime"
    # Inside the X server and the bus: this same script again, with the AT-SPI bus started first.
    env -u DBUS_SESSION_BUS_ADDRESS -u AT_SPI_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM \
        HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime" XDG_CONFIG_HOME="$work/home/.config" \
        XDG_DATA_HOME="$work/home/.local/share" XDG_CACHE_HOME="$work/home/.cache" \
        OPSDECK_ATSPI_INNER=1 LC_ALL=C.UTF-8 \
        timeout 150 xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- "$0" "$@"
    exit $?
fi

# The accessibility bus (and through it at-spi2-registryd); Qt finds it via org.a11y.Bus.
/usr/libexec/at-spi-bus-launcher --launch-immediately &
launcher=$!
trap 'kill $launcher 2>/dev/null || true' EXIT
i=0
until dbus-send --session --dest=org.a11y.Bus --print-reply /org/a11y/bus org.a11y.Bus.GetAddress >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -lt 50 ] || { echo "FAIL: the AT-SPI bus did not come up" >&2; exit 1; }
    sleep 0.1
done
/usr/bin/python3 "$here/opsdeck_atspi.py" "$@"
