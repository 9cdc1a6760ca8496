#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# emulate-test.sh PLATFORM: start the emulated PLATFORM with tests/emulate
# and use it the way attls does, through the interfaces of the real cloud
# only (tpm2-tools on tpm2-abrmd, configfs-tsm files, IMDS over HTTP); check
# every answer with an independent checker (emu-check, openssl, attls
# verify-tdx) against the emulator's test roots; stop, and check that
# nothing is left running.
#
# Environment (set by meson): ATTLS_SOURCE_ROOT, ATTLS_EMU, EMU_CHECK,
# ATTLS (the attls command).
set -euo pipefail

platform=${1:?usage: emulate-test.sh PLATFORM}
src=${ATTLS_SOURCE_ROOT:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/attls-emutest.XXXXXX")
state=$work/state
started=0

say() { echo "emulate-test[$platform]: $*"; }
fail() {
    say "FAIL: $*" >&2
    exit 1
}

cleanup() {
    local rc=$?
    trap - EXIT
    if [ $started = 1 ]; then
        "$src/tests/emulate" stop "$state" || rc=1
    fi
    if [ $rc -ne 0 ] && [ -d "$state" ]; then
        for f in "$state"/*.log; do
            [ -s "$f" ] || continue
            echo "----- ${f##*/}" >&2
            tail -n 25 "$f" >&2
        done
    fi
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT

for tool in swtpm tpm2-abrmd dbus-daemon tpm2_nvread curl openssl python3 ss; do
    command -v "$tool" >/dev/null || {
        say "SKIP: $tool not installed"
        exit 77
    }
done
export TSS2_LOG=all+none
cd "$work"

# nv_field INDEX FIELD: "size" or "value" (attributes) of an NV index.
nv_field() {
    tpm2_nvreadpublic "$1" | awk -v f="$2" '
        $1 == "size:" && f == "size" { print $2 }
        $1 == "value:" && f == "value" && seen { print $2; exit }
        $1 == "attributes:" { seen = 1 }'
}

# der_of NVFILE OUT: the DER certificate at the start of a zero-padded index.
der_of() {
    python3 - "$1" "$2" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
assert b[0] == 0x30 and b[1] == 0x82, "not a DER certificate"
n = int.from_bytes(b[2:4], "big") + 4
assert not any(b[n:]), "index not zero-padded after the certificate"
open(sys.argv[2], "wb").write(b[:n])
PY
}

check_no_handles() {
    local cap out
    for cap in handles-transient handles-loaded-session; do
        out=$(tpm2_getcap -T "$ATTLS_EMU_SWTPM_TCTI" "$cap")
        [ -z "$out" ] || fail "$cap left in the TPM: $out"
    done
}

check_multiprocess() {
    local pids=() p
    for p in 1 2 3 4 5 6; do
        tpm2_getrandom 16 >/dev/null &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || fail "a concurrent client failed"; done
}

# ---------------------------------------------------------------- Azure

check_azure_tpm() {
    local p
    p=$(tpm2_getcap handles-persistent)
    grep -q 0x81000003 <<<"$p" || fail "no AK at 0x81000003"
    grep -q 0x81000001 <<<"$p" || fail "no SRK at 0x81000001"
    tpm2_readpublic -c 0x81000003 >ak.txt
    grep -q 'raw: 0x50472' ak.txt || fail "AK attributes are not 0x00050472"
    grep -q 'bits: 2048' ak.txt || fail "AK is not RSA-2048"
    grep -A1 '^scheme:' ak.txt | grep -q rsassa || fail "AK scheme not RSASSA"
    tpm2_readpublic -Q -c 0x81000003 -o ak.pub -f tss
    tpm2_readpublic -Q -c 0x81000003 -o ak.pem -f pem

    [ "$(nv_field 0x01400001 size)" = 2600 ] || fail "HCL index is not 2600 bytes"
    [ "$(nv_field 0x01400001 value)" = 0x62060004 ] ||
        fail "HCL index attributes $(nv_field 0x01400001 value)"
    [ "$(nv_field 0x01C101D0 size)" = 4096 ] || fail "AK cert index not 4096 bytes"
    [ "$(nv_field 0x01C101D0 value)" = 0x62060004 ] ||
        fail "AK cert index attributes $(nv_field 0x01C101D0 value)"
    if tpm2_nvreadpublic 0x01400002 >/dev/null 2>&1; then
        fail "NV 0x01400002 exists before the guest defines it"
    fi
    # The guest cannot write the paravisor's indices.
    head -c 16 /dev/zero >z16
    if tpm2_nvwrite -C o -i z16 0x01400001 2>/dev/null; then
        fail "the guest wrote NV 0x01400001"
    fi

    tpm2_nvread -C o 0x01C101D0 -o akcert.nv 2>/dev/null
    [ "$(stat -c %s akcert.nv)" = 4096 ] || fail "AK cert index read short"
    der_of akcert.nv akcert.der
    openssl x509 -inform der -in akcert.der -out akcert.pem
    openssl x509 -in akcert.pem -pubkey -noout | cmp -s - ak.pem ||
        fail "the AK certificate does not certify 0x81000003"
    split_pem "$ATTLS_EMU_ROOTS/azure-vtpm.pem" azroot
    openssl verify -x509_strict -CAfile azroot.0 -untrusted azroot.1 \
        akcert.pem >/dev/null || fail "AK certificate does not chain"
    say "vTPM: AK 0x81000003, SRK, NV 0x01400001 (2600), 0x01C101D0 (4096) OK"
}

# split_pem FILE PREFIX: PREFIX.0, PREFIX.1, ... one certificate each.
split_pem() {
    awk -v p="$2" '/BEGIN CERT/ { f = p "." n++ } f { print > f }' "$1"
}

fetch_vcek() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' \
        "$ATTLS_IMDS_URL/metadata/THIM/amd/certification")
    [ "$code" = 400 ] || fail "THIM without 'Metadata: true' answered $code"
    curl -sf -H 'Metadata: true' \
        "$ATTLS_IMDS_URL/metadata/THIM/amd/certification" >thim.json
    python3 - <<'PY'
import json
d = json.load(open("thim.json"))
open("vcek.pem", "w").write(d["vcekCert"])
open("chain.pem", "w").write(d["certificateChain"])
open("vcek-chain.pem", "w").write(d["vcekCert"] + d["certificateChain"])
assert len(d["tcbm"]) == 16
PY
}

