#!/usr/bin/env bash
# shellcheck disable=SC2317 # helpers are called through check
# SPDX-License-Identifier: Apache-2.0
#
# PCR-policy keys (attls cert --pcr-policy) against swtpm: the certified
# key's authPolicy is TPM2_PolicyPCR over the quoted PCRs (recomputed here
# from the quote's values and by a TPM trial session), the key file carries
# the PolicyPCR policy and round-trips through the provider, s_server
# handshakes sign through a policy session (StartAuthSession, PolicyPCR,
# Sign or RSA_Decrypt, FlushContext per handshake), and once a quoted PCR
# is extended every signature fails with ATTLS_E_TPM_POLICY while the
# server keeps running. Nothing may stay loaded in the TPM.
#
# usage: pcr_policy.sh BUILD_DIR
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=../lib/tpm-env.sh
. "$src/tests/lib/tpm-env.sh"
require_tools swtpm tpm2_getcap tpm2_pcrextend tpm2_startauthsession \
    tpm2_policypcr tpm2_flushcontext openssl python3
tpmenv_init pcrpol
SWTPM_LOG_COMMANDS=1 start_swtpm
dir=$TPMENV_DIR
attls=$build/tools/attls
# At most 8 PCRs: tpm2_policypcr takes no more.
pcrs=sha256:0-3,7,9
tpm2_pcrs=sha256:0,1,2,3,7,9
export OPENSSL_MODULES=$build/provider ATTLS_TCTI=$SWTPM_TCTI
sed "s|@TCTI@|$SWTPM_TCTI|" "$src/tests/tpm/openssl.cnf.in" >"$dir/openssl.cnf"
export OPENSSL_CONF=$dir/openssl.cnf
fail=0

check() { # COMMAND...: run it, report and record a failure
    "$@" >"$dir/check.log" 2>&1 && return 0
    echo "FAIL: $*" >&2
    cat "$dir/check.log" >&2
    fail=1
}

# make_cert NAME ARGS...: attls cert with --pcr-policy, then attls show.
make_cert() {
    local name=$1
    shift
    "$attls" cert --key "$dir/$name.pem" --cert "$dir/$name.crt" \
        --platform tpm --pcr-policy --pcrs "$pcrs" --san "$name.test" "$@" &&
        "$attls" show "$dir/$name.crt" >"$dir/$name.json"
}

