#!/usr/bin/env bash
# A disk image for people who install by hand: "MIM Desk.app" and a link to /Applications.
#
#   packaging/macos/build_dmg.sh          (after build_app.sh)
#
# MIMDESK_SIGN_APP        signs the image with the Developer ID Application identity
# MIMDESK_NOTARY_PROFILE  notarise and staple the image
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
app="$root/dist/MIM Desk.app"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/mimdesk/__init__.py")"
arch="$(lipo -archs "$app/Contents/MacOS/mimdesk")"
out="$root/dist/mimdesk-$version-macos-$arch.dmg"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/MIM Desk"
ditto "$app" "$work/MIM Desk/MIM Desk.app"
ln -s /Applications "$work/MIM Desk/Applications"
hdiutil create -volname "MIM Desk $version" -srcfolder "$work/MIM Desk" -fs HFS+ \
  -format UDZO -ov "$out"

if [ -n "${MIMDESK_SIGN_APP:-}" ]; then
  codesign --force --timestamp --sign "$MIMDESK_SIGN_APP" "$out"
fi
if [ -n "${MIMDESK_NOTARY_PROFILE:-}" ]; then
  "$here/notarize.sh" "$out"
fi
echo "built $out"
