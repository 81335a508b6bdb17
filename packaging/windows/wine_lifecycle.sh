#!/usr/bin/env bash
# Drive the MSI's life cycle under Wine, as IT would with msiexec, and print PASS/FAIL per step:
# silent install with a site file, upgrade that keeps it, downgrade refused, silent uninstall.
#
#   packaging/windows/wine_lifecycle.sh [DIST_FOLDER]
#
# DIST_FOLDER is a frozen Windows build (dist/mimdesk with mimdesk.exe); without one, a small
# stand-in payload is used (the installer logic does not depend on what the files are).
# Needs Debian's wine (apt-get install wine64 wine) and msitools/wixl. Exit status: failures.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export WINEARCH=win64
failures=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
check() { # check NAME COMMAND...: PASS when the command succeeds
  local name="$1"
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}

wine_cmd="$(command -v wine64 || command -v wine || true)"
if [ -z "$wine_cmd" ]; then
  echo "FAIL wine: not installed (apt-get install wine64 wine)"
  exit 1
fi

# 1. Two versions of the MSI from the same payload.
if [ -n "${1:-}" ]; then
  payload="$(cd "$1" && pwd)"
else
  payload="$work/payload/mimdesk"
  mkdir -p "$payload/_internal/mimdesk/_data/resources"
  printf 'MZ stand-in\n' >"$payload/mimdesk.exe"
  printf 'MZ stand-in\n' >"$payload/mimdeskw.exe"
  printf 'stand-in\n' >"$payload/_internal/python311.dll"
  printf '[app]\n' >"$payload/_internal/mimdesk/_data/resources/settings.toml"
fi
for v in 1.2.3 1.2.4; do
  MIMDESK_VERSION=$v "$here/build_msi.sh" "$payload" "$work/mimdesk-$v.msi" >"$work/build-$v.log" 2>&1 ||
    { fail "build $v: $(tail -n 1 "$work/build-$v.log")"; exit 1; }
done
old_code="$(msiinfo export "$work/mimdesk-1.2.3.msi" Property | tr -d '\r' | sed -n 's/^ProductCode\t//p')"
new_code="$(msiinfo export "$work/mimdesk-1.2.4.msi" Property | tr -d '\r' | sed -n 's/^ProductCode\t//p')"
printf '[app]\ntheme = "dark"\n' >"$work/site.toml"

"$wine_cmd" wineboot --init >/dev/null 2>&1
drive_c="$WINEPREFIX/drive_c"
app_dir="$drive_c/Program Files/MIM Desk"
site_file="$drive_c/ProgramData/MIMDesk/site.toml"
msiexec() { # msiexec ARGS...: runs it, sets $status and $seconds
  local t0
  t0=$(date +%s)
  "$wine_cmd" msiexec "$@" >/dev/null 2>&1
  status=$?
  seconds=$(($(date +%s) - t0))
}
reg_value() { # reg_value NAME: the value under HKLM\SOFTWARE\MIMDesk, empty when missing
  "$wine_cmd" reg query 'HKLM\SOFTWARE\MIMDesk' /v "$1" 2>/dev/null |
    tr -d '\r' | sed -n "s/^ *$1 *REG_[A-Z_]* *//p"
}
installed_products() { # how many MIM Desk products Windows Installer knows
  "$wine_cmd" reg query 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall' 2>/dev/null |
    tr -d '\r' | grep -c -F -e "$old_code" -e "$new_code"
}

# 2. Silent install with a site file.
msiexec /i "Z:${work//\//\\}\\mimdesk-1.2.3.msi" /qn SITECONFIG="Z:${work//\//\\}\\site.toml" \
  /l*v "Z:${work//\//\\}\\install.log"
check "install: msiexec /i /qn SITECONFIG=... exit $status in $seconds s" [ "$status" -eq 0 ]
check "install: app files in C:\\Program Files\\MIM Desk" [ -f "$app_dir/mimdesk.exe" ]
check "install: site file copied to C:\\ProgramData\\MIMDesk\\site.toml" \
  cmp -s "$work/site.toml" "$site_file"
check "install: HKLM\\SOFTWARE\\MIMDesk SiteConfigSource names the site file" \
  [ "$(reg_value SiteConfigSource)" = "Z:${work//\//\\}\\site.toml" ]
check "install: version 1.2.3 registered" [ "$(reg_value Version)" = "1.2.3" ]
shortcut="$(find "$WINEPREFIX" -name 'MIM Desk.lnk' 2>/dev/null | head -n 1)"
check "install: Start menu shortcut${shortcut:+ (${shortcut#"$WINEPREFIX/"})}" [ -n "$shortcut" ]

# 3. Upgrade without SITECONFIG: the old product goes, IT's site file stays.
printf '# edited by IT after the install\n' >>"$site_file"
msiexec /i "Z:${work//\//\\}\\mimdesk-1.2.4.msi" /qn /l*v "Z:${work//\//\\}\\upgrade.log"
check "upgrade: msiexec /i 1.2.4 /qn exit $status in $seconds s" [ "$status" -eq 0 ]
check "upgrade: version 1.2.4 registered" [ "$(reg_value Version)" = "1.2.4" ]
check "upgrade: one product installed (1.2.3 removed)" [ "$(installed_products)" = "1" ]
check "upgrade: IT's site.toml kept, with its edit" grep -q "edited by IT" "$site_file"

# 4. Downgrade refused by the launch condition (Windows returns 1603, Wine its own code).
msiexec /i "Z:${work//\//\\}\\mimdesk-1.2.3.msi" /qn /l*v "Z:${work//\//\\}\\downgrade.log"
check "downgrade: msiexec /i 1.2.3 refused (exit $status)" [ "$status" -ne 0 ]
check "downgrade: 1.2.4 still installed" [ "$(reg_value Version)" = "1.2.4" ]

# 5. Optional: a real Windows build starts under Wine (Wine would run a Linux binary natively,
#    so only a PE executable is tried; stand-in payloads are skipped).
if [ -n "${1:-}" ] && [ "$(head -c 2 "$payload/mimdesk.exe")" = "MZ" ] &&
  [ "$(od -An -c -j "$(od -An -tu4 -j 60 -N 4 "$payload/mimdesk.exe" | tr -d ' ')" -N 2 \
    "$payload/mimdesk.exe" | tr -d ' ')" = "PE" ]; then
  if "$wine_cmd" "C:\\Program Files\\MIM Desk\\mimdesk.exe" --self-test >"$work/selftest.log" 2>&1; then
    pass "self-test of the installed app under Wine"
  else
    echo "INFO self-test under Wine failed (Qt under Wine is not a supported target):"
    sed 's/^/     /' "$work/selftest.log" | tail -n 12
  fi
elif [ -n "${1:-}" ]; then
  echo "INFO $payload/mimdesk.exe is not a Windows executable: no self-test under Wine"
fi

# 6. Silent uninstall by ProductCode: files and keys go, the site file stays.
msiexec /x "$new_code" /qn /l*v "Z:${work//\//\\}\\uninstall.log"
check "uninstall: msiexec /x $new_code /qn exit $status in $seconds s" [ "$status" -eq 0 ]
check "uninstall: app folder removed" [ ! -e "$app_dir/mimdesk.exe" ]
check "uninstall: HKLM\\SOFTWARE\\MIMDesk removed" [ -z "$(reg_value Version)" ]
check "uninstall: no product left" [ "$(installed_products)" = "0" ]
check "uninstall: IT's site.toml kept" [ -f "$site_file" ]

echo "$failures failure(s)"
exit "$failures"