hcl_read() { # OUT: the whole index, as the guest reads it
    tpm2_nvread -C o 0x01400001 -o "$1" 2>/dev/null
    [ "$(stat -c %s "$1")" = 2600 ] || fail "HCL report read short"
}

# hcl_check FILE USER_DATA_FILE: emu-check, then attls verify-hcl (which
# authenticates the SNP report with the VCEK from IMDS and the test roots).
hcl_check() {
    local snp=() chain=() ud
    if [ "$platform" = azure-snp ]; then
        snp=(--vcek vcek.pem --roots "$ATTLS_EMU_ROOTS/amd-milan.pem")
        chain=(--chain vcek-chain.pem)
    fi
    "$EMU_CHECK" hcl "$1" "${snp[@]}" --user-data "$2" --ak-pub ak.pub || return 1
    ud=$(od -An -tx1 -v "$2" | tr -d ' \n')
    "$ATTLS" verify-hcl "$1" "${chain[@]}" --roots "$ATTLS_EMU_ROOTS" \
        --user-data "$ud" --json >hcl.json 2>hcl.err || {
        cat hcl.err
        return 1
    }
    python3 - "$platform" <<'PY' || return 1
import json, sys
d = json.load(open("hcl.json"))["report"]
assert d["hw_verified"] == (sys.argv[1] == "azure-snp"), d["hw_verified"]
assert open("ak.pem").read() == d["ak_pub"], "HCLAkPub is not the AK"
PY
}

