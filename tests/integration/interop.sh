#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Key files are interchangeable with Debian's tpm2-openssl 1.1.1 provider
# (module "tpm2"; both write TSS2 PRIVATE KEY files under the owner
# hierarchy's standard primary):
#
#  - keys made by tpm2-openssl (`openssl genpkey -provider tpm2 -provider
#    base`) load in attls with the same public key, and `openssl s_server`
#    with attls serves TLS 1.2 and 1.3 handshakes with them;
#  - keys made by attls load in tpm2-openssl with the same public key, and
#    tpm2-openssl's signatures with them verify in the default provider.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${ATTLS_BUILD_ROOT:-$src/build}
# shellcheck source=../lib/tpm-env.sh
. "$src/tests/lib/tpm-env.sh"
# shellcheck source=../lib/tls.sh
. "$src/tests/lib/tls.sh"
require_tools swtpm openssl tpm2_getcap tpm2_getrandom python3 ss setsid
module=$(attls_module "$build")
tpm2_module=$(openssl version -m | sed -n 's/^MODULESDIR: "\(.*\)"$/\1/p')/tpm2.so
if [ ! -f "$tpm2_module" ]; then
    tpmenv_log "SKIP: Debian's tpm2-openssl ($tpm2_module) is not installed"
    exit 77
fi

tpmenv_init interop
dir=$TPMENV_DIR
start_swtpm
make_openssl_cnf "$dir/attls.cnf" "$TPM_TCTI" "$module"
make_ca "$dir/ca"

# tpm2 ARG...: openssl with only tpm2-openssl and base (no attls config).
tpm2() {
    OPENSSL_CONF=/dev/null TPM2OPENSSL_TCTI=$TPM_TCTI openssl "$@" \
        -provider tpm2 -provider base
}
# attls ARG...: openssl with the shipped configuration (default + attls).
attls() {
    OPENSSL_CONF=$dir/attls.cnf openssl "$@"
}

echo "== tpm2-openssl keys in attls"
tpm2 genpkey -algorithm EC -pkeyopt group:P-256 -out "$dir/t2-ec.pem"
tpm2 genpkey -algorithm RSA -pkeyopt bits:2048 -out "$dir/t2-rsa.pem" \
    2>/dev/null
for k in t2-ec t2-rsa; do
    tpm2 pkey -in "$dir/$k.pem" -pubout -out "$dir/$k.pub.tpm2"
    attls pkey -in "$dir/$k.pem" -pubout -out "$dir/$k.pub"
    cmp "$dir/$k.pub.tpm2" "$dir/$k.pub" ||
        tpmenv_die "$k: attls reads another public key than tpm2-openssl"
    issue_cert "$dir/$k.pub" "$dir/$k.crt"
    assert_no_handles
done
export OPENSSL_CONF=$dir/attls.cnf
serve_rows "$dir/t2-ec.pem" "$dir/t2-ec.crt" -- \
    "TLSv1.3 ECDSA SHA256 -tls1_3" \
    "TLSv1.2 ECDSA SHA256 -tls1_2"
serve_rows "$dir/t2-rsa.pem" "$dir/t2-rsa.crt" -- \
    "TLSv1.3 RSA-PSS SHA256 -tls1_3" \
    "TLSv1.2 RSA SHA256 -tls1_2 -sigalgs rsa_pkcs1_sha256"
unset OPENSSL_CONF

echo "== attls keys in tpm2-openssl"
head -c 32 /dev/urandom >"$dir/digest"
for alg in ec-p256 rsa2048; do
    OPENSSL_CONF=$dir/attls.cnf make_attls_key "$dir/$alg.pem" \
        "$dir/$alg.crt" "$alg"
    tpm2 pkey -in "$dir/$alg.pem" -pubout -out "$dir/$alg.pub.tpm2"
    cmp "$dir/$alg.pub.tpm2" "$dir/$alg.pem.pub" ||
        tpmenv_die "$alg: tpm2-openssl reads another public key than attls"
    opts=()
    [ "$alg" = ec-p256 ] || opts=(-pkeyopt digest:sha256)
    tpm2 pkeyutl -sign -inkey "$dir/$alg.pem" -in "$dir/digest" \
        -out "$dir/$alg.sig" "${opts[@]}" ||
        tpmenv_die "$alg: tpm2-openssl cannot sign with an attls key"
    client_openssl pkeyutl -verify -pubin -inkey "$dir/$alg.pem.pub" \
        -in "$dir/digest" -sigfile "$dir/$alg.sig" "${opts[@]}" ||
        tpmenv_die "$alg: tpm2-openssl's signature does not verify"
    echo "   $alg: loaded and signed by tpm2-openssl, verified"
    assert_no_handles
done
echo "interop: all checks passed"
