#!/usr/bin/env bash
# A throwaway PKI for trying config/examples/security/gateway.toml on one machine: a CA,
# the gateway's certificate (for localhost and 127.0.0.1, usable as server and client
# certificate), and the XUA keys (an STS whose assertions are trusted, and the gateway's
# own signing key). Never use these files in production. Needs openssl.
#
#   bash config/examples/security/make-test-pki.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$here/tls" "$here/xua"
cd "$here"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key tls/hie-ca.key
openssl req -x509 -new -key tls/hie-ca.key -days 365 -subj "/CN=xcgate example HIE CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out tls/hie-ca.pem

key tls/gateway.key
openssl req -new -key tls/gateway.key -subj "/CN=localhost/O=xcgate example gateway" -out tls/gateway.csr
openssl x509 -req -in tls/gateway.csr -CA tls/hie-ca.pem -CAkey tls/hie-ca.key -CAcreateserial \
  -days 90 -out tls/gateway.pem 2>/dev/null \
  -extfile <(printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    "extendedKeyUsage=serverAuth,clientAuth" "basicConstraints=CA:FALSE")
rm -f tls/gateway.csr tls/hie-ca.srl

for who in sts signing; do
  key "xua/$who.key"
  openssl req -x509 -new -key "xua/$who.key" -days 90 -subj "/CN=xcgate example $who" -out "xua/$who.pem"
done
echo "test PKI written to $here/tls and $here/xua"
