#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# nginx 1.22, 2 workers, the shipped configuration (conf/openssl.cnf: default
# first, attls second, no property query; conf/nginx-attls.conf per site)
# with attls keys in swtpm behind tpm2-abrmd:
#
#  - TLS 1.2 and 1.3 x ECDSA P-256, P-384, RSA-2048 (PKCS#1 in TLS 1.2, PSS
#    in both, salt = hash length checked by the client's default
#    verification); static-RSA key exchange refused;
#  - a site with a software key: served, and no TPM command is sent while it
#    serves (counted with the pcap TCTI around every nginx TPM call);
#  - a reload (SIGHUP) cycle;
#  - 500 sequential full handshakes: all succeed, exactly one TPM2_Sign
#    each, no TPM object accumulates, no worker restarts or crashes;
#  - after nginx and tpm2-abrmd stop, nothing is left loaded in the TPM;
#  - with the TPM gone (tpm2-abrmd stopped), the attls site fails its
#    handshakes cleanly while the software site keeps serving.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${ATTLS_BUILD_ROOT:-$src/build}
# shellcheck source=../lib/tpm-env.sh
. "$src/tests/lib/tpm-env.sh"
# shellcheck source=../lib/tls.sh
. "$src/tests/lib/tls.sh"
require_tools swtpm tpm2-abrmd dbus-daemon nginx openssl tpm2_getcap \
    tpm2_getrandom python3 ss setsid pgrep
module=$(attls_module "$build")
hsrate=$build/bench/handshake_rate
export ATTLS_CLI=$build/tools/attls
pcapstats=$src/tests/lib/tpm-pcap-stats
[ -x "$hsrate" ] || tpmenv_die "$hsrate is not built"
HANDSHAKES=${ATTLS_NGINX_HANDSHAKES:-500}

tpmenv_init nginx
dir=$TPMENV_DIR
step() { echo "== $*"; }

start_swtpm
start_abrmd
# Every TPM command nginx sends goes through the pcap TCTI into tpm.pcap.
export TCTI_PCAP_FILE=$dir/tpm.pcap
make_openssl_cnf "$dir/openssl.cnf" "pcap:$TPM_TCTI" "$module"
export OPENSSL_CONF=$dir/openssl.cnf
make_ca "$dir/ca"

step "keys: attls ec-p256 (attls key create), ec-p384, rsa2048 (genpkey); software ec-p256"
make_attls_key "$dir/ec-p256.pem" "$dir/ec-p256.crt" ec-p256 cli
make_attls_key "$dir/ec-p384.pem" "$dir/ec-p384.crt" ec-p384
make_attls_key "$dir/rsa2048.pem" "$dir/rsa2048.crt" rsa2048
make_software_key "$dir/soft.key" "$dir/soft.crt" ec-p256

declare -A PORT
# Read by render_template through @NAME@.
# shellcheck disable=SC2034
{
    NGINX_PREFIX=$dir/nginx
    NGINX_WORKERS=2
    NGINX_USER=
    [ "$(id -u)" -ne 0 ] || NGINX_USER="user root;"
    NGINX_SERVERS=$dir/servers.conf
}
: >"$NGINX_SERVERS"
for site in ec-p256 ec-p384 rsa2048 soft; do
    PORT[$site]=$(free_port)
    if [ "$site" = soft ]; then
        nginx_site "$dir/soft.key" "$dir/soft.crt" "${PORT[$site]}" soft
    else
        nginx_site "$dir/$site.pem" "$dir/$site.crt" "${PORT[$site]}" "$site"
    fi >>"$NGINX_SERVERS"
done
render_template "$src/tests/lib/nginx.conf.in" "$dir/nginx.conf"

# pcap_mark: remember where the capture ends now; pcap_since: stats from there.
pcap_mark() { MARK=$(stat -c %s "$TCTI_PCAP_FILE" 2>/dev/null || echo 0); }
pcap_since() { "$pcapstats" --from-offset "$MARK" "$TCTI_PCAP_FILE"; }
# expect_handshake SITE PROTO SIGTYPE HASH [S_CLIENT ARG...]
expect_handshake() {
    local site=$1 proto=$2 sigtype=$3 hash=$4 out
    shift 4
    out=$(tls_get "${PORT[$site]}" "$@") ||
        tpmenv_die "handshake with $site ($*) failed"
    expect_field "$out" "Protocol version" "$proto"
    expect_field "$out" "Signature type" "$sigtype"
    expect_field "$out" "Hash used" "$hash"
    expect_field "$out" "Verification" "OK"
    grep -qx "$site" <<<"$out" || tpmenv_die "$site: wrong or no response"
    echo "   $site $*: $proto $sigtype $hash"
}

# no_crash [ALLOWED_CRIT]: error.log shows no crashed worker and no alert or
# emergency; [crit] lines (how nginx logs a failed SSL_do_handshake) only if
# they match ALLOWED_CRIT.
no_crash() {
    local errlog=$NGINX_PREFIX/logs/error.log crit
    if grep -E '\[(alert|emerg)\]|exited on signal' "$errlog"; then
        tpmenv_die "nginx error.log reports a crash"
    fi
    crit=$(grep -F '[crit]' "$errlog" | grep -v -e "${1:-^$}" || true)
    if [ -n "$crit" ]; then
        echo "$crit"
        tpmenv_die "nginx error.log reports critical errors"
    fi
}

step "nginx starts with 2 workers"
pcap_mark
start_nginx "$dir/nginx.conf" "${PORT[@]}"
[ "$(nginx_workers | wc -l)" -eq 2 ] || tpmenv_die "expected 2 nginx workers"

