#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Key files are interchangeable with Debian's tpm2-openssl 1.1.1 provider
# (module "tpm2"; both write TSS2 PRIVATE KEY files under the owner
# hierarchy's standard primary), shown with TLS:
#
#  - keys made by tpm2-openssl (`openssl genpkey -provider tpm2 -provider
#    base`) load in attls with the same public key, and `openssl s_server`
#    with attls (the shipped openssl.cnf) serves TLS 1.2 and 1.3 handshakes
#    with them, one TPM signature each;
#  - keys made by attls (`attls key create`, `openssl genpkey`) load in
#    tpm2-openssl with the same public key.
#
# Signatures across the two providers are cross-checked by
# tests/tpm/interop_tpm2.sh.
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
tpm2 genpkey -algorithm EC -pkeyopt group:P-256 -out "$dir/t2-ec.pem" \
    2>/dev/null
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
export OPENSSL_CONF=$dir/attls.cnf TCTI_PCAP_FILE=$dir/tpm.pcap
make_openssl_cnf "$dir/attls.cnf" "pcap:$TPM_TCTI" "$module"
serve_rows "$dir/t2-ec.pem" "$dir/t2-ec.crt" -- \
    "TLSv1.3 ECDSA SHA256 -tls1_3" \
    "TLSv1.2 ECDSA SHA256 -tls1_2"
serve_rows "$dir/t2-rsa.pem" "$dir/t2-rsa.crt" -- \
    "TLSv1.3 RSA-PSS SHA256 -tls1_3" \
    "TLSv1.2 RSA SHA256 -tls1_2 -sigalgs rsa_pkcs1_sha256"
make_openssl_cnf "$dir/attls.cnf" "$TPM_TCTI" "$module"
unset OPENSSL_CONF TCTI_PCAP_FILE

echo "== attls keys in tpm2-openssl"
OPENSSL_CONF=$dir/attls.cnf "$build/tools/attls" key create \
    --tcti "$TPM_TCTI" --out "$dir/attls-ec.pem" >/dev/null ||
    tpmenv_die "attls key create failed"
read -r -a rsa_args <<<"$(keygen_args rsa2048)"
attls genpkey -propquery '?provider=attls' "${rsa_args[@]}" \
    -out "$dir/attls-rsa.pem" || tpmenv_die "attls genpkey failed"
for k in attls-ec attls-rsa; do
    attls pkey -in "$dir/$k.pem" -pubout -out "$dir/$k.pub"
    tpm2 pkey -in "$dir/$k.pem" -pubout -out "$dir/$k.pub.tpm2" ||
        tpmenv_die "$k: tpm2-openssl cannot load an attls key file"
    cmp "$dir/$k.pub" "$dir/$k.pub.tpm2" ||
        tpmenv_die "$k: tpm2-openssl reads another public key than attls"
    echo "   $k.pem: loaded by tpm2-openssl, same public key"
    assert_no_handles
done
echo "interop: all checks passed"
