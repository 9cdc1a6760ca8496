#!/usr/bin/env bash
# shellcheck disable=SC2317 # helpers are called through ok/check/fails_with
# SPDX-License-Identifier: Apache-2.0
#
# TLS handshakes against `openssl s_server` holding an attls key, with the
# provider loaded the production way (openssl.cnf: default first, attls
# second, no property query) and a plain default-provider s_client that
# verifies the server's signature. For each key type and TLS version, counts
# the TPM commands the server sent: the first handshake loads the key
# (CreatePrimary, Load, FlushContext of the primary), every handshake signs
# with exactly one command (Sign, or RSA_Decrypt for software-encoded PSS),
# and the key is flushed at exit. Nothing may stay loaded in the TPM.
#
# usage: tls_s_server.sh BUILD_DIR
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
# shellcheck source=../lib/tpm-env.sh
. "$src/tests/lib/tpm-env.sh"
require_tools swtpm tpm2_getcap openssl
tpmenv_init tls
SWTPM_LOG_COMMANDS=1 start_swtpm
dir=$TPMENV_DIR
export OPENSSL_MODULES=$build/provider
sed "s|@TCTI@|$SWTPM_TCTI|" "$src/tests/tpm/openssl.cnf.in" >"$dir/openssl.cnf"
export OPENSSL_CONF=$dir/openssl.cnf
fail=0

check() { # COMMAND...: run it, report and record a failure
    "$@" >"$dir/check.log" 2>&1 && return 0
    echo "FAIL: $*" >&2
    cat "$dir/check.log" >&2
    fail=1
}

# handshakes NAME KEY N TLSOPTS...: N handshakes; echo the server's commands
handshakes() {
    local name=$1 key=$2 n=$3 port before i
    shift 3
    port=$(free_port 1)
    before=$(swtpm_commands | wc -l)
    openssl s_server -accept "127.0.0.1:$port" -cert "$dir/$name.crt" \
        -key "$key" -naccept "$n" -quiet "$@" >"$dir/server-$name.log" 2>&1 &
    local spid=$!
    until port_listening "$port"; do
        kill -0 $spid 2>/dev/null || { cat "$dir/server-$name.log" >&2; return 1; }
        sleep 0.05
    done
    for ((i = 0; i < n; i++)); do
        OPENSSL_CONF=/dev/null openssl s_client -connect "127.0.0.1:$port" \
            -CAfile "$dir/$name.crt" -verify_return_error -brief "$@" \
            </dev/null >"$dir/client.log" 2>&1 ||
            { echo "handshake $i failed ($name $*):" >&2; cat "$dir/client.log" >&2; kill $spid; return 1; }
        grep -q "Verification: OK" "$dir/client.log" || { cat "$dir/client.log" >&2; return 1; }
    done
    wait $spid || { cat "$dir/server-$name.log" >&2; return 1; }
    swtpm_commands | tail -n +"$((before + 1))" | tr '\n' ' '
}

# expect_commands NAME KEY N OP TLSOPTS...: the server's commands must be
# exactly the one-off key load, N x OP, and the flush when s_server frees
# the key at exit.
expect_commands() {
    local name=$1 key=$2 n=$3 op=$4 got want i
    shift 4
    got=$(handshakes "$name" "$key" "$n" "$@") || { fail=1; return; }
    want="CreatePrimary Load FlushContext "
    for ((i = 0; i < n; i++)); do want+="$op "; done
    want+="FlushContext "
    if [ "$got" != "$want" ]; then
        echo "FAIL: $name $*: TPM commands '$got', expected '$want'" >&2
        fail=1
    else
        echo "$name $*: $n handshakes, TPM commands: $got"
    fi
}

make_key() { # NAME GENPKEY-ARGS...
    local name=$1
    shift
    openssl genpkey -propquery '?provider=attls' "$@" -out "$dir/$name.pem" &&
        grep -q 'BEGIN TSS2 PRIVATE KEY' "$dir/$name.pem" &&
        openssl req -new -x509 -key "$dir/$name.pem" -subj "/CN=$name" \
            -days 2 -out "$dir/$name.crt"
}

check make_key ec256 -algorithm EC -pkeyopt group:P-256
check make_key ec384 -algorithm EC -pkeyopt group:P-384
check make_key rsa2048 -algorithm RSA -pkeyopt rsa_keygen_bits:2048

expect_commands ec256 "$dir/ec256.pem" 3 Sign -tls1_3
expect_commands ec256 "$dir/ec256.pem" 2 Sign -tls1_2
expect_commands ec384 "$dir/ec384.pem" 2 Sign -tls1_3
# TLS 1.3 with RSA is always PSS (salt = digest length, checked by s_client).
expect_commands rsa2048 "$dir/rsa2048.pem" 3 RSA_Decrypt -tls1_3
expect_commands rsa2048 "$dir/rsa2048.pem" 2 RSA_Decrypt -tls1_2 \
    -sigalgs rsa_pss_rsae_sha256
expect_commands rsa2048 "$dir/rsa2048.pem" 2 Sign -tls1_2 \
    -sigalgs RSA+SHA256

# Unsupported but harmless: a property query that prefers attls for every
# fetch. libssl's ephemeral P-256 keys then reach attls's keygen, which
# must not leave objects in the TPM; the server keeps serving.
propquery_server() {
    local port i rc
    port=$(free_port 1)
    openssl s_server -accept "127.0.0.1:$port" -cert "$dir/ec256.crt" \
        -key "$dir/ec256.pem" -naccept 3 -quiet -propquery '?provider=attls' \
        >"$dir/server-pq.log" 2>&1 &
    local spid=$!
    until port_listening "$port"; do
        kill -0 "$spid" 2>/dev/null || return 1
        sleep 0.05
    done
    for i in X25519 P-256 X25519; do
        OPENSSL_CONF=/dev/null openssl s_client -connect "127.0.0.1:$port" \
            -groups "$i" -brief </dev/null >"$dir/client-pq.log" 2>&1
        rc=$?
        if [ "$i" = X25519 ] && [ "$rc" -ne 0 ]; then
            cat "$dir/client-pq.log" >&2
            kill "$spid"
            return 1
        fi
    done
    wait "$spid"
}
check propquery_server
echo "s_server -propquery '?provider=attls': X25519 handshakes work, TPM clean"

assert_no_handles || fail=1
exit $fail
