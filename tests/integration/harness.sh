#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The harness the other integration tests stand on (tests/lib): a leaked TPM
# object is detected, the pcap TCTI command count is exact, tpm2-abrmd
# serves clients and cleans up after them, nginx with a software key serves
# through a reload, and stop_all stops every process on failure and on
# SIGTERM.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/tpm-env.sh
. "$src/tests/lib/tpm-env.sh"
# shellcheck source=../lib/tls.sh
. "$src/tests/lib/tls.sh"
require_tools swtpm tpm2-abrmd dbus-daemon nginx openssl tpm2_getcap \
    tpm2_createprimary tpm2_flushcontext tpm2_getrandom python3 ss setsid
pcapstats=$src/tests/lib/tpm-pcap-stats
tpmenv_init harness

step() { echo "== $*"; }

step "assert_no_handles sees an object left in swtpm"
start_swtpm
tpm2_createprimary -Q -T "$SWTPM_TCTI" -C o -c "$TPMENV_DIR/primary.ctx"
if assert_no_handles 2>/dev/null; then
    tpmenv_die "assert_no_handles missed a loaded primary key"
fi
tpm2_flushcontext -T "$SWTPM_TCTI" -t
assert_no_handles

step "pcap TCTI: commands counted exactly, objects balanced"
start_abrmd
export TCTI_PCAP_FILE=$TPMENV_DIR/tpm.pcap
tpm2_getrandom -T "pcap:$TPM_TCTI" 8 >/dev/null
offset=$(stat -c %s "$TCTI_PCAP_FILE")
tpm2_getrandom -T "pcap:$TPM_TCTI" 8 >/dev/null
tpm2_getrandom -T "pcap:$TPM_TCTI" 8 >/dev/null
stats=$("$pcapstats" --from-offset "$offset" "$TCTI_PCAP_FILE")
echo "$stats"
grep -qx 'cmd:GetRandom 2' <<<"$stats" || tpmenv_die "expected 2 GetRandom"
grep -qx 'connections 2' <<<"$stats" || tpmenv_die "expected 2 TCTI contexts"
offset=$(stat -c %s "$TCTI_PCAP_FILE")
tpm2_createprimary -Q -T "pcap:$TPM_TCTI" -C o -c "$TPMENV_DIR/primary.ctx"
stats=$("$pcapstats" --from-offset "$offset" "$TCTI_PCAP_FILE")
grep -qx 'objects_live 1' <<<"$stats" ||
    tpmenv_die "a primary the client never flushed must count as live"
unset TCTI_PCAP_FILE

step "a TPM used through tpm2-abrmd is left clean when it stops"
stop_abrmd
assert_no_handles

step "nginx, 2 workers, software key: serves, reloads, logs no crash"
start_abrmd
make_ca "$TPMENV_DIR/ca"
make_software_key "$TPMENV_DIR/soft.key" "$TPMENV_DIR/soft.crt" ec-p256
HTTPS_PORT=$(free_port)
# Read by render_template through @NAME@.
# shellcheck disable=SC2034
{
    NGINX_PREFIX=$TPMENV_DIR/nginx
    NGINX_WORKERS=2
    NGINX_USER=
    [ "$(id -u)" -ne 0 ] || NGINX_USER="user root;"
    NGINX_SERVERS=$TPMENV_DIR/servers.conf
}
cat >"$NGINX_SERVERS" <<CONF
server {
    listen 127.0.0.1:$HTTPS_PORT ssl;
    ssl_certificate $TPMENV_DIR/soft.crt;
    ssl_certificate_key $TPMENV_DIR/soft.key;
    location / { return 200 "soft\n"; }
}
CONF
render_template "$src/tests/lib/nginx.conf.in" "$TPMENV_DIR/nginx.conf"
start_nginx "$TPMENV_DIR/nginx.conf" "$HTTPS_PORT"
[ "$(nginx_workers | wc -l)" -eq 2 ] || tpmenv_die "expected 2 nginx workers"
out=$(tls_get "$HTTPS_PORT" -tls1_3)
expect_field "$out" "Verification" "OK"
grep -qx soft <<<"$out" || tpmenv_die "no response body"
old=$(nginx_workers)
nginx_reload
[ "$old" != "$(nginx_workers)" ] || tpmenv_die "workers not replaced"
out=$(tls_get "$HTTPS_PORT" -tls1_2)
expect_field "$out" "Protocol version" "TLSv1.2"
if grep -E '\[(alert|crit|emerg)\]|exited on signal' \
    "$NGINX_PREFIX/logs/error.log"; then
    tpmenv_die "nginx error.log reports a crash"
fi

step "a service started in a subshell is refused (it would outlive stop_all)"
if (tpmenv_spawn stray sleep 30) 2>/dev/null; then
    tpmenv_die "tpmenv_spawn accepted a subshell"
fi

step "stop_all stops everything when a script fails or is killed"
cat >"$TPMENV_DIR/child.sh" <<CHILD
set -euo pipefail
. "$src/tests/lib/tpm-env.sh"
tpmenv_init child
start_swtpm
start_abrmd
NGINX_PREFIX=\$TPMENV_DIR/nginx NGINX_WORKERS=2 NGINX_USER="$NGINX_USER"
NGINX_SERVERS=$NGINX_SERVERS
render_template "$src/tests/lib/nginx.conf.in" "\$TPMENV_DIR/nginx.conf"
port=\$(free_port)
sed "s/$HTTPS_PORT/\$port/" "\$NGINX_SERVERS" >"\$TPMENV_DIR/servers.conf"
NGINX_SERVERS=\$TPMENV_DIR/servers.conf
render_template "$src/tests/lib/nginx.conf.in" "\$TPMENV_DIR/nginx.conf"
start_nginx "\$TPMENV_DIR/nginx.conf" "\$port"
{ echo "\$TPMENV_DIR"
  for s in "\${TPMENV_SERVICES[@]}"; do echo "\${s#*:}"; done
  nginx_workers; } >"\$1.tmp"
mv "\$1.tmp" "\$1"
[ "\$2" = fail ] && exit 3
sleep 600 & wait \$!
CHILD
for how in fail term; do
    bash "$TPMENV_DIR/child.sh" "$TPMENV_DIR/child.$how" "$how" \
        >"$TPMENV_DIR/child.$how.log" 2>&1 &
    child=$!
    if [ "$how" = term ]; then
        for _ in $(seq 200); do
            [ -s "$TPMENV_DIR/child.$how" ] && break
            sleep 0.1
        done
        kill -TERM "$child"
    fi
    rc=0
    wait "$child" || rc=$?
    want=3
    [ "$how" = fail ] || want=143
    [ "$rc" -eq "$want" ] || tpmenv_die "child ($how) exited $rc, not $want"
    mapfile -t started <"$TPMENV_DIR/child.$how"
    [ ${#started[@]} -ge 6 ] || tpmenv_die "child ($how) recorded too little"
    [ ! -e "${started[0]}" ] || tpmenv_die "child ($how): state dir ${started[0]} left"
    for pid in "${started[@]:1}"; do
        if kill -0 "$pid" 2>/dev/null; then
            tpmenv_die "child ($how): process $pid still runs"
        fi
    done
    grep -q -- '----- ' "$TPMENV_DIR/child.$how.log" ||
        tpmenv_die "child ($how): no logs printed on failure"
done

stop_nginx
stop_abrmd
assert_no_handles
echo "harness: all checks passed"