check_azure_hcl() {
    local t1 t2
    head -c 64 /dev/zero >ud0
    hcl_read hcl0.bin
    hcl_check hcl0.bin ud0 >/dev/null || fail "first report: $(hcl_check hcl0.bin ud0)"
    if [ "$platform" = azure-snp ] &&
        "$ATTLS" verify-hcl hcl0.bin --chain vcek-chain.pem >/dev/null 2>&1; then
        fail "the emulated SNP report verified against AMD's real ARK"
    fi

    # The guest defines the user-data index, writes 64 bytes, waits > 2 s.
    tpm2_nvdefine -C o 0x01400002 -s 64 -a 'ownerread|ownerwrite' >/dev/null
    head -c 64 /dev/urandom >ud1
    tpm2_nvwrite -C o -i ud1 0x01400002
    sleep 2.1
    hcl_read hcl1.bin
    hcl_check hcl1.bin ud1 >/dev/null || fail "refreshed report: $(hcl_check hcl1.bin ud1)"
    cmp -s <(head -c 1204 hcl0.bin) <(head -c 1204 hcl1.bin) &&
        fail "the hardware report was not regenerated"

    # At most one regeneration per 2 s (judged only when this machine was
    # quick enough to read again within 1.5 s).
    t1=${EPOCHREALTIME/./}
    hcl_read hcl2a.bin
    head -c 64 /dev/urandom >ud2
    tpm2_nvwrite -C o -i ud2 0x01400002
    hcl_read hcl2b.bin
    t2=${EPOCHREALTIME/./}
    if [ $(((t2 - t1) / 1000)) -lt 1500 ]; then
        hcl_check hcl2b.bin ud1 >/dev/null ||
            fail "a read within 2 s regenerated the report"
        say "rate limit: a read $(((t2 - t1) / 1000)) ms later kept the old report"
    else
        say "rate limit not judged: the reads took $(((t2 - t1) / 1000)) ms"
    fi
    sleep 2.1
    hcl_read hcl3.bin
    hcl_check hcl3.bin ud2 >/dev/null || fail "after 2 s: $(hcl_check hcl3.bin ud2)"

    # An index of 32 bytes (as some tools define it): zero-padded to 64.
    tpm2_nvundefine -C o 0x01400002
    tpm2_nvdefine -C o 0x01400002 -s 32 -a 'ownerread|ownerwrite' >/dev/null
    head -c 32 /dev/urandom >ud32
    tpm2_nvwrite -C o -i ud32 0x01400002
    sleep 2.1
    hcl_read hcl4.bin
    cat ud32 <(head -c 32 /dev/zero) >ud4
    hcl_check hcl4.bin ud4 >/dev/null || fail "32-byte user data: $(hcl_check hcl4.bin ud4)"

    # Partial reads are served from the same report; reads past the end fail.
    tpm2_nvread -C o 0x01400001 --offset 2048 -s 552 -o part.bin 2>/dev/null
    cmp -s part.bin <(tail -c 552 hcl4.bin) || fail "partial read differs"
    if tpm2_nvread -C o 0x01400001 --offset 2590 -s 20 -o /dev/null 2>/dev/null; then
        fail "a read past the end of NV 0x01400001 succeeded"
    fi
    say "HCL report: binding, user-data, 2 s rule, partial reads OK"
}

check_azure_tdx_quote() {
    local code
    python3 - <<'PY'
import base64, json
t = open("hcl3.bin", "rb").read()[0x20:0x420]
open("tdreport.bin", "wb").write(t)
enc = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
json.dump({"report": enc(t)}, open("req.json", "w"))
bad = bytearray(t)
bad[0x80] ^= 1
json.dump({"report": enc(bytes(bad))}, open("bad.json", "w"))
PY
    curl -sf -H 'Content-Type: application/json' --data-binary @req.json \
        "$ATTLS_IMDS_URL/acc/tdquote" >quote.json || fail "IMDS refused the TDREPORT"
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary @bad.json "$ATTLS_IMDS_URL/acc/tdquote")
    [ "$code" = 400 ] || fail "IMDS answered $code to a tampered TDREPORT"
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' \
        --data-binary @req.json "$ATTLS_IMDS_URL/acc/tdquote")
    [ "$code" = 415 ] || fail "IMDS answered $code to a non-JSON request"
    python3 - <<'PY'
