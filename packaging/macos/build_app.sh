#!/usr/bin/env bash
# Build "MIM Desk.app" for one architecture, sign it, and self-test the signed app.
#
#   packaging/macos/build_app.sh
#
# MIMDESK_TARGET_ARCH  arm64 or x86_64 (default: this Mac's). There is no universal2 build:
#                      Pillow and psycopg-binary ship no universal2 wheels.
# MIMDESK_SIGN_APP     "Developer ID Application: Org (TEAMID)" in the keychain; unset, the
#                      app keeps PyInstaller's ad-hoc signature (for testing only).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export MIMDESK_TARGET_ARCH="${MIMDESK_TARGET_ARCH:-$(uname -m)}"
app="$root/dist/MIM Desk.app"

cd "$root"
# PyInstaller signs every binary inside the bundle with MIMDESK_SIGN_APP (hardened runtime,
# timestamp, entitlements: see packaging/mimdesk.spec), then build.py runs the self-test.
uv run --group packaging python packaging/build.py

if [ -n "${MIMDESK_SIGN_APP:-}" ]; then
  codesign --force --options runtime --timestamp \
    --entitlements "$here/entitlements.plist" --sign "$MIMDESK_SIGN_APP" "$app"
  codesign --verify --strict --deep --verbose=2 "$app"
  # The hardened runtime can stop what ran unsigned: test the signed app again.
  "$app/Contents/MacOS/mimdesk" --self-test
else
  echo "MIMDESK_SIGN_APP is not set: $app has an ad-hoc signature (not for distribution)"
fi
echo "built $app ($(lipo -archs "$app/Contents/MacOS/mimdesk"))"