# The claims say pcr-policy; the certified key has no userWithAuth and its
# authPolicy is PolicyPCR over the quote's selection and values.
policy_matches_quote() {
    python3 - "$dir/$1.json" <<'PY'
import hashlib, json, struct, sys
d = json.load(open(sys.argv[1]))
assert d["claims"]["pcr-policy"] is True, d["claims"]
obj = d["records"]["tpm-certify"]["object"]
assert int(obj["attributes"], 16) & 0x40 == 0, "userWithAuth is set"
banks = d["records"]["tpm-quote"]["pcrs"]
algs = {"sha1": 4, "sha256": 11, "sha384": 12, "sha512": 13}
sel, values = struct.pack(">I", len(banks)), b""
for name, pcrs in banks.items():
    mask = bytearray(3)
    for i in sorted(pcrs, key=int):
        mask[int(i) // 8] |= 1 << (int(i) % 8)
        values += bytes.fromhex(pcrs[i])
    sel += struct.pack(">HB", algs[name], 3) + bytes(mask)
want = hashlib.sha256(bytes(32) + struct.pack(">I", 0x17F) + sel +
                      hashlib.sha256(values).digest()).hexdigest()
assert obj["auth-policy"].lower() == want, (obj["auth-policy"], want)
PY
}

# A TPM trial session reaches the same digest from the current PCRs.
policy_matches_trial() {
    local got rc=0
    tpm2_startauthsession -T "$SWTPM_TCTI" -S "$dir/trial.ctx" || return 1
    tpm2_policypcr -T "$SWTPM_TCTI" -S "$dir/trial.ctx" -l "$tpm2_pcrs" \
        -L "$dir/trial.bin" >/dev/null || rc=1
    tpm2_flushcontext -T "$SWTPM_TCTI" "$dir/trial.ctx" || return 1
    [ "$rc" -eq 0 ] || return 1
    got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"]["tpm-certify"]["object"]["auth-policy"].lower())' "$dir/$1.json")
    [ "$got" = "$(od -An -tx1 -v "$dir/trial.bin" | tr -d ' \n')" ]
}

# The key file holds one TPMPolicy: [1] { [0] 0x17F, [1] digest || selection }
# and the provider writes back the same file.
keyfile_round_trip() {
    openssl asn1parse -in "$dir/$1.pem" >"$dir/asn1.txt" &&
        grep -q "cont \[ 1 \]" "$dir/asn1.txt" &&
        grep -q "INTEGER *:017F" "$dir/asn1.txt" &&
        openssl pkey -in "$dir/$1.pem" -out "$dir/rt.pem" &&
        cmp "$dir/$1.pem" "$dir/rt.pem"
}

sign_verify() { # NAME: sign with the key, verify with the certificate
    echo "attested state" >"$dir/data.txt"
    openssl x509 -in "$dir/$1.crt" -pubkey -noout >"$dir/pub.pem" &&
        openssl dgst -sha256 -sign "$dir/$1.pem" -out "$dir/sig.bin" \
            "$dir/data.txt" &&
        openssl dgst -sha256 -verify "$dir/pub.pem" -signature "$dir/sig.bin" \
            "$dir/data.txt"
}

sign_refused() { # NAME: signing fails with ATTLS_E_TPM_POLICY, no crash
    local rc=0
    ATTLS_DEBUG=1 openssl dgst -sha256 -sign "$dir/$1.pem" \
        -out "$dir/sig.bin" "$dir/data.txt" 2>"$dir/refused.log" || rc=$?
    if [ "$rc" -ne 1 ] || ! grep -q "ATTLS_E_TPM_POLICY" "$dir/refused.log"; then
        cat "$dir/refused.log"
        return 1
    fi
}

# serve NAME N EXPECT TLSOPTS...: N handshakes against s_server; EXPECT ok
# (all verify) or fail (all fail, the server still accepts the next one).
# Echoes the server's TPM commands.
serve() {
    local name=$1 n=$2 expect=$3 port before i rc
    shift 3
    port=$(free_port 1)
    before=$(swtpm_commands | wc -l)
    openssl s_server -accept "127.0.0.1:$port" -cert "$dir/$name.crt" \
        -key "$dir/$name.pem" -naccept "$n" -quiet "$@" \
        >"$dir/server-$name.log" 2>&1 &
    local spid=$!
    until port_listening "$port"; do
        kill -0 $spid 2>/dev/null || { cat "$dir/server-$name.log" >&2; return 1; }
        sleep 0.05
    done
    for ((i = 0; i < n; i++)); do
        rc=0
        OPENSSL_CONF=/dev/null openssl s_client -connect "127.0.0.1:$port" \
            -CAfile "$dir/$name.crt" -verify_return_error -brief "$@" \
            </dev/null >"$dir/client.log" 2>&1 || rc=$?
        if { [ "$expect" = ok ] && [ $rc -ne 0 ]; } ||
            { [ "$expect" = fail ] && [ $rc -eq 0 ]; }; then
            echo "handshake $i: exit $rc, expected $expect" >&2
            cat "$dir/client.log" >&2
            kill $spid
            return 1
        fi
    done
    wait $spid || { cat "$dir/server-$name.log" >&2; return 1; }
    swtpm_commands | tail -n +"$((before + 1))" | tr '\n' ' '
}

# expect_serve NAME N EXPECT OP TLSOPTS...: key load, N x the policy session
# around OP, the flush at exit.
expect_serve() {
    local name=$1 n=$2 expect=$3 op=$4 got want i
    shift 4
    got=$(serve "$name" "$n" "$expect" "$@") || { fail=1; return; }
    want="CreatePrimary Load FlushContext "
    for ((i = 0; i < n; i++)); do
        want+="StartAuthSession PolicyPCR $op FlushContext "
    done
    want+="FlushContext "
    if [ "$got" != "$want" ]; then
        echo "FAIL: $name $expect $*: TPM commands '$got', expected '$want'" >&2
        fail=1
    else
        echo "$name $expect $*: $n handshakes, TPM commands: $got"
    fi
}

check make_cert ec
check make_cert rsa --key-type rsa-2048
check policy_matches_quote ec
check policy_matches_quote rsa
check policy_matches_trial ec
check keyfile_round_trip ec
check sign_verify ec

# attls verify-cert checks step 8 (authPolicy = PolicyPCR over the quote).
# No TEE vouches for a plain TPM's AK: the policy pins it.
verify_cert_accepts() {
    local pin rc=0
    echo '{"platforms":["tpm"]}' >"$dir/policy.json"
    "$attls" verify-cert "$dir/$1.crt" --policy "$dir/policy.json" \
        2>"$dir/verify.err" || rc=$?
    [ "$rc" -eq 1 ] || { cat "$dir/verify.err"; return 1; }
    pin=$(sed -n 's/.*(SPKI SHA-256 \([0-9a-f]*\)).*/\1/p' "$dir/verify.err")
    printf '{"platforms":["tpm"],"tpm_ak_pins":["%s"]}\n' "$pin" \
        >"$dir/policy.json"
    "$attls" verify-cert "$dir/$1.crt" --policy "$dir/policy.json" --json \
        >"$dir/verified.json" &&
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["pcr_policy"] is not True)' "$dir/verified.json"
}
check verify_cert_accepts ec
check verify_cert_accepts rsa
expect_serve ec 3 ok Sign -tls1_3
expect_serve rsa 2 ok RSA_Decrypt -tls1_3
check assert_no_handles

