#!/usr/bin/env bash
# shellcheck disable=SC2317 # helpers are called through ok/check/fails_with
# SPDX-License-Identifier: Apache-2.0
#
# Interoperability with Debian's tpm2-openssl provider (module "tpm2"), both
# ways, on one swtpm: TSS2 key files written by `openssl genpkey -provider
# tpm2` load in attls and sign (ECDSA, RSA PKCS#1, RSA-PSS); files written
# by attls load in tpm2-openssl and sign. The default provider alone checks
# every signature.
#
# usage: interop_tpm2.sh BUILD_DIR
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=../lib/tpm-env.sh
. "$src/tests/lib/tpm-env.sh"
require_tools swtpm tpm2_getcap openssl
tpmenv_init interop
modules=$(openssl version -m | sed 's/^MODULESDIR: "\(.*\)"/\1/')
if [ ! -f "$modules/tpm2.so" ]; then
    echo "SKIP: tpm2-openssl (tpm2.so) not installed" >&2
    exit 77
fi
start_swtpm
dir=$TPMENV_DIR
export TPM2OPENSSL_TCTI=$SWTPM_TCTI
sed "s|@TCTI@|$SWTPM_TCTI|" "$src/tests/tpm/openssl.cnf.in" >"$dir/attls.cnf"
echo "interop" >"$dir/msg"
fail=0

# attls_run / tpm2_run CMD...: openssl with one provider set or the other.
attls_run() {
    OPENSSL_CONF=$dir/attls.cnf OPENSSL_MODULES=$build/provider "$@"
}
tpm2_run() {
    OPENSSL_CONF=/dev/null OPENSSL_MODULES=$modules "$@"
}

# check WHO KEY DGST-ARGS...: WHO signs with KEY, default verifies.
check() {
    local who=$1 key=$2 extra=()
    shift 2
    # tpm2-openssl 1.1.1 needs its property query (see the pitfalls notes).
    [ "$who" = tpm2_run ] &&
        extra=(-provider tpm2 -provider default -propquery '?provider=tpm2')
    if "$who" openssl pkey "${extra[@]}" -in "$key" -pubout -out "$dir/pub.pem" &&
        "$who" openssl dgst "${extra[@]}" "$@" -sign "$key" -out "$dir/sig" \
            "$dir/msg" &&
        OPENSSL_CONF=/dev/null openssl dgst "$@" -verify "$dir/pub.pem" \
            -signature "$dir/sig" "$dir/msg" >/dev/null; then
        echo "ok - $who signs $(basename "$key") $*"
    else
        echo "not ok - $who signs $(basename "$key") $*"
        fail=1
    fi
}

tpm2_gen() { # FILE ARGS...
    local f=$1
    shift
    tpm2_run openssl genpkey -provider tpm2 -provider default "$@" -out "$f"
}

tpm2_gen "$dir/tpm2-ec.pem" -algorithm EC -pkeyopt group:P-256 || fail=1
tpm2_gen "$dir/tpm2-rsa.pem" -algorithm RSA -pkeyopt bits:2048 || fail=1
attls_run "$build/tools/attls" key create --tcti "$SWTPM_TCTI" \
    --out "$dir/attls-ec.pem" || fail=1
attls_run openssl genpkey -propquery '?provider=attls' -algorithm RSA \
    -pkeyopt rsa_keygen_bits:2048 -out "$dir/attls-rsa.pem" || fail=1

check attls_run "$dir/tpm2-ec.pem" -sha256
check attls_run "$dir/tpm2-rsa.pem" -sha256
check attls_run "$dir/tpm2-rsa.pem" -sha256 -sigopt rsa_padding_mode:pss \
    -sigopt rsa_pss_saltlen:32
check tpm2_run "$dir/attls-ec.pem" -sha256
check tpm2_run "$dir/attls-rsa.pem" -sha256

assert_no_handles || fail=1
exit $fail
