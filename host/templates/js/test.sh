#!/usr/bin/env bash
# Unit tests of the adapter (written by `xcgate plugin new`):
#
#   ./test.sh
#
# builds the component (build.sh: ComponentizeJS and jco from npm, cached in
# $XCGATE_EXAMPLES_TOOLS, default /tmp/xcgate-examples) and runs test.mjs in Node.js.
# Exit 3 when the tools cannot be installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/build.sh" >/dev/null
node "$here/test.mjs"
