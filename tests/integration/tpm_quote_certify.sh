#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# TPM2_Quote and TPM2_Certify made by a real TPM implementation (swtpm, via
# tpm2-tools), verified offline by `attls verify-quote` / `verify-certify`:
# Endorsement-hierarchy AKs with RSASSA, RSAPSS and ECDSA (P-256, P-384),
# quotes over two PCR banks (raw and JSON PCR files), certified RSA and ECC
# keys bound to an X.509 certificate; then what must be rejected.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/tpm-env.sh
. "$src/tests/lib/tpm-env.sh"
# shellcheck source=../lib/tls.sh
. "$src/tests/lib/tls.sh"
require_tools swtpm tpm2-abrmd dbus-daemon openssl python3 tpm2_createprimary tpm2_create tpm2_load \
    tpm2_quote tpm2_certify tpm2_pcrread tpm2_pcrextend tpm2_readpublic \
    tpm2_flushcontext tpm2_getcap
attls=${ATTLS_BUILD_ROOT:?}/tools/attls
tpmenv_init tpm_quote_certify
start_swtpm
# tpm2-tools keep objects in context files; tpm2-abrmd flushes what each
# tool leaves loaded (swtpm alone holds three transient objects).
start_abrmd
export TPM2TOOLS_TCTI=$TPM_TCTI
d=$TPMENV_DIR
AK_ATTRS='fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign'
KEY_ATTRS='fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign'

step() { echo "== $*"; }

# expect EXIT CODE_NAME CMD...: CMD exits EXIT and names CODE_NAME (or
# reports OK for ATTLS_OK).
expect() {
    local want=$1 code=$2 out rc
    shift 2
    set +e
    out=$("$@" 2>&1)
    rc=$?
    set -e
    printf '   %s\n' "${out//$'\n'/$'\n'   }"
    [ "$rc" -eq "$want" ] || tpmenv_die "exit $rc, expected $want: $*"
    if [ "$code" = ATTLS_OK ]; then
        grep -q ': OK$' <<<"$out" || tpmenv_die "no OK from: $*"
    else
        grep -qw "$code" <<<"$out" || tpmenv_die "$code not named by: $*"
    fi
}

# make_ak NAME ALG: an Endorsement-hierarchy primary like a cloud AK.
make_ak() {
    tpm2_createprimary -Q -C e -g sha256 -G "$2" -a "$AK_ATTRS" \
        -c "$d/$1.ctx"
    tpm2_readpublic -Q -c "$d/$1.ctx" -o "$d/$1.tpm2b"
    tpm2_readpublic -Q -c "$d/$1.ctx" -f pem -o "$d/$1.pem"
}

# pcr_json SELECTION OUT: tpm2_pcrread's YAML as attls PCR JSON.
pcr_json() {
    tpm2_pcrread "$1" | python3 -c '
import json, re, sys
banks, bank = {}, None
for line in sys.stdin:
    m = re.match(r"^  (sha\d+):\s*$", line)
    if m:
        bank = banks.setdefault(m.group(1), {})
        continue
    m = re.match(r"^\s+(\d+)\s*:\s*0x([0-9A-Fa-f]+)\s*$", line)
    if m and bank is not None:
        bank[m.group(1)] = m.group(2).lower()
json.dump(banks, sys.stdout)' >"$2"
}

NONCE=$(openssl rand -hex 32)
OTHER=$(openssl rand -hex 32)

step "PCRs: extend PCR 16 in both banks"
tpm2_pcrextend "16:sha256=$(openssl rand -hex 32),sha384=$(openssl rand -hex 48)"
SEL='sha256:0,1,2,3,7,16+sha384:0,16'
tpm2_pcrread -Q sha256:0,1,2,3,7,16 -o "$d/pcrs-sha256.bin"
tpm2_pcrread -Q sha384:0,16 -o "$d/pcrs-sha384.bin"
pcr_json "$SEL" "$d/pcrs.json"
cat "$d/pcrs.json"; echo

for ak in rsassa:rsa2048:rsassa:sha256 rsapss:rsa2048:rsapss:sha256 \
          p256:ecc256:ecdsa:sha256 p384:ecc384:ecdsa:sha384; do
    IFS=: read -r name key scheme hash <<<"$ak"
    step "quote by a $name AK ($key, $scheme-$hash)"
    make_ak "ak-$name" "$key:$scheme-$hash:null"
    tpm2_quote -Q -c "$d/ak-$name.ctx" -l "$SEL" -q "$NONCE" -g "$hash" \
        --scheme "$scheme" -m "$d/q-$name.attest" -s "$d/q-$name.sig"
    q=(verify-quote --attest "$d/q-$name.attest" --sig "$d/q-$name.sig")
    expect 0 ATTLS_OK "$attls" "${q[@]}" --ak "$d/ak-$name.tpm2b" \
        --pcrs "sha256:$d/pcrs-sha256.bin" --pcrs "sha384:$d/pcrs-sha384.bin" \
        --nonce "$NONCE" --signer-hierarchy endorsement
    expect 0 ATTLS_OK "$attls" "${q[@]}" --ak "$d/ak-$name.pem" \
        --pcrs "$d/pcrs.json" --nonce "$NONCE" --json
    expect 1 ATTLS_E_TPM_NONCE "$attls" "${q[@]}" --ak "$d/ak-$name.pem" \
        --pcrs "$d/pcrs.json" --nonce "$OTHER"
    expect 1 ATTLS_E_TPM_SIGNER_MISMATCH "$attls" "${q[@]}" \
        --ak "$d/ak-$name.tpm2b" --nonce "$NONCE" --signer-hierarchy owner
    expect 1 ATTLS_E_TPM_PCR_SELECTION "$attls" "${q[@]}" \
        --ak "$d/ak-$name.pem" --nonce "$NONCE" \
        --pcrs "sha256:$d/pcrs-sha256.bin"
