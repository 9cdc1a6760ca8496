#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# cert.sh PLATFORM: attls cert on an emulated confidential VM (tests/emulate)
# in both key residencies. For each certificate: the evidence is checked by
# an independent reading of docs/evidence-format.md (check-binder: the
# extension is non-critical, the quote's and certify's qualifying data and
# the TEE report data / Azure user data equal the binder recomputed from the
# certificate), the size budget holds, attls show decodes it consistently,
# and nginx serves it (the vtpm key through the attls provider), and
# attls verify-cert verifies it end to end with the emulator's test roots.
# Then the evidence is moved onto a certificate for another key, and both
# readers must see the binder mismatch; verify-cert must also refuse
# tampered records, the pinned real roots and each policy violation with
# its own code.
set -euo pipefail
platform=${1:?usage: cert.sh PLATFORM}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${ATTLS_BUILD_ROOT:-$src/build}
# shellcheck source=../lib/tpm-env.sh
. "$src/tests/lib/tpm-env.sh"
# shellcheck source=../lib/tls.sh
. "$src/tests/lib/tls.sh"
require_tools swtpm tpm2-abrmd dbus-daemon nginx openssl python3 setsid ss
tpmenv_init "cert-$platform"
attls=$build/tools/attls
check=$src/tests/integration/check-binder
vm=$TPMENV_DIR/vm
export ATTLS_EMU=$build/tests/emulator/attls-emu
# The emulated VM's services are stopped too, also when this script fails.
trap 'rc=$?; "$src/tests/emulate" stop "$vm" >/dev/null 2>&1; (exit $rc); stop_all' EXIT

step() { echo "== $platform: $*"; }

step "start the emulated VM"
"$src/tests/emulate" start "$platform" "$vm" >"$TPMENV_DIR/emulate.log" 2>&1 ||
    { cat "$TPMENV_DIR/emulate.log" >&2; tpmenv_die "tests/emulate start failed"; }
# shellcheck disable=SC1091
. "$vm/env.sh"

# json_get FILE PYTHON_EXPR: evaluate EXPR on the JSON document d.
json_get() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# budget SUMMARY_JSON: 16 KiB always; 10 KiB without endorsements, except
# TDX, whose quote always carries its PCK chain.
budget() {
    local der endorsed
    der=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["der_bytes"])' "$1")
    endorsed=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1])["records"]; print(int(any(k in r for k in ("vcek","vlek","ak-intermediates"))))' "$1")
    echo "   certificate: $der bytes (endorsements: $endorsed)"
    [ "$der" -le 16384 ] || tpmenv_die "certificate of $der bytes exceeds 16 KiB"
    if [ "$endorsed" = 0 ] && [[ $platform != *tdx ]]; then
        [ "$der" -le 10240 ] || tpmenv_die "$der bytes without endorsements exceed 10 KiB"
    fi
}

# verify CERT [ARGS...]: attls verify-cert with the emulator's test roots
# and this platform's policy; prints the claims (JSON).
policy=$TPMENV_DIR/policy.json
echo '{}' >"$policy"
verify() {
    "$attls" verify-cert "$1" --roots "$ATTLS_EMU_ROOTS" --policy "$policy" \
        --json "${@:2}"
}
# refused CODE CERT [ARGS...]: verify-cert must reject with CODE (exit 1).
refused() {
    local rc=0
    verify "${@:2}" >"$TPMENV_DIR/refused.out" 2>"$TPMENV_DIR/refused.err" || rc=$?
    [ $rc -eq 1 ] || { cat "$TPMENV_DIR/refused.err" >&2; tpmenv_die "verify-cert exited $rc, not 1 ($1 expected)"; }
    grep -q "\[$1\]" "$TPMENV_DIR/refused.err" ||
        { cat "$TPMENV_DIR/refused.err" >&2; tpmenv_die "verify-cert did not refuse with $1"; }
    echo "   refused: $(cat "$TPMENV_DIR/refused.err")"
}

