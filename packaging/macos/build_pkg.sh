#!/usr/bin/env bash
# Wrap "MIM Desk.app" in a flat installer package for MDM (Intune, Jamf): installs to
# /Applications, refuses other architectures and macOS versions the app cannot run on.
#
#   packaging/macos/build_pkg.sh          (after build_app.sh)
#
# MIMDESK_SIGN_INSTALLER  "Developer ID Installer: Org (TEAMID)": signs the package
# MIMDESK_NOTARY_PROFILE  a `xcrun notarytool store-credentials` profile: notarise and staple
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
app="$root/dist/MIM Desk.app"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/mimdesk/__init__.py")"
arch="$(lipo -archs "$app/Contents/MacOS/mimdesk")"
min_macos="$(plutil -extract LSMinimumSystemVersion raw "$app/Contents/Info.plist")"
out="$root/dist/mimdesk-$version-macos-$arch.pkg"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The component package; not relocatable, so it always lands in /Applications.
mkdir -p "$work/root"
ditto "$app" "$work/root/MIM Desk.app"
pkgbuild --analyze --root "$work/root" "$work/component.plist"
plutil -replace 0.BundleIsRelocatable -bool NO "$work/component.plist"
pkgbuild --root "$work/root" --component-plist "$work/component.plist" \
  --install-location /Applications --identifier org.mimdesk.MIMDesk --version "$version" \
  "$work/mimdesk.pkg"

cat >"$work/distribution.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
    <title>MIM Desk $version</title>
    <options customize="never" require-scripts="false" hostArchitectures="$arch"/>
    <volume-check>
        <allowed-os-versions><os-version min="$min_macos"/></allowed-os-versions>
    </volume-check>
    <domains enable_anywhere="false" enable_currentUserHome="false" enable_localSystem="true"/>
    <choices-outline><line choice="org.mimdesk.MIMDesk"/></choices-outline>
    <choice id="org.mimdesk.MIMDesk" visible="false"><pkg-ref id="org.mimdesk.MIMDesk"/></choice>
    <pkg-ref id="org.mimdesk.MIMDesk" version="$version" onConclusion="none">mimdesk.pkg</pkg-ref>
</installer-gui-script>
XML

sign=()
if [ -n "${MIMDESK_SIGN_INSTALLER:-}" ]; then
  sign=(--sign "$MIMDESK_SIGN_INSTALLER" --timestamp)
fi
productbuild --distribution "$work/distribution.xml" --package-path "$work" \
  ${sign[@]+"${sign[@]}"} "$out"

if [ -n "${MIMDESK_NOTARY_PROFILE:-}" ]; then
  "$here/notarize.sh" "$out"
fi
pkgutil --check-signature "$out" || true
echo "built $out (macOS $min_macos or later, $arch)"
