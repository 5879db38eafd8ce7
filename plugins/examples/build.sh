#!/usr/bin/env bash
# Build both example adapters in other languages:
#
#   plugins/examples/build.sh [OUT_DIR]
#
# writes python-community.wasm (componentize-py, from PyPI) and js-community.wasm
# (ComponentizeJS, from npm) to OUT_DIR (default: <repo>/target/example-plugins). The tools
# go to $XCGATE_EXAMPLES_TOOLS (default /tmp/xcgate-examples: venv/ and npm/) and are
# reused by the next run. Exit status: 0 both built; 3 a tool could not be installed (a
# `SKIPPED: ...` line says which; the CI decides whether that is fatal); anything else: a
# build failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd))"
out="${1:-$repo/target/example-plugins}"

status=0
for example in python-community js-community; do
    bash "$here/$example/build.sh" "$out"
    rc=$?
    if [ "$rc" -eq 3 ]; then
        [ "$status" -eq 0 ] && status=3
    elif [ "$rc" -ne 0 ]; then
        echo "FAILED: $example (exit $rc)" >&2
        status=1
    fi
done
if [ "$status" -eq 3 ]; then
    echo "SKIPPED: not every example adapter was built (see the SKIPPED lines above)" >&2
fi
exit "$status"
