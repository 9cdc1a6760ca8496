#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `openssl s_server` holding attls keys (made with `openssl genpkey
# -propquery ?provider=attls`), configured with the shipped conf/openssl.cnf
# (default first, attls second, no property query), against a stock
# `openssl s_client` that verifies the chain to a test CA and the host name:
#
#   TLS 1.2 and 1.3 x ECDSA P-256, P-384, RSA-2048 (PKCS#1 v1.5 in TLS 1.2,
#   PSS with SHA-256/384/512 in both; the client rejects any salt length but
#   the hash length),
#
# each handshake signed by exactly one TPM command (counted with the pcap
# TCTI), every object the server loaded flushed by the time it exits, and
# nothing left in the TPM. Then once more with `-propquery ?provider=attls`,
# which attls does not support but must keep harmless: TLS 1.3 still works
# and no TPM object outlives the server.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${ATTLS_BUILD_ROOT:-$src/build}
# shellcheck source=../lib/tpm-env.sh
. "$src/tests/lib/tpm-env.sh"
# shellcheck source=../lib/tls.sh
. "$src/tests/lib/tls.sh"
require_tools swtpm openssl tpm2_getcap tpm2_getrandom python3 ss setsid
module=$(attls_module "$build")

tpmenv_init s_server
dir=$TPMENV_DIR
# One process uses the TPM at a time: swtpm directly, so that anything the
# server leaves loaded stays visible to assert_no_handles.
start_swtpm
export TCTI_PCAP_FILE=$dir/tpm.pcap
make_openssl_cnf "$dir/openssl.cnf" "pcap:$TPM_TCTI" "$module"
export OPENSSL_CONF=$dir/openssl.cnf
make_ca "$dir/ca"
for alg in ec-p256 ec-p384 rsa2048; do
    make_attls_key "$dir/$alg.pem" "$dir/$alg.crt" "$alg"
done
assert_no_handles

echo "== shipped configuration"
serve_rows "$dir/ec-p256.pem" "$dir/ec-p256.crt" -- \
    "TLSv1.3 ECDSA SHA256 -tls1_3" \
    "TLSv1.2 ECDSA SHA256 -tls1_2"
serve_rows "$dir/ec-p384.pem" "$dir/ec-p384.crt" -- \
    "TLSv1.3 ECDSA SHA384 -tls1_3" \
    "TLSv1.2 ECDSA SHA384 -tls1_2 -sigalgs ecdsa_secp384r1_sha384" \
    "TLSv1.2 ECDSA SHA256 -tls1_2 -sigalgs ecdsa_secp256r1_sha256"
serve_rows "$dir/rsa2048.pem" "$dir/rsa2048.crt" -- \
    "TLSv1.2 RSA SHA256 -tls1_2 -sigalgs rsa_pkcs1_sha256" \
    "TLSv1.2 RSA SHA384 -tls1_2 -sigalgs rsa_pkcs1_sha384" \
    "TLSv1.3 RSA-PSS SHA256 -tls1_3" \
    "TLSv1.3 RSA-PSS SHA384 -tls1_3 -sigalgs rsa_pss_rsae_sha384" \
    "TLSv1.3 RSA-PSS SHA512 -tls1_3 -sigalgs rsa_pss_rsae_sha512" \
    "TLSv1.2 RSA-PSS SHA256 -tls1_2"

echo "== -propquery ?provider=attls (unsupported, must stay harmless)"
serve_rows "$dir/ec-p256.pem" "$dir/ec-p256.crt" -propquery '?provider=attls' -- \
    "TLSv1.3 ECDSA SHA256 -tls1_3" \
    "TLSv1.3 ECDSA SHA256 -tls1_3"
serve_rows "$dir/rsa2048.pem" "$dir/rsa2048.crt" -propquery '?provider=attls' -- \
    "TLSv1.3 RSA-PSS SHA256 -tls1_3" \
    "TLSv1.2 RSA-PSS SHA256 -tls1_2"
echo "s_server: all checks passed"