done

step "a quote by one AK does not verify with another"
expect 1 ATTLS_E_TPM_SIGNATURE "$attls" verify-quote \
    --attest "$d/q-rsassa.attest" --sig "$d/q-rsapss.sig" \
    --ak "$d/ak-rsassa.pem" --nonce "$NONCE"
expect 1 ATTLS_E_TPM_SIG_SCHEME "$attls" verify-quote \
    --attest "$d/q-p256.attest" --sig "$d/q-p256.sig" \
    --ak "$d/ak-rsassa.pem" --nonce "$NONCE"

step "PCR 3 extended after the quote: the values are no longer the quoted ones"
tpm2_pcrextend "3:sha256=$(openssl rand -hex 32)"
pcr_json "$SEL" "$d/pcrs-now.json"
expect 1 ATTLS_E_TPM_PCR_DIGEST "$attls" verify-quote \
    --attest "$d/q-rsassa.attest" --sig "$d/q-rsassa.sig" \
    --ak "$d/ak-rsassa.pem" --pcrs "$d/pcrs-now.json" --nonce "$NONCE"

step "TPM2_Certify of TLS keys under the owner SRK"
make_ca "$d/ca"
tpm2_createprimary -Q -C o -g sha256 -G ecc256 -c "$d/srk.ctx"
for key in ecc256:ecdsa ecc384:ecdsa rsa2048:rsassa; do
    IFS=: read -r alg scheme <<<"$key"
    tpm2_create -Q -C "$d/srk.ctx" -G "$alg:$scheme" -a "$KEY_ATTRS" \
        -u "$d/key-$alg.pub" -r "$d/key-$alg.priv"
    tpm2_load -Q -C "$d/srk.ctx" -u "$d/key-$alg.pub" -r "$d/key-$alg.priv" \
        -c "$d/key-$alg.ctx"
    tpm2_readpublic -Q -c "$d/key-$alg.ctx" -f pem -o "$d/key-$alg.pem"
    issue_cert "$d/key-$alg.pem" "$d/key-$alg.crt"
    for ak in rsassa p256; do
        step "certify $alg by the $ak AK"
        tpm2_certify -Q -c "$d/key-$alg.ctx" -C "$d/ak-$ak.ctx" -g sha256 \
            --scheme "$([ "$ak" = rsassa ] && echo rsassa || echo ecdsa)" \
            -o "$d/c-$alg-$ak.attest" -s "$d/c-$alg-$ak.sig"
        c=(verify-certify --attest "$d/c-$alg-$ak.attest"
            --sig "$d/c-$alg-$ak.sig" --ak "$d/ak-$ak.tpm2b")
        # tpm2_certify (tpm2-tools 5.4) always sends qualifying data 00ff55aa.
        expect 0 ATTLS_OK "$attls" "${c[@]}" --public "$d/key-$alg.pub" \
            --nonce 00ff55aa --tls-cert "$d/key-$alg.crt" \
            --signer-hierarchy endorsement
        expect 1 ATTLS_E_TPM_NAME_MISMATCH "$attls" "${c[@]}" \
            --public "$d/ak-$ak.tpm2b" --nonce 00ff55aa
        expect 1 ATTLS_E_TPM_NONCE "$attls" "${c[@]}" \
            --public "$d/key-$alg.pub" --nonce "$NONCE"
        expect 1 ATTLS_E_TPM_ATTEST_TYPE "$attls" verify-quote \
            --attest "$d/c-$alg-$ak.attest" --sig "$d/c-$alg-$ak.sig" \
            --ak "$d/ak-$ak.tpm2b" --nonce 00ff55aa
    done
done
expect 1 ATTLS_E_TPM_CERTIFIED_KEY_MISMATCH "$attls" verify-certify \
    --attest "$d/c-ecc256-rsassa.attest" --sig "$d/c-ecc256-rsassa.sig" \
    --ak "$d/ak-rsassa.tpm2b" --public "$d/key-ecc256.pub" \
    --nonce 00ff55aa --tls-cert "$d/key-ecc384.crt"

step "nothing left loaded in the TPM"
stop_abrmd
assert_no_handles
echo "tpm_quote_certify: all checks passed"
