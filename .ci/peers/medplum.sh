#!/usr/bin/env bash
# Install the loopback Medplum FHIR R4 peer (peers/medplum-fhir of the conformance corpus)
# into DIR, for the tests that read XCGATE_MEDPLUM_DIR (tests/src/medplum.rs):
#
#   bash .ci/peers/medplum.sh /tmp/xcgate-medplum && export XCGATE_MEDPLUM_DIR=/tmp/xcgate-medplum
#
# The corpus is $CONFORMANCE, else $XCGATE_CONFORMANCE_DIR, else ../shared/conformance beside
# this repository. Needs node and npm. Prints nothing but errors; running it again only
# refreshes the copied files and reinstalls when package.json changed.
set -euo pipefail

dest="${1:?usage: .ci/peers/medplum.sh DIR}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
conformance="${CONFORMANCE:-${XCGATE_CONFORMANCE_DIR:-$repo/../shared/conformance}}"
src="$conformance/peers/medplum-fhir"

if [ ! -f "$src/server.mjs" ] || [ ! -f "$src/package.json" ]; then
  echo "medplum.sh: no server.mjs and package.json in $src (set CONFORMANCE to the corpus)" >&2
  exit 1
fi
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "medplum.sh: $tool is not installed" >&2; exit 1; }
done

mkdir -p "$dest"
# Install only when the dependencies changed (or were never installed).
changed=1
if [ -d "$dest/node_modules" ] && cmp -s "$src/package.json" "$dest/package.json"; then
  changed=0
fi
# The corpus is read-only: copy contents with writable modes so a rerun can overwrite them.
for f in "$src"/*; do
  [ -f "$f" ] && install -m 0644 "$f" "$dest/"
done
if [ "$changed" = 1 ]; then
  (cd "$dest" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
