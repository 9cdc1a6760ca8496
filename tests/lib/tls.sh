# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
#
# tls.sh: certificates, OpenSSL configurations and TLS clients for attls'
# integration tests, benchmarks and demo. Source it after tpm-env.sh.
#
#   make_ca DIR                        # DIR/ca.key, DIR/ca.crt (software)
#   issue_cert PUBKEY_PEM CRT [CN]     # CA-signed server cert for a public key
#   make_software_key KEY CRT [ALG]    # software key + CA-signed cert
#   make_attls_key KEY CRT [ALG [HOW]] # attls (TPM) key + CA-signed cert
#   attls_module BUILD_DIR             # path of the built attls.so
#   make_openssl_cnf OUT TCTI [MODULE] # conf/openssl.cnf for tests
#   nginx_site KEY CRT PORT BODY       # conf/nginx-attls.conf for a test
#   tls_get PORT [S_CLIENT ARG...]     # one verified handshake + GET /
#   expect_field OUTPUT NAME VALUE     # check one "Name: value" line of tls_get
#   serve_rows KEY CRT [ARG...] -- ROW...  # s_server: handshakes, TPM counts
#
# Clients always run with the system OpenSSL configuration (no attls), verify
# the chain against the test CA and check the host name "localhost".

TLS_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TLS_CA_DIR=

# Run openssl as a client would: without any provider configuration of ours.
client_openssl() {
    env -u OPENSSL_CONF -u OPENSSL_MODULES openssl "$@"
}

# make_ca DIR: a software ECDSA P-256 CA for the test's server certificates.
make_ca() {
    TLS_CA_DIR=$1
    mkdir -p "$TLS_CA_DIR"
    client_openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
        -nodes -keyout "$TLS_CA_DIR/ca.key" -out "$TLS_CA_DIR/ca.crt" \
        -subj "/CN=attls test CA" -days 2 \
        -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign 2>/dev/null ||
        tpmenv_die "cannot create the test CA"
}

# issue_cert PUBKEY_PEM CRT [CN]: a server certificate for the public key in
# PUBKEY_PEM, signed by the test CA. Only the public key is needed, so this
# works for any provider's key (x509 -force_pubkey on a throwaway request).
issue_cert() {
    local pub=$1 crt=$2 cn=${3:-localhost} tmp
    [ -n "$TLS_CA_DIR" ] || tpmenv_die "issue_cert needs make_ca first"
    tmp=$(mktemp -d "$TLS_CA_DIR/req.XXXXXX")
    cat >"$tmp/ext.cnf" <<EXT
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:$cn
EXT
    if ! client_openssl req -new -newkey ec \
        -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/throwaway.key" \
        -subj "/CN=$cn" -out "$tmp/req.csr" 2>"$tmp/err" ||
        ! client_openssl x509 -req -in "$tmp/req.csr" -force_pubkey "$pub" \
            -CA "$TLS_CA_DIR/ca.crt" -CAkey "$TLS_CA_DIR/ca.key" \
            -set_serial "0x$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')" \
            -days 2 -extfile "$tmp/ext.cnf" -out "$crt" 2>"$tmp/err"; then
        cat "$tmp/err" >&2
        tpmenv_die "cannot issue a certificate for $pub"
    fi
    rm -rf "$tmp"
}

# keygen_args ALG: `openssl genpkey` arguments for ec-p256, ec-p384, rsa2048.
keygen_args() {
    case $1 in
    ec-p256) echo "-algorithm EC -pkeyopt group:P-256" ;;
    ec-p384) echo "-algorithm EC -pkeyopt group:P-384" ;;
    rsa2048) echo "-algorithm RSA -pkeyopt rsa_keygen_bits:2048" ;;
    *) tpmenv_die "unknown key algorithm $1" ;;
    esac
}

# make_software_key KEY CRT [ALG]: a software key (ec-p256 default, ec-p384,
# rsa2048) and its certificate.
make_software_key() {
    local key=$1 crt=$2 opts
    opts=$(keygen_args "${3:-ec-p256}")
    # shellcheck disable=SC2086 # opts is a word list
    if ! client_openssl genpkey $opts -out "$key" 2>/dev/null ||
        ! client_openssl pkey -in "$key" -pubout -out "$key.pub"; then
        tpmenv_die "cannot create software key $key"
    fi
    issue_cert "$key.pub" "$crt"
}

