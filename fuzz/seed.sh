#!/bin/sh
# Seed the fuzz corpora from the shared conformance samples. The samples are third-party
# captures: they are copied at run time into fuzz/corpus/ (git-ignored), never committed.
#
#   fuzz/seed.sh [SAMPLES_DIR]     (default /work/shared/conformance/samples)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
samples=${1:-${XCGATE_SAMPLES:-/work/shared/conformance/samples}}
corpus="$here/corpus"
[ -d "$samples" ] || { echo "no samples at $samples" >&2; exit 1; }

seed() { # target, files...
    target=$1; shift
    mkdir -p "$corpus/$target"
    for f in "$@"; do
        [ -f "$f" ] && cp -f "$f" "$corpus/$target/$(basename "$(dirname "$f")")-$(basename "$f")"
    done
    return 0
}

# XML targets: every XML sample goes to every XML target (a Fault or another message in
# the wrong place is as interesting as the right one), the matching folders first.
xml_all=$(ls "$samples"/iti55/*.xml "$samples"/iti38/*.xml "$samples"/iti18/*.xml \
    "$samples"/iti39/*.xml "$samples"/iti43/*.xml 2>/dev/null || true)
# shellcheck disable=SC2086
seed soap_envelope $xml_all
# shellcheck disable=SC2086
seed iti55_body $xml_all
# shellcheck disable=SC2086
seed adhoc_query $xml_all
# shellcheck disable=SC2086
seed retrieve_document_set $xml_all

# MTOM: the target's input is `<Content-Type>\n<body>`. Bodies kept without HTTP headers
# (.txt) get a Content-Type line built from their first delimiter; raw HTTP captures are
# copied as they are (the target also reads its whole input as a capture) and as
# `Content-Type line + body`.
mkdir -p "$corpus/mtom_multipart"
for f in "$samples"/iti39/*.txt "$samples"/iti43/*.txt "$samples"/mtom/*.txt; do
    [ -f "$f" ] || continue
    name=$(basename "$(dirname "$f")")-$(basename "$f" .txt)
    if head -n 1 "$f" | grep -q 'HTTP/'; then
        cp -f "$f" "$corpus/mtom_multipart/$name-raw"
        ct=$(grep -i -m 1 '^content-type:' "$f" | sed 's/^[^:]*:[[:space:]]*//' | tr -d '\r')
        body_start=$(grep -n -m 1 '^[[:space:]]*$' "$f" | cut -d: -f1)
        { printf '%s\n' "$ct"; tail -n +"$((body_start + 1))" "$f"; } >"$corpus/mtom_multipart/$name-ct"
    else
        boundary=$(grep -m 1 '^--' "$f" | sed 's/^--//' | tr -d '\r' | sed 's/[[:space:]]*$//')
        { printf 'multipart/related; boundary="%s"; type="application/xop+xml"; start-info="application/soap+xml"\n' "$boundary"; cat "$f"; } \
            >"$corpus/mtom_multipart/$name"
    fi
done

for t in soap_envelope mtom_multipart iti55_body adhoc_query retrieve_document_set; do
    echo "$t: $(ls "$corpus/$t" | wc -l) seeds"
done