for residency in vtpm memory; do
    for endorse in "" --no-endorsements; do
        name=$residency${endorse:+-bare}
        step "attls cert --residency $residency ${endorse:-(with endorsements)}"
        "$attls" cert --key "$TPMENV_DIR/$name.key" --cert "$TPMENV_DIR/$name.crt" \
            --san localhost --san 127.0.0.1 --residency "$residency" $endorse \
            --nonce 00112233445566778899aabbccddeeff
        [ "$(stat -c %a "$TPMENV_DIR/$name.key")" = 600 ] ||
            tpmenv_die "the key file is not mode 0600"
        out=$("$check" "$TPMENV_DIR/$name.crt") ||
            { echo "$out" >&2; tpmenv_die "check-binder rejected $name.crt"; }
        printf '   %s\n' "${out//$'\n'/$'\n'   }"
        budget "$(tail -n 1 <<<"$out")"
        "$attls" show "$TPMENV_DIR/$name.crt" >"$TPMENV_DIR/$name.json" ||
            tpmenv_die "attls show $name.crt failed"
        [ "$(json_get "$TPMENV_DIR/$name.json" 'd["consistent"]')" = True ] ||
            tpmenv_die "attls show: $name.crt not consistent"
        [ "$(json_get "$TPMENV_DIR/$name.json" 'd["claims"]["platform"]')" = "$platform" ] ||
            tpmenv_die "claims name another platform"
        [ "$(json_get "$TPMENV_DIR/$name.json" 'd["claims"]["residency"]')" = "$residency" ] ||
            tpmenv_die "claims name another residency"
        [ "$(json_get "$TPMENV_DIR/$name.json" 'd["binding"]["tpm-quote"]')" = match ] ||
            tpmenv_die "attls show: quote not bound"
        if [ "$platform" = tpm ] && [ ! -s "$TPMENV_DIR/ak-pin" ]; then
            # No TEE vouches for a plain TPM's AK: the policy must pin it.
            echo '{"platforms":["tpm"]}' >"$policy"
            refused ATTLS_E_POLICY_AK "$TPMENV_DIR/$name.crt"
            sed -n 's/.*(SPKI SHA-256 \([0-9a-f]*\)).*/\1/p' "$TPMENV_DIR/refused.err" >"$TPMENV_DIR/ak-pin"
            printf '{"platforms":["tpm"],"tpm_ak_pins":["%s"]}\n' "$(cat "$TPMENV_DIR/ak-pin")" >"$policy"
        fi
        if [ -n "$endorse" ] && [[ $platform == *snp ]]; then
            refused ATTLS_E_SNP_VEK "$TPMENV_DIR/$name.crt"
            continue
        fi
        verify "$TPMENV_DIR/$name.crt" >"$TPMENV_DIR/$name.verified" ||
            tpmenv_die "attls verify-cert rejected $name.crt"
        [ "$(json_get "$TPMENV_DIR/$name.verified" 'd["platform"]+" "+d["residency"]')" = "$platform $residency" ] ||
            tpmenv_die "verify-cert reports another platform or residency"
        echo "   verify-cert: OK"
    done
done

step "AK intermediates carried as a PkiPath (--ak-chain)"
chain=
for set in azure-vtpm gcp-vtpm; do
    [ -f "$ATTLS_EMU_ROOTS/$set.pem" ] && chain=$ATTLS_EMU_ROOTS/$set.pem
done
if [ -n "$chain" ]; then
    # A TD quote carries its PCK chain: with 3 KB of AK CAs more, a TDX
    # certificate can exceed 16 KiB. Then it must be refused, nothing written.
    rc=0
    "$attls" cert --key "$TPMENV_DIR/chain.key" --cert "$TPMENV_DIR/chain.crt" \
        --san localhost --ak-chain "$chain" 2>"$TPMENV_DIR/chain.err" || rc=$?
    if [ $rc -ne 0 ]; then
        if [ $rc -ne 3 ] || ! grep -q ATTLS_E_EVIDENCE_TOO_LARGE "$TPMENV_DIR/chain.err" ||
            [ -e "$TPMENV_DIR/chain.crt" ] || [ -e "$TPMENV_DIR/chain.key" ]; then
            cat "$TPMENV_DIR/chain.err" >&2
            tpmenv_die "attls cert --ak-chain failed (exit $rc) other than by size"
        fi
        echo "   refused: over 16 KiB with the AK CAs"
    else
        "$check" "$TPMENV_DIR/chain.crt" >/dev/null || tpmenv_die "check-binder: chain.crt"
        "$attls" show "$TPMENV_DIR/chain.crt" >"$TPMENV_DIR/chain.json"
        [ "$(json_get "$TPMENV_DIR/chain.json" \
            'len(d["records"]["ak-intermediates"]["certificates"])')" = \
            "$(grep -c 'BEGIN CERTIFICATE' "$chain")" ] ||
            tpmenv_die "ak-intermediates does not carry every --ak-chain certificate"
    fi
