#!/usr/bin/env bash
# Builds the .deb with CPack from the given build tree into a scratch folder and checks that it holds what
# an installed Opsdeck needs, with the dependencies dpkg will resolve. Usage: check-deb.sh BUILD_DIR
set -euo pipefail
build=${1:?build dir}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$build" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log" >&2; echo "FAIL: cpack failed" >&2; exit 1; }
deb=$(ls "$out"/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "FAIL: cpack produced no .deb" >&2; exit 1; }
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
control=$(dpkg-deb -f "$deb")
failures=0; checks=0
expect() { checks=$((checks + 1)); if printf '%s\n' "$2" | grep -Eq "$3"; then echo "ok   - $1"; else echo "FAIL - $1" >&2; failures=$((failures + 1)); fi; }
expect "opsdeck binary" "$contents" '^\./usr/bin/opsdeck$'
expect "opsdeck-sim binary" "$contents" '^\./usr/bin/opsdeck-sim$'
expect "kubernetes plugin" "$contents" '^\./usr/lib/opsdeck/plugins/libopsdeck-kubernetes\.so$'
expect "appinsights plugin" "$contents" '^\./usr/lib/opsdeck/plugins/libopsdeck-appinsights\.so$'
expect "costmanagement plugin" "$contents" '^\./usr/lib/opsdeck/plugins/libopsdeck-costmanagement\.so$'
expect "azuresql plugin" "$contents" '^\./usr/lib/opsdeck/plugins/libopsdeck-azuresql\.so$'
expect "no test-only plugin" "$(printf '%s\n' "$contents" | grep -c -e testplugin -e testactions || true)" '^0$'
expect "seed scenario" "$contents" '^\./usr/share/opsdeck/scenarios/seed\.yaml$'
expect "desktop file" "$contents" '^\./usr/share/applications/.*\.desktop$'
expect "AppStream metainfo" "$contents" '^\./usr/share/metainfo/.*\.xml$'
expect "package name" "$control" '^Package: opsdeck$'
expect "depends on Qt Widgets" "$control" '^Depends:.*libqt6widgets6'
expect "depends on the platform plugins" "$control" '^Depends:.*qt6-qpa-plugins'
expect "depends on the SQLite driver" "$control" '^Depends:.*libqt6sql6-sqlite'
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
