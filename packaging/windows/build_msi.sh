#!/usr/bin/env bash
# Build the MIM Desk MSI from a frozen Windows build, on Linux, with wixl (msitools).
#
#   packaging/windows/build_msi.sh [DIST_FOLDER] [OUTPUT.msi]
#
# DIST_FOLDER is the PyInstaller output made on Windows (default dist/mimdesk: it holds
# mimdesk.exe and mimdeskw.exe); OUTPUT defaults to dist/mimdesk-VERSION-x64.msi.
# The version comes from mimdesk/__init__.py (MIMDESK_VERSION overrides it, for tests).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

version="${MIMDESK_VERSION:-$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/mimdesk/__init__.py")}"
# MSI versions are numbers only (major.minor.build): 1.4.0rc1 -> 1.4.0.
msi_version="$(printf '%s' "$version" | sed 's/^\([0-9][0-9.]*[0-9]\).*/\1/')"
dist="$(cd "${1:-$root/dist/mimdesk}" && pwd)"
output="${2:-$root/dist/mimdesk-$version-x64.msi}"
output="$(cd "$(dirname "$output")" && pwd)/$(basename "$output")"

if ! command -v wixl >/dev/null || ! command -v msibuild >/dev/null; then
  echo "wixl/msibuild missing: installing msitools and wixl" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y --no-install-recommends msitools wixl
fi

for exe in mimdesk.exe mimdeskw.exe; do
  if [ ! -f "$dist/$exe" ]; then
    echo "error: $dist/$exe is missing: build the app on Windows first (packaging/build.py)" >&2
    exit 1
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)

# Harvest every file of the frozen app (paths relative to the dist folder's parent, which is
# where wixl runs: it wants relative sources). wixl-heat derives ids and Guid="*" from paths,
# so unchanged files keep their component GUIDs from one build to the next.
parent="$(dirname "$dist")"
name="$(basename "$dist")"
(cd "$parent" && find "$name" -type f | LC_ALL=C sort |
  wixl-heat --var var.SourceDir -p "$name/" --directory-ref INSTALLDIR \
    --component-group AppFiles --win64) >"$work/appfiles.wxs"

(cd "$parent" && wixl --arch x64 -D Version="$msi_version" -D SourceDir="$name" -D Win64=yes \
  -o "$output" "$here/mimdesk.wxs" "$work/appfiles.wxs")

# What wixl cannot express, added with msibuild (standard tables and actions, no custom action):
# - the MoveFile row that copies the SITECONFIG file to %ProgramData%\MIMDesk\site.toml
#   (SourceName empty: the SITECONFIG property holds the full path of the file itself);
# - the MoveFiles action in its standard place (after CreateFolders, before InstallFiles);
# - SITECONFIG in SecureCustomProperties, so it reaches the per-machine install (wixl ignores
#   Secure="yes").
msibuild "$output" -q "CREATE TABLE \`MoveFile\` (\`FileKey\` CHAR(72) NOT NULL, \
\`Component_\` CHAR(72) NOT NULL, \`SourceName\` CHAR(255) LOCALIZABLE, \
\`DestName\` CHAR(255) LOCALIZABLE, \`SourceFolder\` CHAR(72), \
\`DestFolder\` CHAR(72) NOT NULL, \`Options\` SHORT NOT NULL PRIMARY KEY \`FileKey\`)"
msibuild "$output" -q "INSERT INTO \`MoveFile\` (\`FileKey\`, \`Component_\`, \`DestName\`, \
\`SourceFolder\`, \`DestFolder\`, \`Options\`) \
VALUES ('CopySiteConfig', 'SiteFolder', 'site~1.tom|site.toml', 'SITECONFIG', 'SITEDIR', 0)"
msibuild "$output" -q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) \
VALUES ('MoveFiles', 3800)"
msibuild "$output" -q "UPDATE \`Property\` \
SET \`Value\` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;SITECONFIG' \
WHERE \`Property\` = 'SecureCustomProperties'"

product_code="$(msiinfo export "$output" Property | tr -d '\r' | sed -n 's/^ProductCode\t//p')"
files="$(msiinfo export "$output" File | tail -n +4 | wc -l)"
size="$(du -m "$output" | cut -f1)"
echo "built $output: MIM Desk $msi_version, $files files, ${size} MB, $(($(date +%s) - start)) s"
echo "ProductCode $product_code (uninstall: msiexec /x $product_code /qn)"