else
    rc=0
    "$attls" cert --key "$TPMENV_DIR/chain.key" --cert "$TPMENV_DIR/chain.crt" \
        --ak-chain "$ATTLS_SOURCE_ROOT/evidence/roots/gcp-vtpm/gcp_ek_ak_ca_root.pem" \
        2>"$TPMENV_DIR/chain.err" || rc=$?
    if [ $rc -ne 2 ] || ! grep -q "no AK certificate" "$TPMENV_DIR/chain.err"; then
        tpmenv_die "--ak-chain without an AK certificate: exit $rc"
    fi
fi

step "nginx serves both certificates (vtpm key through the attls provider)"
make_openssl_cnf "$TPMENV_DIR/openssl.cnf" "$ATTLS_TCTI" "$build/provider/attls.so"
# Read by render_template through @NAME@.
# shellcheck disable=SC2034
{
    NGINX_PREFIX=$TPMENV_DIR/nginx
    NGINX_WORKERS=2
    NGINX_USER=
    [ "$(id -u)" -ne 0 ] || NGINX_USER="user root;"
    NGINX_SERVERS=$TPMENV_DIR/servers.conf
}
port_vtpm=$(free_port)
port_memory=$(free_port)
port_plain=$(free_port)
# A server with an ordinary software certificate: attls connect refuses it.
client_openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$TPMENV_DIR/plain.key" -subj /CN=localhost -days 1 \
    -out "$TPMENV_DIR/plain.crt" 2>/dev/null || tpmenv_die "cannot make a plain certificate"
: >"$NGINX_SERVERS"
for residency in vtpm memory plain; do
    port=port_$residency
    cat >>"$NGINX_SERVERS" <<CONF
server {
    listen 127.0.0.1:${!port} ssl;
    ssl_certificate $TPMENV_DIR/$residency.crt;
    ssl_certificate_key $TPMENV_DIR/$residency.key;
    location / { return 200 "$residency\n"; }
}
CONF
done
render_template "$src/tests/lib/nginx.conf.in" "$TPMENV_DIR/nginx.conf"
OPENSSL_CONF=$TPMENV_DIR/openssl.cnf start_nginx "$TPMENV_DIR/nginx.conf" \
    "$port_vtpm" "$port_memory" "$port_plain"
for residency in vtpm memory; do
    port=port_$residency
    mkdir -p "$TPMENV_DIR/trust-$residency"
    cp "$TPMENV_DIR/$residency.crt" "$TPMENV_DIR/trust-$residency/ca.crt"
    TLS_CA_DIR=$TPMENV_DIR/trust-$residency
    for proto in -tls1_3 -tls1_2; do
        out=$(tls_get "${!port}" "$proto")
        expect_field "$out" "Verification" "OK"
        grep -qx "$residency" <<<"$out" || tpmenv_die "no response from $residency"
    done
    served=$(client_openssl s_client -connect "127.0.0.1:${!port}" \
        -servername localhost </dev/null 2>/dev/null |
        client_openssl x509 -outform DER | sha256sum)
    [ "$served" = "$(client_openssl x509 -in "$TPMENV_DIR/$residency.crt" \
        -outform DER | sha256sum)" ] || tpmenv_die "nginx serves another certificate"
done
for residency in vtpm memory; do
    port=port_$residency
    out=$("$attls" connect "127.0.0.1:${!port}" --servername localhost \
        --roots "$ATTLS_EMU_ROOTS" --policy "$policy" --get / --json) ||
        tpmenv_die "attls connect refused the $residency server"
    grep -qx "$residency" <<<"$out" || tpmenv_die "attls connect: no response from $residency"
    grep -q "\"residency\": \"$residency\"" <<<"$out" ||
        tpmenv_die "attls connect: claims do not say $residency"
    echo "   attls connect ($residency): OK"
