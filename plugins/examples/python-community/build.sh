#!/usr/bin/env bash
# Build the Python example adapter: python-community.wasm in OUT_DIR.
#
#   plugins/examples/python-community/build.sh [OUT_DIR]
#
# OUT_DIR defaults to <repo>/target/example-plugins (in a project of `xcgate plugin new`:
# its target/). componentize-py (pinned in
# requirements.txt) is installed from PyPI into a venv under $XCGATE_EXAMPLES_TOOLS
# (default /tmp/xcgate-examples) and reused while its version matches. When it cannot be
# installed the script prints `SKIPPED: ...` and exits 3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -f "$here/wit/world.wit" ]; then
    # A project written by `xcgate plugin new`: its world and the contract are in wit/.
    world="$here/wit/world.wit"
    contract="$here/wit/deps/xcgate-adapter"
    out="${1:-$here/target}"
else
    repo="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../../.." && pwd))"
    world="$here/../wit/world.wit"
    contract="$repo/wit/v0.6"
    out="${1:-$repo/target/example-plugins}"
fi
tools="${XCGATE_EXAMPLES_TOOLS:-/tmp/xcgate-examples}"
venv="$tools/venv"
wanted="$(sed -n 's/^componentize-py==//p' "$here/requirements.txt")"

skip() {
    echo "SKIPPED: python-community: $*" >&2
    exit 3
}

# The tool: reuse the venv when it has the pinned version.
have="$("$venv/bin/componentize-py" --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$wanted" ]; then
    python="$(command -v python3 || true)"
    [ -n "$python" ] || skip "no python3 to install componentize-py with"
    if [ ! -x "$venv/bin/pip" ]; then
        mkdir -p "$tools"
        "$python" -m venv "$venv" || skip "python3 -m venv $venv failed (Debian: apt-get install python3-venv)"
    fi
    echo "installing componentize-py $wanted into $venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" ||
        skip "pip could not install componentize-py==$wanted from PyPI"
    have="$("$venv/bin/componentize-py" --version 2>/dev/null | awk '{print $2}' || true)"
    [ "$have" = "$wanted" ] || skip "componentize-py $wanted installed but does not run"
fi

# The WIT: the examples' world beside the current contract.
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/deps/xcgate-adapter"
cp "$world" "$stage/"
cp "$contract"/*.wit "$stage/deps/xcgate-adapter/"

# The app is built from a copy: componentize-py writes __pycache__ beside the sources.
mkdir -p "$stage/app" "$out"
cp "$here/app.py" "$stage/app/"
start=$(date +%s)
"$venv/bin/componentize-py" -q -d "$stage" -w community \
    componentize app -p "$stage/app" -o "$out/python-community.wasm"
echo "python-community: $out/python-community.wasm ($(stat -c %s "$out/python-community.wasm") bytes, $(($(date +%s) - start)) s, componentize-py $have)"