import base64, json
q = json.load(open("quote.json"))["quote"]
assert "=" not in q
open("quote.bin", "wb").write(base64.urlsafe_b64decode(q + "=" * (-len(q) % 4)))
PY
    verify_quote quote.bin "$(python3 -c 'print(open("tdreport.bin","rb").read()[0x80:0xc0].hex())')" 70
    say "IMDS /acc/tdquote: quote v4 verified by attls verify-tdx (UpToDate)"
}

# verify_quote FILE REPORT_DATA_HEX TRAILING: attls verify-tdx with the
# emulator's roots and collateral; UpToDate; fails with the real root.
verify_quote() {
    "$EMU_CHECK" td-quote "$1" >/dev/null || fail "quote layout: $("$EMU_CHECK" td-quote "$1")"
    "$ATTLS" verify-tdx "$1" --collateral "$ATTLS_EMU_COLLATERAL" \
        --roots "$ATTLS_EMU_ROOTS" --json >verify.json 2>verify.err ||
        fail "verify-tdx: $(cat verify.err)"
    python3 - "$2" "$3" <<'PY'
import json, sys
d = json.load(open("verify.json"))
assert d["tcb"]["status"] == "UpToDate", d["tcb"]
assert d["td"]["report_data"] == sys.argv[1], "REPORTDATA"
assert d["trailing_bytes"] == int(sys.argv[2]), d["trailing_bytes"]
PY
    if "$ATTLS" verify-tdx "$1" >/dev/null 2>&1; then
        fail "the emulated quote verified against the real Intel root"
    fi
}

# ---------------------------------------------------------------- GCP

check_gcp_tpm() {
    local alg tmpl cert g
    for alg in rsa ecc; do
        if [ $alg = rsa ]; then
            tmpl=0x01c10001 cert=0x01c10000 g=rsa2048:rsassa-sha256:null
            python3 -c 'import sys; sys.stdout.buffer.write((256).to_bytes(2,"little")+bytes(256))' >unique.bin
            [ "$(nv_field $tmpl size)" = 280 ] || fail "RSA template not 280 bytes"
        else
            tmpl=0x01c10003 cert=0x01c10002 g=ecc256:ecdsa-sha256:null
            python3 -c 'import sys; p=(32).to_bytes(2,"little")+bytes(128); sys.stdout.buffer.write(p+p)' >unique.bin
            [ "$(nv_field $tmpl size)" = 88 ] || fail "ECC template not 88 bytes"
        fi
        for idx in $tmpl $cert; do
            [ "$(nv_field "$idx" value)" = 0x62072001 ] ||
                fail "$idx attributes $(nv_field "$idx" value), expected GCE's"
        done
        # tpm2-tools' own template for a GCE AK equals the NV template, and
        # CreatePrimary from it gives the certified key.
        tpm2_nvread -C o $tmpl -o tmpl.$alg 2>/dev/null
        tpm2_createprimary -Q -C e -g sha256 -G $g \
            -a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign' \
            -u unique.bin --template-data mine.$alg -c ak.$alg.ctx
        cmp -s mine.$alg tmpl.$alg || fail "NV $tmpl is not the GCE $alg AK template"
        tpm2_readpublic -Q -c ak.$alg.ctx -f pem -o ak.$alg.pem
        tpm2_nvread -C o $cert -o cert.$alg.der 2>/dev/null
        [ "$(nv_field $cert size)" = "$(stat -c %s cert.$alg.der)" ] || fail "cert size"
        openssl x509 -inform der -in cert.$alg.der -out cert.$alg.pem
        openssl x509 -in cert.$alg.pem -pubkey -noout | cmp -s - ak.$alg.pem ||
            fail "the $alg AK certificate does not certify CreatePrimary(template)"
        split_pem "$ATTLS_EMU_ROOTS/gcp-vtpm.pem" gcproot
        openssl verify -x509_strict -CAfile gcproot.0 -untrusted gcproot.1 \
            cert.$alg.pem >/dev/null || fail "the $alg AK certificate does not chain"
        openssl x509 -in cert.$alg.pem -noout -text >cert.txt
        grep -q '1.3.6.1.4.1.11129.2.1.21' cert.txt || fail "no GCE instance identity"
        grep -q 'O = Google Compute Engine' cert.txt || fail "subject is not GCE-like"
    done
    say "vTPM: GCE AK templates, AK certificates, CreatePrimary OK"
}

