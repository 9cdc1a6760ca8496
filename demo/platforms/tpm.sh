# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
#
# demo platform "tpm": a plain TPM 2.0 (swtpm) behind tpm2-abrmd, no
# confidential VM. The server certificate is a self-signed one made with the
# TPM key; the client trusts exactly that certificate.
#
# A platform file defines (demo/run calls them in this order):
#   platform_describe                 one line: what is being emulated
#   platform_start                    start the (v)TPM; set TPM_TCTI
#   platform_certificate KEY CRT      the server certificate for KEY
#   platform_client PORT CRT          connect as a client and show the result

platform_describe() {
    echo "a TPM 2.0 (swtpm) behind tpm2-abrmd; no attestation evidence"
}

platform_start() {
    start_swtpm
    # nginx runs several processes: they share the TPM through a resource
    # manager, as they would through /dev/tpmrm0 on a VM.
    start_abrmd
}

# The certificate is signed inside the TPM: `openssl req` runs with attls.
platform_certificate() {
    local key=$1 crt=$2
    show openssl req -new -x509 -key "$key" -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost -days 30 -out "$crt"
    show openssl x509 -in "$crt" -noout -subject -issuer -ext subjectAltName
}

platform_client() {
    local port=$1 crt=$2
    show env -u OPENSSL_CONF curl --silent --show-error --cacert "$crt" \
        "https://localhost:$port/"
    show env -u OPENSSL_CONF openssl s_client -connect "localhost:$port" \
        -servername localhost -CAfile "$crt" -verify_hostname localhost -verify_return_error \
        -brief </dev/null
}