# make_attls_key KEY CRT [ALG [HOW]]: a key in the TPM (ec-p256 default,
# ec-p384, rsa2048) made by attls, and its certificate. HOW is "genpkey"
# (`openssl genpkey -propquery ?provider=attls`, the default) or "cli"
# (`$ATTLS_CLI key create` on $TPM_TCTI). Needs OPENSSL_CONF with attls
# (make_openssl_cnf).
make_attls_key() {
    local key=$1 crt=$2 alg=${3:-ec-p256} how=${4:-genpkey} opts
    case $how in
    genpkey)
        opts=$(keygen_args "$alg")
        # shellcheck disable=SC2086 # opts is a word list
        openssl genpkey -propquery '?provider=attls' $opts -out "$key" ||
            tpmenv_die "attls could not create a $alg key"
        ;;
    cli)
        case $alg in
        ec-p256) opts="--algorithm ec --curve P-256" ;;
        ec-p384) opts="--algorithm ec --curve P-384" ;;
        rsa2048) opts="--algorithm rsa --bits 2048" ;;
        *) tpmenv_die "unknown key algorithm $alg" ;;
        esac
        # shellcheck disable=SC2086 # opts is a word list
        "${ATTLS_CLI:?}" key create $opts --tcti "$TPM_TCTI" --out "$key" \
            >/dev/null || tpmenv_die "attls key create ($alg) failed"
        ;;
    *) tpmenv_die "make_attls_key: unknown way $how" ;;
    esac
    grep -q '^-----BEGIN TSS2 PRIVATE KEY-----$' "$key" ||
        tpmenv_die "$key is not a TSS2 PRIVATE KEY file"
    openssl pkey -in "$key" -pubout -out "$key.pub" ||
        tpmenv_die "attls could not load $key"
    issue_cert "$key.pub" "$crt"
}

# attls_module BUILD_DIR: the built provider module, or fail.
attls_module() {
    local m=$1/provider/attls.so
    [ -f "$m" ] || tpmenv_die "$m is not built (ninja -C $1)"
    echo "$m"
}

# make_openssl_cnf OUT TCTI [MODULE]: the shipped conf/openssl.cnf with the
# TPM at TCTI and, for a build tree, the provider module's full path.
make_openssl_cnf() {
    local out=$1 tcti=$2 module=${3:-}
    sed -e "s|^tcti = .*|tcti = $tcti|" "$TLS_SRC/conf/openssl.cnf" >"$out"
    grep -q "^tcti = $tcti\$" "$out" ||
        tpmenv_die "conf/openssl.cnf has no 'tcti =' line to set"
    if [ -n "$module" ]; then
        sed -i -e "/^\[attls_sect\]/a module = $module" "$out"
    fi
}

# tls_get PORT [S_CLIENT ARG...]: one handshake with 127.0.0.1:PORT that
# must verify (CA, host name), then "GET /"; prints s_client's -brief summary
# and the response. Fails when the handshake or verification fails.
tls_get() {
    local port=$1 out rc=0
    shift
    out=$(printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' |
        timeout 20 env -u OPENSSL_CONF -u OPENSSL_MODULES openssl s_client \
            -connect "127.0.0.1:$port" -servername localhost \
            -CAfile "$TLS_CA_DIR/ca.crt" -verify_return_error \
            -verify_hostname localhost -brief -ign_eof "$@" 2>&1) || rc=$?
    printf '%s\n' "$out"
    if [ $rc -ne 0 ]; then
        { echo "$out"; tpmenv_log "handshake with port $port ($*) failed"; } >&2
        return 1
    fi
}

# expect_field OUTPUT NAME VALUE: OUTPUT (of tls_get) has "NAME: VALUE".
expect_field() {
    local got
    got=$(sed -n "s/^$2: //p" <<<"$1" | head -n 1)
    if [ "$got" != "$3" ]; then
        echo "$1" >&2
        tpmenv_log "expected '$2: $3', got '${got:-nothing}'"
        return 1
    fi
}

