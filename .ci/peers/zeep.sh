#!/usr/bin/env bash
# Install python-zeep (the SOAP client peer of tests/tests/zeep_peer.rs) in a venv at $1.
# Idempotent; prints nothing but errors. Then: export XCGATE_ZEEP_PYTHON=$1/bin/python
set -euo pipefail
venv="${1:?usage: zeep.sh VENV_DIR}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import zeep' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check zeep==4.3.3 lxml
fi
