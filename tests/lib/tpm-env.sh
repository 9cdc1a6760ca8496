# shellcheck shell=bash disable=SC2034 # variables are read by the caller
# SPDX-License-Identifier: Apache-2.0
#
# tpm-env.sh: start and stop what TPM tests, benchmarks and the demo run
# against, from bash: swtpm, a private D-Bus bus with tpm2-abrmd, nginx.
#
#   . "$src/tests/lib/tpm-env.sh"
#   require_tools swtpm tpm2_getcap   # exit 77 (meson "skipped") if missing
#   tpmenv_init NAME                  # state dir $TPMENV_DIR; stop_all on EXIT
#   start_swtpm                       # sets SWTPM_PORT, SWTPM_TCTI, TPM_TCTI
#   start_swtpm_clone                 # 2nd swtpm, same seeds: CLONE_TCTI
#   start_abrmd [ABRMD_ARG...]        # private dbus + tpm2-abrmd; TPM_TCTI
#   stop_abrmd                        # back to swtpm directly
#   render_template IN OUT            # @NAME@ -> value of shell variable NAME
#   start_nginx CONF PORT...          # NGINX_PID once every PORT listens
#   nginx_workers / nginx_reload      # worker pids; SIGHUP + wait for new ones
#   stop_nginx                        # graceful stop
#   assert_no_handles [TCTI]          # no transient object / session left
#   swtpm_commands                    # TPM command names swtpm has served
#   tpm_stat / tpm_hard_failures      # read tests/lib/tpm-pcap-stats output
#
# swtpm runs in the foreground of its own process group (not --daemon: it
# comes up in failure mode that way here), on a free port pair of 127.0.0.1,
# already started (startup-clear). With SWTPM_LOG_COMMANDS=1 it logs every
# command so that swtpm_commands can count them (all clients together,
# tpm2-abrmd's own context swapping included; tests/lib/tpm-pcap-stats counts
# per client instead). stop_all (the EXIT trap, also on failure and signals)
# stops every service in reverse order, prints the tail of every log when the
# script fails, and removes the state dir (kept with ATTLS_KEEP_STATE=1).
#
# TPM_TCTI is what clients should use: swtpm directly after start_swtpm (one
# connection at a time, no resource manager), tpm2-abrmd after start_abrmd
# (clients: "tabrmd:bus_type=session" with DBUS_SESSION_BUS_ADDRESS exported).

: "${TPMENV_START_TIMEOUT:=20}"
TPMENV_DIR=
TPMENV_MAIN_PID=
TPMENV_SERVICES=() # "name:pid", in start order
SWTPM_PORT=
SWTPM_TCTI=
CLONE_TCTI=
ABRMD_TCTI=
TPM_TCTI=
NGINX_PID=

tpmenv_log() {
    echo "tpm-env: $*" >&2
}

tpmenv_die() {
    tpmenv_log "FAIL: $*"
    exit 1
}

require_tools() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 && continue
        tpmenv_log "SKIP: $t not installed"
        exit 77
    done
}