# snp_check REPORT REPORT_DATA_HEX VMPL: emu-check and attls verify-snp with
# the certificates of the auxblob and the test roots; not AMD's real ARK.
snp_check() {
    "$EMU_CHECK" snp "$1" vcek.pem "$ATTLS_EMU_ROOTS/amd-milan.pem" "$2" "$3" >check.out ||
        fail "$1: $(cat check.out)"
    cat vcek.pem ask.pem ark.pem >vek-chain.pem
    "$ATTLS" verify-snp "$1" --chain vek-chain.pem --roots "$ATTLS_EMU_ROOTS" \
        --report-data "$2" --vmpl "$3" --no-debug >/dev/null 2>check.err ||
        fail "verify-snp $1: $(cat check.err)"
    if "$ATTLS" verify-snp "$1" --chain vek-chain.pem >/dev/null 2>&1; then
        fail "the emulated SNP report verified against AMD's real ARK"
    fi
}

tsm_new() { # NAME: the entry directory, made as the guest makes it
    local d=$ATTLS_TSM_REPORT_DIR/$1
    mkdir "$d"
    echo "$d"
}

check_tsm_snp() {
    local d g0 g1 rd
    d=$(tsm_new "$(cat /proc/sys/kernel/random/uuid)")
    [ "$(cat "$d/provider")" = sev_guest ] || fail "provider"
    g0=$(cat "$d/generation")
    head -c 64 /dev/urandom >rd.bin
    cat rd.bin >"$d/inblob"
    cat "$d/outblob" >report.bin
    g1=$(cat "$d/generation")
    [ "$g1" = $((g0 + 1)) ] || fail "generation $g0 -> $g1 after one write"
    cat "$d/auxblob" >certs.bin
    python3 - <<'PY'
import ssl
t = open("certs.bin", "rb").read()
guids = {bytes.fromhex("63da758de6644564adc5f4b93be8accd"): "vcek",
         bytes.fromhex("4ab7b379bbac4fe4a02f05aef327c782"): "ask",
         bytes.fromhex("c0b406a4a803495297433fb6014cd0ae"): "ark"}
i = 0
while t[i:i + 24] != bytes(24):
    name = guids[t[i:i + 16]]
    off = int.from_bytes(t[i + 16:i + 20], "little")
    n = int.from_bytes(t[i + 20:i + 24], "little")
    open(name + ".pem", "w").write(ssl.DER_cert_to_PEM_cert(t[off:off + n]))
    i += 24
PY
    rd=$(od -An -tx1 -v rd.bin | tr -d ' \n')
    snp_check report.bin "$rd" 0
    # privlevel selects the VMPL; an inblob over 64 bytes is refused.
    echo 1 >"$d/privlevel"
    cat "$d/outblob" >report1.bin
    snp_check report1.bin "$rd" 1
    g0=$(cat "$d/generation")
    head -c 65 /dev/urandom >"$d/inblob"
    [ "$(cat "$d/generation")" = "$g0" ] || fail "a 65-byte inblob was accepted"
    rmdir "$d"
    say "configfs-tsm sev_guest: outblob, auxblob, generation, privlevel OK"
}