# nginx_site KEY CRT PORT BODY: print the shipped conf/nginx-attls.conf
# serving KEY and CRT on 127.0.0.1:PORT, answering every request with BODY.
nginx_site() {
    local key=$1 crt=$2 port=$3 body=$4 site=$TLS_SRC/conf/nginx-attls.conf
    local out
    out=$(sed -e "s|^    listen 443 ssl;|    listen 127.0.0.1:$port ssl;|" \
        -e '/^    listen \[::\]:443 ssl;/d' \
        -e "s|/etc/attls/tls.crt;|$crt;|" -e "s|/etc/attls/tls.key;|$key;|" \
        -e "s|^        root /var/www/html;|        return 200 \"$body\\\\n\";|" \
        "$site") || tpmenv_die "cannot read $site"
    # Fail loudly if the shipped file no longer has what we replace.
    if ! grep -q "listen 127.0.0.1:$port ssl;" <<<"$out" ||
        ! grep -q "ssl_certificate $crt;" <<<"$out" ||
        ! grep -q "ssl_certificate_key $key;" <<<"$out" ||
        ! grep -q "return 200" <<<"$out" || grep -q '\[::\]' <<<"$out"; then
        tpmenv_die "$site changed: update nginx_site in tests/lib/tls.sh"
    fi
    printf '%s\n' "$out"
}

# serve_rows KEY CRT [S_SERVER ARG...] -- ROW...: `openssl s_server` with
# KEY/CRT (under the current OPENSSL_CONF) for exactly as many connections
# as ROWs; each ROW "PROTO SIGTYPE HASH [S_CLIENT ARG...]" (space-separated
# words) is one handshake that must report those values. The server must
# then exit 0 by itself. With TCTI_PCAP_FILE set, the TPM commands it sent
# are checked too: one signing command (TPM2_Sign, or TPM2_RSA_Decrypt for
# PSS encoded in software) per handshake besides TPM_RC_RETRY repeats, no
# other failure, no object left loaded; and assert_no_handles.
serve_rows() {
    local key=$1 crt=$2 port pid mark=0 row out stats signs retries rc n=0 w
    local args=() name=${1##*/}
    shift 2
    while [ "$1" != -- ]; do args+=("$1"); shift; done
    shift
    port=$(free_port)
    [ -z "${TCTI_PCAP_FILE:-}" ] || mark=$(stat -c %s "$TCTI_PCAP_FILE" 2>/dev/null || echo 0)
    tpmenv_spawn "s_server-$name" openssl s_server "${args[@]}" \
        -accept "127.0.0.1:$port" -cert "$crt" -key "$key" -www \
        -naccept $# -quiet
    pid=$TPMENV_LAST_PID
    wait_for_ports "$pid" "$port" || tpmenv_die "s_server ($name) did not start"
    for row in "$@"; do
        read -r -a w <<<"$row"
        out=$(tls_get "$port" "${w[@]:3}") ||
            tpmenv_die "$name ${args[*]}: handshake ${w[*]:3} failed"
        expect_field "$out" "Protocol version" "${w[0]}"
        expect_field "$out" "Signature type" "${w[1]}"
        expect_field "$out" "Hash used" "${w[2]}"
        expect_field "$out" "Verification" "OK"
        grep -q '^HTTP/1.0 200 ok' <<<"$out" || tpmenv_die "$name: no response"
        echo "   $name ${args[*]} ${w[*]:3}: ${w[*]:0:3}"
        n=$((n + 1))
    done
    # -naccept: s_server exits by itself after the last connection, freeing
    # the key and unloading the providers.
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    ! kill -0 "$pid" 2>/dev/null || tpmenv_die "s_server ($name) did not exit"
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 0 ] || tpmenv_die "s_server ($name) exited with status $rc"
    tpmenv_stop "s_server-$name" # only unregisters it
    [ -n "${TCTI_PCAP_FILE:-}" ] || return 0
    stats=$("$TLS_SRC/tests/lib/tpm-pcap-stats" --from-offset "$mark" \
        "$TCTI_PCAP_FILE") || tpmenv_die "cannot read $TCTI_PCAP_FILE"
    retries=$(($(tpm_stat failed "$stats") - $(tpm_hard_failures "$stats")))
    signs=$(($(tpm_stat cmd:Sign "$stats") + $(tpm_stat cmd:RSA_Decrypt "$stats")))
    printf '   tpm: %s\n' "${stats//$'\n'/ }"
    [ "$((signs - retries))" -eq "$n" ] ||
        tpmenv_die "$name: $signs signing commands ($retries retried) for $n handshakes"
    [ "$(tpm_hard_failures "$stats")" -eq 0 ] ||
        tpmenv_die "$name: TPM commands failed"
    [ "$(tpm_stat objects_live "$stats")" = 0 ] ||
        tpmenv_die "$name: s_server exited with TPM objects loaded"
    assert_no_handles
}
