#!/usr/bin/env bash
# Remakes the fixtures of cfssl-pkcs12's tests with OpenSSL 3 (see README.md). Every run
# makes new keys, so the files change; the tests only rely on how they relate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
days=36500

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out root-key.pem
openssl req -x509 -new -key root-key.pem -subj "/O=cfssl-rs tests/CN=Test Root" -days $days \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -out root.pem

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out intermediate-key.pem
openssl req -new -key intermediate-key.pem -subj "/O=cfssl-rs tests/CN=Test Intermediate" \
    -out intermediate.csr
openssl x509 -req -in intermediate.csr -CA root.pem -CAkey root-key.pem -CAcreateserial \
    -days $days -extfile <(printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n') \
    -out intermediate.pem

# Leaves in the formats cfssl writes: SEC1 EC, PKCS#1 RSA, PKCS#8 Ed25519.
openssl ecparam -name prime256v1 -genkey -noout -out leaf-ecdsa-key.pem
openssl genrsa -traditional -out leaf-rsa-key.pem 2048
openssl genpkey -algorithm ed25519 -out leaf-ed25519-key.pem
for kind in ecdsa rsa ed25519; do
    openssl req -new -key "leaf-$kind-key.pem" -subj "/O=cfssl-rs tests/CN=leaf $kind" \
        -out "leaf-$kind.csr"
    openssl x509 -req -in "leaf-$kind.csr" -CA intermediate.pem -CAkey intermediate-key.pem \
        -CAcreateserial -days $days \
        -extfile <(printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:leaf.example\n') \
        -out "leaf-$kind.pem"
done
cat intermediate.pem root.pem > chain.pem

# What openssl pkcs12 -export writes, for the reader: its default (AES), Triple-DES
# throughout, and -legacy (RC2-40 certificates, which cfssl-pkcs12 refuses by name).
export_p12() {
    local out="$1"; shift
    openssl pkcs12 -export -in leaf-ecdsa.pem -inkey leaf-ecdsa-key.pem -certfile chain.pem \
        -name "openssl made" -passout pass:fixture "$@" -out "$out"
}
export_p12 openssl-aes.p12
export_p12 openssl-3des.p12 -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1
export_p12 openssl-rc2.p12 -legacy
rm -f ./*.csr ./*.srl root-key.pem intermediate-key.pem