done
rc=0
"$attls" connect "127.0.0.1:$port_plain" --roots "$ATTLS_EMU_ROOTS" \
    --policy "$policy" >/dev/null 2>"$TPMENV_DIR/plain.err" || rc=$?
if [ $rc -ne 1 ] || ! grep -q ATTLS_E_EVIDENCE_MISSING "$TPMENV_DIR/plain.err"; then
    cat "$TPMENV_DIR/plain.err" >&2
    tpmenv_die "attls connect did not refuse a server without evidence (exit $rc)"
fi
echo "   attls connect (plain certificate): $(cat "$TPMENV_DIR/plain.err")"
stop_nginx

step "evidence moved onto a certificate for another key is refused"
# cmw_ext CERT: the id-pe-cmw extnValue of CERT in hex.
cmw_ext() {
    python3 - "$1" <<'PY'
import base64, sys
der = base64.b64decode("".join(l for l in open(sys.argv[1]).read().splitlines()
                               if l and not l.startswith("-----")))
oid = bytes.fromhex("06082b06010505070123")
at = der.index(oid) + len(oid)
assert der[at] == 0x04
n = der[at + 1]
if n < 0x80:
    start, length = at + 2, n
else:
    k = n & 0x7f
    start, length = at + 2 + k, int.from_bytes(der[at + 2:at + 2 + k], "big")
print(der[start:start + length].hex())
PY
}
ext=$(cmw_ext "$TPMENV_DIR/vtpm.crt")
echo "ext=$(cmw_ext "$TPMENV_DIR/memory.crt")" >"$TPMENV_DIR/memory.ext"
client_openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$TPMENV_DIR/other.key" 2>/dev/null || tpmenv_die "cannot make a key"
client_openssl req -x509 -new -key "$TPMENV_DIR/other.key" -subj /CN=localhost \
    -days 1 -addext "1.3.6.1.5.5.7.1.35=DER:$ext" -out "$TPMENV_DIR/moved.crt" 2>/dev/null ||
    tpmenv_die "cannot build the moved certificate"
if "$check" "$TPMENV_DIR/moved.crt" >"$TPMENV_DIR/moved.check"; then
    tpmenv_die "check-binder accepted evidence moved to another key"
fi
grep -q "quote extraData = binder *FAIL" "$TPMENV_DIR/moved.check" ||
    tpmenv_die "check-binder did not report the quote binder mismatch"
rc=0
"$attls" show "$TPMENV_DIR/moved.crt" >"$TPMENV_DIR/moved.json" 2>"$TPMENV_DIR/moved.err" || rc=$?
[ $rc -eq 1 ] || tpmenv_die "attls show exited $rc on moved evidence, not 1"
grep -q ATTLS_E_BINDER_MISMATCH "$TPMENV_DIR/moved.err" ||
    tpmenv_die "attls show did not name the binder mismatch"
[ "$(json_get "$TPMENV_DIR/moved.json" 'd["binding"]["tpm-quote"]')" = mismatch ] ||
    tpmenv_die "attls show: moved quote not flagged"
[ "$(json_get "$TPMENV_DIR/moved.json" 'd["binding"]["certified-key"]')" = mismatch ] ||
    tpmenv_die "attls show: certified key not flagged"