tpmenv_init() {
    TPMENV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/attls-${1:-test}.XXXXXX") ||
        tpmenv_die "cannot create a state dir"
    TPMENV_MAIN_PID=$BASHPID
    trap stop_all EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# free_port COUNT: a base port P with P..P+COUNT-1 free on 127.0.0.1 now.
free_port() {
    python3 - "${1:-1}" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
for _ in range(500):
    base = random.randint(20000, 60000 - n)
    socks = []
    try:
        for p in range(base, base + n):
            s = socket.socket()
            socks.append(s)
            s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(base)
    sys.exit(0)
sys.exit("no free port")
PY
}

# Listening check without connecting (swtpm serves one connection at once).
port_listening() {
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# wait_for_ports PID PORT...: wait until every PORT listens; fail as soon as
# PID exits or after TPMENV_START_TIMEOUT seconds.
wait_for_ports() {
    local pid=$1 port deadline=$((SECONDS + TPMENV_START_TIMEOUT))
    shift
    for port in "$@"; do
        until port_listening "$port"; do
            kill -0 "$pid" 2>/dev/null || return 1
            [ $SECONDS -lt $deadline ] || return 1
            sleep 0.05
        done
    done
}

tpmenv_spawn() { # NAME CMD...: background, own session, logged, registered
    local name=$1
    shift
    # A service started in a subshell ($(...), a pipeline) would be
    # registered there only, and outlive the script.
    [ "$BASHPID" = "$TPMENV_MAIN_PID" ] ||
        tpmenv_die "$name: start services from the main shell, not a subshell"
    setsid "$@" >"$TPMENV_DIR/$name.log" 2>&1 </dev/null &
    TPMENV_LAST_PID=$!
    TPMENV_SERVICES+=("$name:$TPMENV_LAST_PID")
}

tpmenv_stop() { # NAME: TERM its process group, KILL after 10 s
    local name=$1 entry pid='' keep=() i
    for entry in "${TPMENV_SERVICES[@]}"; do
        if [ "${entry%%:*}" = "$name" ]; then pid=${entry#*:}; else keep+=("$entry"); fi
    done
    [ -n "$pid" ] || return 0
    TPMENV_SERVICES=("${keep[@]}")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || :
    for ((i = 0; i < 200; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    # Also ends what outlived the leader of the group (nginx workers).
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || :
    wait "$pid" 2>/dev/null || :
    return 0
}

stop_all() {
    local rc=$? i s=("${TPMENV_SERVICES[@]}") f
    set +e # a failing cleanup step must not end the cleanup
    # Finish the cleanup even when another signal arrives meanwhile (meson
    # sends SIGTERM on a timeout; a second one must not leave processes).
    trap - EXIT
    trap '' INT TERM
    # A subshell that inherited the trap owns none of the services.
    [ "$BASHPID" = "$TPMENV_MAIN_PID" ] || exit "$rc"
    for ((i = ${#s[@]} - 1; i >= 0; i--)); do
        tpmenv_stop "${s[i]%%:*}"
    done
    if [ -n "$TPMENV_DIR" ] && [ -d "$TPMENV_DIR" ]; then
        if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
            while IFS= read -r f; do
                [ -s "$f" ] || continue
                echo "----- ${f#"$TPMENV_DIR"/} (last 30 lines)" >&2
                tail -n 30 "$f" >&2
            done < <(find "$TPMENV_DIR" -name '*.log' -type f | sort)
        fi
        if [ "${ATTLS_KEEP_STATE:-0}" = 1 ]; then
            tpmenv_log "state kept in $TPMENV_DIR"
        else
            rm -rf "$TPMENV_DIR"
        fi
    fi
    exit "$rc"
}

start_swtpm() {
    local state=$TPMENV_DIR/swtpm port attempt log=()
    mkdir -p "$state"
    [ "${SWTPM_LOG_COMMANDS:-0}" = 1 ] &&
        log=(--log "file=$TPMENV_DIR/swtpm-io.txt,level=20")
    for attempt in 1 2 3 4 5; do
        port=$(free_port 2) || tpmenv_die "no free port for swtpm"
        tpmenv_spawn swtpm swtpm socket --tpm2 \
            --server "type=tcp,port=$port,bindaddr=127.0.0.1" \
            --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
            --tpmstate "dir=$state" --flags not-need-init,startup-clear "${log[@]}"
        if wait_for_ports "$TPMENV_LAST_PID" "$port"; then
            SWTPM_PORT=$port
            SWTPM_TCTI="swtpm:host=127.0.0.1,port=$port"
            TPM_TCTI=$SWTPM_TCTI
            # A TPM in failure mode still answers GetCapability; GetRandom
            # proves it is operational.
            tpm2_getrandom -T "$SWTPM_TCTI" 8 >/dev/null ||
                tpmenv_die "swtpm on port $port is not operational"
            return 0
        fi
        tpmenv_stop swtpm
        tpmenv_log "swtpm did not come up on $port (attempt $attempt)"
    done
    tpmenv_die "swtpm did not start"
}

# start_abrmd [ABRMD_ARG...]: extra arguments go to tpm2-abrmd (for example
# --max-transients=N).
start_abrmd() {
    local out=$TPMENV_DIR/dbus.out pid deadline root=()
    [ -n "$SWTPM_PORT" ] || tpmenv_die "start_abrmd needs start_swtpm first"
    dbus-daemon --session --address="unix:path=$TPMENV_DIR/bus" \
        --print-address=1 --print-pid=1 --fork --nopidfile >"$out" \
        2>"$TPMENV_DIR/dbus.log" || tpmenv_die "dbus-daemon did not start"
    pid=$(sed -n 2p "$out")
    [[ "$pid" =~ ^[0-9]+$ ]] || tpmenv_die "dbus-daemon printed no pid"
    TPMENV_SERVICES+=("dbus:$pid")
    export DBUS_SESSION_BUS_ADDRESS
    DBUS_SESSION_BUS_ADDRESS=$(sed -n 1p "$out")
    [ "$(id -u)" -ne 0 ] || root=(--allow-root)
    tpmenv_spawn abrmd tpm2-abrmd --session "${root[@]}" --flush-all \
        --tcti="$SWTPM_TCTI" "$@"
    deadline=$((SECONDS + TPMENV_START_TIMEOUT))
    until tpm2_getcap -T tabrmd:bus_type=session properties-fixed >/dev/null 2>&1; do
        kill -0 "$TPMENV_LAST_PID" 2>/dev/null || tpmenv_die "tpm2-abrmd exited"
        [ $SECONDS -lt $deadline ] || tpmenv_die "tpm2-abrmd not reachable"
        sleep 0.1
    done
    ABRMD_TCTI=tabrmd:bus_type=session
    TPM_TCTI=$ABRMD_TCTI
}

stop_abrmd() {
    tpmenv_stop abrmd
    tpmenv_stop dbus
    unset DBUS_SESSION_BUS_ADDRESS
    ABRMD_TCTI=
    TPM_TCTI=$SWTPM_TCTI
}

# render_template IN OUT: copy IN to OUT replacing every @NAME@ with the value
# of shell variable NAME; fails when a named variable is unset.
render_template() {
    local in=$1 out=$2 name text
    text=$(<"$in") || tpmenv_die "cannot read template $in"
    while read -r name; do
        name=${name//@/}
        [ -n "${!name+set}" ] || tpmenv_die "$in: @$name@ has no value"
        text=${text//@$name@/${!name}}
    done < <(grep -o '@[A-Za-z_][A-Za-z0-9_]*@' "$in" | sort -u)
    printf '%s\n' "$text" >"$out"
}

# start_nginx CONF PORT...: check CONF (which must say "daemon off;"), start
# nginx with its prefix in $TPMENV_DIR/nginx (logs in nginx/logs), and wait
# until every PORT listens. Sets NGINX_PID (the master).
start_nginx() {
    local conf=$1 prefix=$TPMENV_DIR/nginx
    shift
    mkdir -p "$prefix/logs" "$prefix/tmp"
    if ! nginx -q -t -p "$prefix" -c "$conf" -e "$prefix/logs/error.log" \
        >"$TPMENV_DIR/nginx-t.log" 2>&1; then
        cat "$TPMENV_DIR/nginx-t.log" >&2
        tpmenv_die "nginx -t failed for $conf"
    fi
    tpmenv_spawn nginx nginx -p "$prefix" -c "$conf" -e "$prefix/logs/error.log"
    NGINX_PID=$TPMENV_LAST_PID
    wait_for_ports "$NGINX_PID" "$@" || tpmenv_die "nginx did not start"
}

# nginx_workers: the pids of the nginx master's worker processes, sorted.
nginx_workers() {
    pgrep -P "$NGINX_PID" | sort
}

# nginx_reload: SIGHUP the master; wait until none of the old workers is left
# and as many new ones run.
nginx_reload() {
    local before after n deadline=$((SECONDS + TPMENV_START_TIMEOUT))
    before=$(nginx_workers)
    n=$(wc -l <<<"$before")
    kill -HUP "$NGINX_PID" || tpmenv_die "nginx master $NGINX_PID is gone"
    while :; do
        after=$(nginx_workers)
        if [ "$(wc -l <<<"$after")" -eq "$n" ] &&
            [ -z "$(comm -12 <(echo "$before") <(echo "$after"))" ]; then
            return 0
        fi
        kill -0 "$NGINX_PID" 2>/dev/null || tpmenv_die "nginx died on reload"
        [ $SECONDS -lt $deadline ] || tpmenv_die "nginx reload did not finish"
        sleep 0.1
    done
}

stop_nginx() {
    tpmenv_stop nginx
    NGINX_PID=
}

# start_swtpm_clone: a second swtpm started from a copy of the first one's
# state: the same seeds, so the same SRK and the same key blobs load. For
# tests that need a second connection to "the same" TPM while the first is
# held (swtpm serves one connection at a time). Sets CLONE_TCTI.
start_swtpm_clone() {
    local state=$TPMENV_DIR/swtpm-clone port attempt
    [ -n "$SWTPM_PORT" ] || tpmenv_die "start_swtpm_clone needs start_swtpm"
    mkdir -p "$state"
    cp "$TPMENV_DIR/swtpm/tpm2-00.permall" "$state/" ||
        tpmenv_die "no swtpm state to clone"
    for attempt in 1 2 3 4 5; do
        port=$(free_port 2) || tpmenv_die "no free port for the swtpm clone"
        tpmenv_spawn swtpm-clone swtpm socket --tpm2 \
            --server "type=tcp,port=$port,bindaddr=127.0.0.1" \
            --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
            --tpmstate "dir=$state" --flags not-need-init,startup-clear
        if wait_for_ports "$TPMENV_LAST_PID" "$port"; then
            CLONE_TCTI="swtpm:host=127.0.0.1,port=$port"
            return 0
        fi
        tpmenv_stop swtpm-clone
        tpmenv_log "swtpm clone did not come up on $port (attempt $attempt)"
    done
    tpmenv_die "swtpm clone did not start"
}

# assert_no_handles [TCTI]: no transient object and no session in swtpm (by
# default the one start_swtpm started). Asks swtpm itself, so tpm2-abrmd
# (which hides other clients' handles) must be stopped.
assert_no_handles() {
    local cap out left='' tcti=${1:-$SWTPM_TCTI}
    [ -z "$ABRMD_TCTI" ] || tpmenv_die "assert_no_handles: stop_abrmd first"
    for cap in handles-transient handles-loaded-session handles-saved-session; do
        out=$(tpm2_getcap -T "$tcti" "$cap") || tpmenv_die "tpm2_getcap $cap"
        out=$(sed -n 's/^- \(0x[0-9a-fA-F]*\).*/\1/p' <<<"$out")
        [ -z "$out" ] || left+="$cap: $out"$'\n'
    done
    [ -z "$left" ] && return 0
    tpmenv_log "TPM handles left behind:"
    printf '%s' "$left" >&2
    return 1
}

# swtpm_commands: one TPM command name per line, in the order swtpm served
# them (needs SWTPM_LOG_COMMANDS=1 before start_swtpm).
swtpm_commands() {
    python3 - "$TPMENV_DIR/swtpm-io.txt" <<'PY'
import re, sys
names = {0x131: "CreatePrimary", 0x153: "Create", 0x157: "Load",
         0x15D: "Sign", 0x159: "RSA_Decrypt", 0x165: "FlushContext",
         0x173: "ReadPublic", 0x17A: "GetCapability", 0x17B: "GetRandom",
         0x120: "EvictControl", 0x176: "StartAuthSession",
         0x17F: "PolicyPCR"}
lines = open(sys.argv[1]).read().splitlines()
for i, line in enumerate(lines):
    if "SWTPM_IO_Read" not in line:
        continue
    hexbytes = " ".join(lines[i + 1:i + 3]).split()
    if len(hexbytes) < 10:
        continue
    cc = int("".join(hexbytes[6:10]), 16)
    print(names.get(cc, "0x%x" % cc))
PY
}

# tpm_stat NAME STATS: the value of NAME in tests/lib/tpm-pcap-stats output
# STATS, 0 when absent (a command that was never sent).
tpm_stat() {
    local v
    v=$(sed -n "s/^$1 //p" <<<"$2")
    echo "${v:-0}"
}

# tpm_hard_failures STATS: failed TPM commands other than TPM_RC_RETRY
# (0x922, "busy, send it again"), which attls retries.
tpm_hard_failures() {
    echo $(($(tpm_stat failed "$1") - $(tpm_stat failure:Sign:rc=0x922 "$1") -
        $(tpm_stat failure:RSA_Decrypt:rc=0x922 "$1")))
}
