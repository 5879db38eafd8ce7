#!/usr/bin/env bash
# Build the JavaScript example adapter: js-community.wasm in OUT_DIR.
#
#   plugins/examples/js-community/build.sh [OUT_DIR]
#
# OUT_DIR defaults to <repo>/target/example-plugins (in a project of `xcgate plugin new`:
# its target/). ComponentizeJS and jco (pinned in
# package.json / package-lock.json) are installed from npm with `npm ci` into
# $XCGATE_EXAMPLES_TOOLS/npm (default /tmp/xcgate-examples/npm) and reused while the lock
# file is unchanged. When they cannot be installed the script prints `SKIPPED: ...` and
# exits 3.
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
npm_dir="$tools/npm"

skip() {
    echo "SKIPPED: js-community: $*" >&2
    exit 3
}

# The tools: reuse node_modules while it was installed from this very lock file.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    skip "no node/npm (Debian: apt-get install nodejs npm)"
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || skip "jco needs Node.js 20 or newer, found $(node --version)"
lock_sum="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
stamp="$npm_dir/node_modules/.xcgate-lock-sha256"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_sum" ]; then
    mkdir -p "$npm_dir"
    cp "$here/package.json" "$here/package-lock.json" "$npm_dir/"
    echo "installing jco and ComponentizeJS into $npm_dir (npm ci)" >&2
    npm ci --prefix "$npm_dir" --no-audit --no-fund --loglevel=error >&2 ||
        skip "npm ci could not install the pinned @bytecodealliance packages"
    echo "$lock_sum" >"$stamp"
fi
componentize="$npm_dir/node_modules/.bin/componentize-js"
[ -x "$componentize" ] || skip "componentize-js missing from $npm_dir after npm ci"

# The WIT: the examples' world beside the current contract.
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/deps/xcgate-adapter"
cp "$world" "$stage/"
cp "$contract"/*.wit "$stage/deps/xcgate-adapter/"

# `http` and `fetch-event` pull in wasi:http, which the gateway does not link; stdio,
# clocks and random are plain WASI 0.2 that it does.
mkdir -p "$out"
start=$(date +%s)
"$componentize" "$here/adapter.js" --wit "$stage" --world-name community \
    --disable http fetch-event -o "$out/js-community.wasm" >&2
version="$(node -p "require('$npm_dir/node_modules/@bytecodealliance/componentize-js/package.json').version")"
echo "js-community: $out/js-community.wasm ($(stat -c %s "$out/js-community.wasm") bytes, $(($(date +%s) - start)) s, ComponentizeJS $version)"