step "software site: served, no TPM command"
expect_handshake soft TLSv1.3 ECDSA SHA256 -tls1_3
expect_handshake soft TLSv1.2 ECDSA SHA256 -tls1_2
stats=$(pcap_since)
[ "$(tpm_stat commands "$stats")" = 0 ] || {
    echo "$stats"
    tpmenv_die "nginx used the TPM while starting and serving a software key"
}

step "attls sites: TLS 1.2 / 1.3 matrix"
matrix() {
    expect_handshake ec-p256 TLSv1.3 ECDSA SHA256 -tls1_3
    expect_handshake ec-p256 TLSv1.2 ECDSA SHA256 -tls1_2
    expect_handshake ec-p384 TLSv1.3 ECDSA SHA384 -tls1_3
    expect_handshake ec-p384 TLSv1.2 ECDSA SHA384 -tls1_2 \
        -sigalgs ecdsa_secp384r1_sha384
    expect_handshake rsa2048 TLSv1.2 RSA SHA256 -tls1_2 \
        -sigalgs rsa_pkcs1_sha256
    # PSS: the client checks salt length = hash length (RFC 8446 4.2.3).
    expect_handshake rsa2048 TLSv1.3 RSA-PSS SHA256 -tls1_3
    expect_handshake rsa2048 TLSv1.3 RSA-PSS SHA384 -tls1_3 \
        -sigalgs rsa_pss_rsae_sha384
    expect_handshake rsa2048 TLSv1.2 RSA-PSS SHA256 -tls1_2
}
pcap_mark
matrix
stats=$(pcap_since)
[ "$(tpm_hard_failures "$stats")" = 0 ] || {
    echo "$stats"
    tpmenv_die "TPM commands failed during the matrix"
}

step "static-RSA key exchange is refused, not attempted"
if out=$(tls_get "${PORT[rsa2048]}" -tls1_2 -cipher AES128-GCM-SHA256 2>&1); then
    tpmenv_die "a kRSA cipher suite was negotiated with an attls RSA key"
fi
grep -q 'handshake failure' <<<"$out" || {
    echo "$out"
    tpmenv_die "kRSA: expected a handshake_failure alert"
}
no_crash

step "reload (SIGHUP): new workers serve every site"
old_workers=$(nginx_workers)
nginx_reload
[ "$old_workers" != "$(nginx_workers)" ] || tpmenv_die "workers not replaced"
expect_handshake ec-p256 TLSv1.3 ECDSA SHA256 -tls1_3
expect_handshake rsa2048 TLSv1.2 RSA SHA256 -tls1_2 -sigalgs rsa_pkcs1_sha256
expect_handshake soft TLSv1.3 ECDSA SHA256 -tls1_3
no_crash

step "$HANDSHAKES sequential full handshakes on the ec-p256 site"
# Warm up so that both workers have loaded the key before counting.
"$hsrate" --connect "127.0.0.1:${PORT[ec-p256]}" --cafile "$dir/ca/ca.crt" \
    --count 20 --request --quiet >/dev/null
workers=$(nginx_workers)
pcap_mark
"$hsrate" --connect "127.0.0.1:${PORT[ec-p256]}" --cafile "$dir/ca/ca.crt" \
    --count "$HANDSHAKES" --request --quiet ||
    tpmenv_die "not every handshake succeeded"
stats=$(pcap_since)
printf '   tpm: %s\n' "${stats//$'\n'/ }"
signs=$(tpm_stat cmd:Sign "$stats")
retries=$(tpm_stat failure:Sign:rc=0x922 "$stats")
[ "$((signs - retries))" -eq "$HANDSHAKES" ] ||
    tpmenv_die "$signs TPM2_Sign ($retries retried) for $HANDSHAKES handshakes"
[ "$(tpm_hard_failures "$stats")" = 0 ] || tpmenv_die "TPM commands failed"
[ "$(tpm_stat objects_live "$stats")" -le "$NGINX_WORKERS" ] ||
    tpmenv_die "TPM objects accumulate over the handshakes"
[ "$workers" = "$(nginx_workers)" ] || tpmenv_die "a worker was replaced"
no_crash

step "nginx stops; the workers flushed what they loaded; TPM left clean"
stop_nginx
no_crash
stats=$("$pcapstats" "$TCTI_PCAP_FILE")
[ "$(tpm_stat objects_live "$stats")" = 0 ] || {
    echo "$stats"
    tpmenv_die "nginx exited with TPM objects still loaded"
}
stop_abrmd
assert_no_handles

step "TPM gone: the software site keeps serving, the attls site fails cleanly"
start_abrmd
start_nginx "$dir/nginx.conf" "${PORT[@]}"
expect_handshake ec-p256 TLSv1.3 ECDSA SHA256 -tls1_3
workers=$(nginx_workers)
stop_abrmd
expect_handshake soft TLSv1.3 ECDSA SHA256 -tls1_3
for site in ec-p256 rsa2048; do
    if timeout 60 "$hsrate" --connect "127.0.0.1:${PORT[$site]}" \
        --cafile "$dir/ca/ca.crt" --count 1 --quiet >/dev/null 2>&1; then
        tpmenv_die "$site: a handshake succeeded without a TPM"
    fi
done
expect_handshake soft TLSv1.2 ECDSA SHA256 -tls1_2
[ "$workers" = "$(nginx_workers)" ] || tpmenv_die "a worker died without TPM"
# The failed handshakes are logged with attls' reason.
grep -q 'attls::no TPM reachable' "$NGINX_PREFIX/logs/error.log" ||
    tpmenv_die "error.log does not say why the attls handshakes failed"
no_crash 'SSL_do_handshake() failed (SSL: error:[0-9A-F]*:attls::no TPM reachable'
stop_nginx
echo "nginx: all checks passed"
