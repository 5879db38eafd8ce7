#!/bin/sh
# Run one target for SECONDS (default 600) on one core, seeded and with the dictionary.
#   fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
# libFuzzer's output is kept in fuzz/artifacts/logs/ (git-ignored): TARGET.log (cargo
# fuzz) and TARGET/fuzz-0.log (the worker, with the stats).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=$1; secs=${2:-600}; shift; [ $# -gt 0 ] && shift
[ -d "$here/corpus/$target" ] || "$here/seed.sh"
logs="$here/artifacts/logs/$target"
mkdir -p "$logs"
cd "$logs" # -jobs writes fuzz-0.log into the working directory
RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir "$here" "$target" "$here/corpus/$target" -- \
    -max_total_time="$secs" -jobs=1 -workers=1 -timeout=10 -rss_limit_mb=2048 \
    -dict="$here/ihe.dict" -print_final_stats=1 "$@" \
    >"$logs/../$target.log" 2>&1 || echo "exit $?" >>"$logs/../$target.log"
tail -n 40 "$logs/fuzz-0.log"