echo "== extend a quoted PCR: the keys stop signing"
check tpm2_pcrextend -T "$SWTPM_TCTI" \
    9:sha256=00000000000000000000000000000000000000000000000000000000000000ab
check sign_refused ec
expect_serve ec 2 fail Sign -tls1_3
grep -q "key policy not satisfied" "$dir/server-ec.log" || {
    echo "FAIL: the server did not report the policy failure" >&2
    cat "$dir/server-ec.log" >&2
    fail=1
}
expect_serve rsa 1 fail RSA_Decrypt -tls1_3
check assert_no_handles

echo "== a new key binds the new state; renew replaces the stale key"
check make_cert ec2
check policy_matches_quote ec2
check sign_verify ec2
renew_replaces_key() {
    local before
    before=$(sha256sum <"$dir/ec.pem")
    "$attls" renew --key "$dir/ec.pem" --cert "$dir/ec.crt" &&
        [ "$(sha256sum <"$dir/ec.pem")" != "$before" ] &&
        "$attls" show "$dir/ec.crt" >"$dir/ec.json"
}
check renew_replaces_key

# A kept key that is not bound to the quoted state is never claimed to be.
unbound_key_refused() {
    local rc=0
    "$attls" cert --key "$dir/plain.pem" --cert "$dir/plain.crt" \
        --platform tpm --pcrs "$pcrs" || return 1
    cp "$dir/plain.crt" "$dir/plain.orig"
    "$attls" renew --key "$dir/plain.pem" --cert "$dir/plain.crt" --force \
        --pcr-policy 2>"$dir/unbound.log" || rc=$?
    [ "$rc" -eq 3 ] && grep -q "ATTLS_E_KEY_PCR_POLICY" "$dir/unbound.log" &&
        cmp -s "$dir/plain.crt" "$dir/plain.orig"
}
check unbound_key_refused
check policy_matches_quote ec
check sign_verify ec
check assert_no_handles
exit $fail
