#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# emulate-failures.sh: tests/emulate refuses bad usage, refuses a state
# directory in use (and leaves that machine running), and a start that
# fails half-way stops everything it had started.
set -euo pipefail

src=${ATTLS_SOURCE_ROOT:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/attls-emufail.XXXXXX")
running=

say() { echo "emulate-failures: $*"; }
fail() {
    say "FAIL: $*" >&2
    exit 1
}
cleanup() {
    local rc=$?
    trap - EXIT
    [ -z "$running" ] || "$src/tests/emulate" stop "$running" || rc=1
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT

for tool in swtpm tpm2-abrmd dbus-daemon; do
    command -v "$tool" >/dev/null || {
        say "SKIP: $tool not installed"
        exit 77
    }
done

# left_behind DIR: processes whose command line names DIR.
left_behind() {
    local pid cmd out=
    for pid in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' <"$pid/cmdline" 2>/dev/null) || continue
        [ "${pid#/proc/}" = "$$" ] && continue
        case $cmd in *"$1"*) out+="${pid#/proc/}: $cmd"$'\n' ;; esac
    done
    printf '%s' "$out"
}

rc=0
"$src/tests/emulate" >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "no arguments: exit $rc, expected 2"
rc=0
"$src/tests/emulate" start aws-nitro "$work/x" >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "unknown platform: exit $rc, expected 2"
rc=0
"$src/tests/emulate" stop "$work/does-not-exist" >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] || fail "stop of a missing dir: exit $rc, expected 1"

# A directory in use is refused; the machine in it keeps working.
"$src/tests/emulate" start tpm "$work/a" >/dev/null 2>&1
running=$work/a
if "$src/tests/emulate" start tpm "$work/a" >/dev/null 2>&1; then
    fail "a second start in the same directory succeeded"
fi
(
    # shellcheck source=/dev/null
    . "$work/a/env.sh"
    tpm2_getrandom 8 >/dev/null
) || fail "the first machine broke"
"$src/tests/emulate" stop "$work/a"
running=
[ -z "$(left_behind "$work/a")" ] || fail "left after stop: $(left_behind "$work/a")"

# A start that fails after swtpm is up (the machine cannot be created)
# stops swtpm again and leaves no env.sh.
rc=0
ATTLS_EMU=/bin/false "$src/tests/emulate" start azure-snp "$work/b" \
    >"$work/b.out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "failing start: exit $rc, expected 1"
grep -q 'start failed; stopping' "$work/b.out" || fail "no cleanup message"
[ ! -e "$work/b/env.sh" ] || fail "env.sh written by a failed start"
[ -z "$(left_behind "$work/b")" ] || fail "left after a failed start: $(left_behind "$work/b")"
say "usage, busy directory and failed start handled"
