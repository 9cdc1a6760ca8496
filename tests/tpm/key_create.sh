#!/usr/bin/env bash
# shellcheck disable=SC2317 # helpers are called through ok/check/fails_with
# SPDX-License-Identifier: Apache-2.0
#
# `attls key create` against swtpm: key files (EC/RSA, with and without an
# auth value) and persistent keys, used through attls.so by the openssl
# command line (production openssl.cnf), signatures checked by the default
# provider alone; command-line and TPM errors; nothing left in the TPM.
#
# usage: key_create.sh BUILD_DIR
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=../lib/tpm-env.sh
. "$src/tests/lib/tpm-env.sh"
require_tools swtpm tpm2_getcap tpm2_evictcontrol openssl
tpmenv_init key-create
start_swtpm
dir=$TPMENV_DIR
attls=$build/tools/attls
export OPENSSL_MODULES=$build/provider ATTLS_TCTI=$SWTPM_TCTI
sed "s|@TCTI@|$SWTPM_TCTI|" "$src/tests/tpm/openssl.cnf.in" >"$dir/openssl.cnf"
export OPENSSL_CONF=$dir/openssl.cnf
fail=0
echo "attls signs this" >"$dir/msg"

ok() { # DESCRIPTION COMMAND...
    local d=$1
    shift
    if "$@" >"$dir/cmd.log" 2>&1; then echo "ok - $d"; else
        echo "not ok - $d"; cat "$dir/cmd.log"; fail=1
    fi
}

fails_with() { # DESCRIPTION EXIT TEXT COMMAND...: exit status and message
    local d=$1 want=$2 text=$3 rc
    shift 3
    "$@" >"$dir/cmd.log" 2>&1
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -q -- "$text" "$dir/cmd.log"; then
        echo "ok - $d"
    else
        echo "not ok - $d (exit $rc, wanted $want and '$text')"
        cat "$dir/cmd.log"
        fail=1
    fi
}

# sign_verify KEY DGST-ARGS...: sign through attls, verify with default only
sign_verify() {
    local key=$1
    shift
    openssl pkey -in "$key" -pubout -out "$dir/pub.pem" ${PASSIN:+-passin "$PASSIN"} &&
        openssl dgst "$@" -sign "$key" ${PASSIN:+-passin "$PASSIN"} \
            -out "$dir/sig" "$dir/msg" &&
        OPENSSL_CONF=/dev/null openssl dgst "$@" -verify "$dir/pub.pem" \
            -signature "$dir/sig" "$dir/msg"
}

empty_auth_written() { # KEY VALUE: the file says emptyAuth VALUE explicitly
    openssl asn1parse -in "$1" | sed -n 4p | grep -q "BOOLEAN *:$2"
}

provider_active() {
    openssl list -providers | grep -A3 '^  attls' | grep -q 'status: active'
}
ok "openssl.cnf activates attls" provider_active
ok "create EC P-256 key file" "$attls" key create --out "$dir/ec.pem"
ok "EC file is TSS2 PEM" grep -q "BEGIN TSS2 PRIVATE KEY" "$dir/ec.pem"
ok "emptyAuth TRUE written" empty_auth_written "$dir/ec.pem" 1
ok "EC P-256 signs" sign_verify "$dir/ec.pem" -sha256
ok "create EC P-384" "$attls" key create --curve P-384 --out "$dir/ec384.pem"
ok "EC P-384 signs" sign_verify "$dir/ec384.pem" -sha384

export KEYAUTH=correct-horse
ok "create RSA-3072 with auth from env" "$attls" key create --algorithm rsa \
    --bits 3072 --auth env:KEYAUTH --out "$dir/rsa.pem"
ok "emptyAuth FALSE written" empty_auth_written "$dir/rsa.pem" 0
PASSIN=env:KEYAUTH ok "RSA PKCS#1 signs with the right auth" \
    sign_verify "$dir/rsa.pem" -sha256
PASSIN=env:KEYAUTH ok "RSA-PSS (salt = digest) signs" sign_verify \
    "$dir/rsa.pem" -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
export WRONG=battery-staple
fails_with "wrong auth is a clean, specific error" 1 \
    "TPM authorization failed" \
    openssl dgst -sha256 -sign "$dir/rsa.pem" -passin env:WRONG "$dir/msg"

printf 'file-secret\n' >"$dir/auth.txt"
ok "persistent key with auth from a file" "$attls" key create \
    --persistent 0x81000010 --auth "file:$dir/auth.txt"
ok "persistent key signs by URI" sign_verify \
    "attls:handle=0x81000010;auth=file:$dir/auth.txt" -sha256
ok "persistent key as a public key (OSSL_STORE expects PUBKEY)" \
    openssl pkey -pubin -in "attls:handle=0x81000010" -pubout
fails_with "persistent handle taken" 3 "making the key persistent" \
    "$attls" key create --persistent 0x81000010
fails_with "unknown handle" 1 "TPM handle does not exist" \
    openssl pkey -in "attls:handle=0x81000077" -pubout
ok "evict the persistent key" tpm2_evictcontrol -T "$SWTPM_TCTI" -C o \
    -c 0x81000010

fails_with "existing file is kept" 3 "use --force" \
    "$attls" key create --out "$dir/ec.pem"
ok "--force replaces it" "$attls" key create --out "$dir/ec.pem" --force
fails_with "bad --bits" 2 "--bits must be" "$attls" key create --algorithm rsa \
    --bits 1024 --out "$dir/x.pem"
fails_with "--out and --persistent" 2 "exactly one" "$attls" key create \
    --out "$dir/x.pem" --persistent 0x81000011
fails_with "auth never from argv" 2 "file:PATH or env:NAME" \
    "$attls" key create --auth secret --out "$dir/x.pem"
fails_with "unsupported curve" 2 "P-256 or P-384" "$attls" key create \
    --curve P-521 --out "$dir/x.pem"
fails_with "no TPM behind the TCTI" 3 "ATTLS_E_TPM_UNREACHABLE" \
    "$attls" key create --tcti swtpm:host=127.0.0.1,port=1 --out "$dir/y.pem"
fails_with "unknown TCTI module" 3 "ATTLS_E_TPM_TCTI" \
    "$attls" key create --tcti nosuchtcti --out "$dir/y.pem"
fails_with "provider: no TPM" 1 "no TPM reachable through the TCTI" \
    env ATTLS_TCTI=swtpm:host=127.0.0.1,port=1 \
    openssl dgst -sha256 -sign "$dir/ec.pem" "$dir/msg"

# A malformed file: a parent handle that is not one (byte 20 of the DER is
# inside the parent INTEGER 0x40000001). OpenSSL's file store replaces the
# decoder's error by its own "unsupported"; the debug log keeps attls's.
python3 - "$dir/ec.pem" "$dir/bad.pem" <<'PY'
import base64, sys
lines = open(sys.argv[1]).read().split("\n")
der = bytearray(base64.b64decode("".join(lines[1:-2])))
der[20] ^= 0xff
b64 = base64.encodebytes(bytes(der)).decode()
open(sys.argv[2], "w").write("-----BEGIN TSS2 PRIVATE KEY-----\n" + b64 +
                             "-----END TSS2 PRIVATE KEY-----\n")
PY
fails_with "malformed key file" 1 "keyfile.parent: parent 0x4000ff01" \
    env ATTLS_DEBUG=1 openssl pkey -in "$dir/bad.pem" -pubout

assert_no_handles || fail=1
exit $fail
