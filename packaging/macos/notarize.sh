#!/usr/bin/env bash
# Notarise a signed .pkg or .dmg with Apple and staple the ticket to it.
#
#   MIMDESK_NOTARY_PROFILE=profile packaging/macos/notarize.sh FILE
#
# The profile is made once per machine (CI: from secrets) with
#   xcrun notarytool store-credentials PROFILE --apple-id ID --team-id TEAM --password APP_PW
set -euo pipefail

file="$1"
result="$(mktemp)"
trap 'rm -f "$result"' EXIT
xcrun notarytool submit "$file" --keychain-profile "$MIMDESK_NOTARY_PROFILE" --wait \
  --output-format json >"$result"
status="$(plutil -extract status raw "$result")"
if [ "$status" != "Accepted" ]; then
  echo "notarisation of $file: $status" >&2
  id="$(plutil -extract id raw "$result")"
  xcrun notarytool log "$id" --keychain-profile "$MIMDESK_NOTARY_PROFILE" >&2 || true
  exit 1
fi
xcrun stapler staple "$file"
xcrun stapler validate "$file"