step "verify-cert refuses moved, tampered, unrooted and unwanted evidence"
refused ATTLS_E_BINDER_MISMATCH "$TPMENV_DIR/moved.crt"
# The memory key is a software key: re-issue its certificate with one bit
# of a record changed (same key and claims, so the binder still matches).
mem_ext=$(sed -n 's/^ext=//p' "$TPMENV_DIR/memory.ext")
tamper() {
    client_openssl req -x509 -new -key "$TPMENV_DIR/memory.key" -subj /CN=localhost \
        -days 1 -addext "1.3.6.1.5.5.7.1.35=DER:$("$src/tests/integration/tamper-cmw" "$mem_ext" "$1" "$2")" \
        -out "$TPMENV_DIR/tampered.crt" 2>/dev/null || tpmenv_die "cannot build a tampered certificate"
}
tamper tpm-quote +10 # inside the AK signature
refused ATTLS_E_TPM_SIGNATURE "$TPMENV_DIR/tampered.crt"
tamper tpm-quote 60 # inside extraData
refused ATTLS_E_BINDER_MISMATCH "$TPMENV_DIR/tampered.crt"
# One bit of the TEE report: SNP MEASUREMENT, TDREPORT REPORTDATA, TD quote MRTD.
case $platform in
azure-snp) tamper hcl-report 200; refused ATTLS_E_SNP_SIGNATURE "$TPMENV_DIR/tampered.crt" ;;
azure-tdx) tamper hcl-report 200; refused ATTLS_E_HCL_BINDING "$TPMENV_DIR/tampered.crt" ;;
gcp-snp) tamper snp-report 150; refused ATTLS_E_SNP_SIGNATURE "$TPMENV_DIR/tampered.crt" ;;
gcp-tdx) tamper tdx-quote 190; refused ATTLS_E_TDX_QUOTE_SIG "$TPMENV_DIR/tampered.crt" ;;
esac
if [ "$platform" = tpm ]; then
    printf '{"platforms":["tpm"],"tpm_ak_pins":["%064d"]}\n' 0 >"$policy"
    refused ATTLS_E_POLICY_AK "$TPMENV_DIR/vtpm.crt"
    printf '{"platforms":["tpm"],"tpm_ak_pins":["%s"]}\n' "$(cat "$TPMENV_DIR/ak-pin")" >"$policy"
else
    rc=0
    "$attls" verify-cert "$TPMENV_DIR/vtpm.crt" >/dev/null 2>"$TPMENV_DIR/pinned.err" || rc=$?
    if [ $rc -ne 1 ] || ! grep -qE 'ATTLS_E_CERT_(SIGNATURE|ROOT|CHAIN)' "$TPMENV_DIR/pinned.err"; then
        cat "$TPMENV_DIR/pinned.err" >&2
        tpmenv_die "the pinned real roots accepted emulated evidence"
    fi
    echo "   pinned roots: $(cat "$TPMENV_DIR/pinned.err")"
fi
base=$(cat "$policy")
with() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(json.loads(sys.argv[2])); print(json.dumps(d))' "$base" "$1" >"$policy"; }
with '{"residency":"memory"}'
refused ATTLS_E_POLICY_RESIDENCY "$TPMENV_DIR/vtpm.crt"
with '{"max_age":60}'
refused ATTLS_E_POLICY_AGE "$TPMENV_DIR/vtpm.crt" --at 2099-01-01T00:00:00Z
with "{\"pcrs\":{\"sha256\":{\"7\":\"$(printf '%064d' 7)\"}}}"
refused ATTLS_E_POLICY_PCR "$TPMENV_DIR/vtpm.crt"
case $platform in
*snp) with "{\"snp\":{\"measurements\":[\"$(printf '%096d' 0)\"]}}"
      refused ATTLS_E_SNP_POLICY_MEASUREMENT "$TPMENV_DIR/vtpm.crt" ;;
*tdx) with "{\"tdx\":{\"mrtd\":[\"$(printf '%096d' 0)\"]}}"
      refused ATTLS_E_POLICY_TDX_MEASUREMENT "$TPMENV_DIR/vtpm.crt" ;;
esac
with '{"nonce":"00112233445566778899aabbccddeeff"}'
verify "$TPMENV_DIR/vtpm.crt" >/dev/null || tpmenv_die "the nonce given to attls cert was not accepted"
with '{"nonce":"0011223344556677"}'
refused ATTLS_E_POLICY_NONCE "$TPMENV_DIR/vtpm.crt"
with '{"platforms":["gcp-tdx"]}'
[ "$platform" = gcp-tdx ] && with '{"platforms":["azure-snp"]}'
refused ATTLS_E_POLICY_PLATFORM "$TPMENV_DIR/vtpm.crt"
echo "$base" >"$policy"
verify "$TPMENV_DIR/vtpm.crt" >/dev/null || tpmenv_die "the base policy no longer verifies"
echo "== $platform: OK"
