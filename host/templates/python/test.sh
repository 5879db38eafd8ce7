#!/usr/bin/env bash
# Unit tests of the adapter, natively (written by `xcgate plugin new`):
#
#   ./test.sh
#
# componentize-py (installed by build.sh from PyPI, cached in $XCGATE_EXAMPLES_TOOLS,
# default /tmp/xcgate-examples) writes the contract's Python bindings to target/bindings;
# test_app.py stands in for the host. Exit 3 when the tool cannot be installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="${XCGATE_EXAMPLES_TOOLS:-/tmp/xcgate-examples}"
if [ ! -x "$tools/venv/bin/componentize-py" ]; then
    bash "$here/build.sh" >/dev/null
fi
rm -rf "$here/target/bindings"
"$tools/venv/bin/componentize-py" -d "$here/wit" -w community bindings "$here/target/bindings"
cd "$here"
PYTHONPATH="$here/target/bindings:$here" PYTHONDONTWRITEBYTECODE=1 \
    "$tools/venv/bin/python" -m unittest -v test_app