check_tsm_tdx() {
    local d rd
    d=$(tsm_new q1)
    [ "$(cat "$d/provider")" = tdx_guest ] || fail "provider"
    if [ -e "$d/auxblob" ] || [ -e "$d/privlevel" ]; then
        fail "tdx_guest has no auxblob or privlevel"
    fi
    head -c 32 /dev/urandom >"$d/inblob"
    cat "$d/outblob" >empty.bin
    [ ! -s empty.bin ] || fail "a 32-byte inblob gave a quote"
    head -c 64 /dev/urandom >rd.bin
    cat rd.bin >"$d/inblob"
    cat "$d/outblob" >quote.bin
    rd=$(od -An -tx1 -v rd.bin | tr -d ' \n')
    verify_quote quote.bin "$rd" 0
    rmdir "$d"
    say "configfs-tsm tdx_guest: quote v4 verified by attls verify-tdx (UpToDate)"
}

check_tsm_stress() {
    local i d g0 g1
    for ((i = 0; i < 30; i++)); do
        d=$(tsm_new "s$i")
        g0=$(cat "$d/generation")
        head -c 64 /dev/urandom >rd.bin
        cat rd.bin >"$d/inblob"
        cat "$d/outblob" >out.bin
        g1=$(cat "$d/generation")
        [ "$g1" = $((g0 + 1)) ] || fail "iteration $i: generation $g0 -> $g1"
        if [ "$platform" = gcp-snp ]; then
            cmp -s rd.bin <(tail -c +81 out.bin | head -c 64) || fail "iteration $i: REPORT_DATA"
        else
            cmp -s rd.bin <(tail -c +569 out.bin | head -c 64) || fail "iteration $i: REPORTDATA"
        fi
        rmdir "$d"
    done
    [ -z "$(ls -A "$ATTLS_TSM_REPORT_DIR")" ] || fail "entries left in the report dir"
    say "configfs-tsm: 30 sequential requests consistent"
}

# ---------------------------------------------------------------- main

"$src/tests/emulate" start "$platform" "$state"
started=1
say "started: $(tr '\n' ' ' <"$state/timing.log")"
# shellcheck source=/dev/null
. "$state/env.sh"
[ "$ATTLS_TCTI" = tabrmd:bus_type=session ] || fail "ATTLS_TCTI"
check_no_handles
check_multiprocess

case $platform in
azure-*)
    check_azure_tpm
    [ "$platform" = azure-snp ] && fetch_vcek
    check_azure_hcl
    [ "$platform" = azure-tdx ] && check_azure_tdx_quote
    ;;
gcp-*)
    check_gcp_tpm
    if [ "$platform" = gcp-snp ]; then check_tsm_snp; else check_tsm_tdx; fi
    check_tsm_stress
    # An entry a crashed guest left behind; removed after stop, below.
    mkdir "$ATTLS_TSM_REPORT_DIR/left-behind"
    ;;
tpm)
    [ -z "$(tpm2_getcap handles-persistent)" ] || fail "a plain TPM with persistent keys"
    tpm2_createprimary -Q -C o -c primary.ctx
    ;;
esac
check_no_handles

service_pids=$(cut -d: -f2 "$state/services")
"$src/tests/emulate" stop "$state"
started=0
for pid in $service_pids; do
    if kill -0 "$pid" 2>/dev/null &&
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
        fail "process $pid still runs after stop"
    fi
done
[ ! -e "$state/env.sh" ] || fail "env.sh left after stop"
"$src/tests/emulate" stop "$state" || fail "a second stop failed"
# With the emulator stopped, the shim (still preloaded here) leaves entries
# to libc: the state dir can be removed.
if [ -n "${ATTLS_TSM_REPORT_DIR:-}" ]; then
    rm -r "$ATTLS_TSM_REPORT_DIR/left-behind" ||
        fail "a stopped machine's configfs entry cannot be removed"
fi
say "stopped; nothing left running"
