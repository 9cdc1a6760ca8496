#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# cert_cli.sh BUILD_ROOT: attls cert, renew and show on a plain TPM (run by
# run-tpm-test, ATTLS_TCTI = swtpm): CSR mode, renewal on expiry threshold
# and on a PCR change (vtpm key kept, memory key replaced), --exec, and the
# specific errors for a platform that is not there, bad options and an
# output directory that cannot be written (old files left intact).
set -euo pipefail
build=${1:?usage: cert_cli.sh BUILD_ROOT}
attls=$build/tools/attls
dir=$(mktemp -d "${TMPDIR:-/tmp}/attls-cli.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

fail() {
    echo "cert_cli: FAIL: $*" >&2
    exit 1
}

# expect_exit CODE PATTERN CMD...: CMD exits CODE and says PATTERN on stderr.
expect_exit() {
    local want=$1 pattern=$2 rc=0
    shift 2
    "$@" 2>err.txt || rc=$?
    [ "$rc" -eq "$want" ] || { cat err.txt >&2; fail "'$*' exited $rc, not $want"; }
    grep -q -- "$pattern" err.txt || { cat err.txt >&2; fail "'$*' did not say '$pattern'"; }
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

echo "== cert, show"
"$attls" cert --key k.pem --cert c.pem --san web.test --days 9 --platform tpm
"$attls" show c.pem >show.json
python3 - show.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["consistent"] is True, d
assert d["claims"]["platform"] == "tpm" and d["claims"]["residency"] == "vtpm"
assert set(d["records"]) == {"claims", "ak-pub", "tpm-quote", "tpm-certify"}
assert all(v == "match" for v in d["binding"].values()), d["binding"]
assert d["certificate"]["extension"]["critical"] is False
PY
grep -q "BEGIN TSS2 PRIVATE KEY" k.pem || fail "the vtpm key file is not a TSS2 key"

echo "== CSR mode"
"$attls" cert --key r.pem --csr r.csr --subject "CN=svc,O=attls test" --san svc.test
openssl req -in r.csr -noout -verify 2>&1 | grep -q "verify OK" ||
    openssl req -in r.csr -noout -verify 2>&1 | grep -q "self-signature ok" ||
    fail "the CSR signature does not verify"
openssl req -in r.csr -noout -text | grep -q "1.3.6.1.5.5.7.1.35" ||
    fail "the CSR does not request the evidence extension"

echo "== renew: nothing to do, threshold, PCR change"
key_before=$(sha k.pem)
cert_before=$(sha c.pem)
expect_exit 0 "nothing to do" "$attls" renew --key k.pem --cert c.pem
[ "$(sha c.pem)" = "$cert_before" ] || fail "renew changed a current certificate"
expect_exit 0 "expires in" "$attls" renew --key k.pem --cert c.pem --threshold 30 \
    --exec "touch reloaded"
[ -e reloaded ] || fail "--exec did not run after a renewal"
[ "$(sha k.pem)" = "$key_before" ] || fail "renew replaced a vtpm key"
[ "$(sha c.pem)" != "$cert_before" ] || fail "renew kept the old certificate"
openssl x509 -in c.pem -noout -ext subjectAltName | grep -q "DNS:web.test" ||
    fail "renew lost the subjectAltName"
# The 9-day lifetime is kept (not the 30-day default).
if ! openssl x509 -in c.pem -noout -checkend $((8 * 86400)) >/dev/null ||
    openssl x509 -in c.pem -noout -checkend $((10 * 86400)) >/dev/null; then
    fail "renew did not keep the 9-day lifetime"
fi
cert_before=$(sha c.pem)
tpm2_pcrextend -T "$ATTLS_TCTI" \
    7:sha256=00000000000000000000000000000000000000000000000000000000000000aa
expect_exit 3 "ATTLS_E_EXEC" "$attls" renew --key k.pem --cert c.pem --exec false
[ "$(sha c.pem)" != "$cert_before" ] || fail "a PCR change did not renew"
expect_exit 0 "nothing to do" "$attls" renew --key k.pem --cert c.pem

echo "== renew: memory key replaced, missing certificate issued"
"$attls" cert --key m.pem --cert m.crt --residency memory --san mem.test
mkey=$(sha m.pem)
expect_exit 0 "renewing" "$attls" renew --key m.pem --cert m.crt --force
[ "$(sha m.pem)" != "$mkey" ] || fail "renew kept a memory key"
python3 -c "import json,subprocess,sys; d=json.loads(subprocess.check_output(['$attls','show','m.crt'])); sys.exit(d['claims']['residency']!='memory')" ||
    fail "the renewed memory certificate changed residency"
rm -f m.crt
expect_exit 0 "cannot be read" "$attls" renew --key m.pem --cert m.crt --residency memory
[ -s m.crt ] || fail "renew did not issue a missing certificate"

echo "== errors name what is missing"
expect_exit 3 "0x01400001" "$attls" cert --key x.pem --cert x.crt --platform azure-snp
expect_exit 3 "ATTLS_E_TEE_ABSENT" "$attls" cert --key x.pem --cert x.crt \
    --platform gcp-snp --tsm-dir /nonexistent/tsm
expect_exit 3 "/nonexistent/tsm" "$attls" cert --key x.pem --cert x.crt \
    --platform gcp-tdx --tsm-dir /nonexistent/tsm --residency memory
if [ -e x.pem ] || [ -e x.crt ]; then
    fail "a failed cert left output files"
fi
expect_exit 2 "needs --residency vtpm" "$attls" cert --key x.pem --cert x.crt \
    --residency memory --pcr-policy
expect_exit 2 "exactly one of --cert and --csr" "$attls" cert --key x.pem
expect_exit 2 "--key is required" "$attls" cert --cert x.crt
expect_exit 2 "unknown --platform" "$attls" cert --key x.pem --cert x.crt --platform aws
expect_exit 2 "PCR selection" "$attls" cert --key x.pem --cert x.crt --pcrs sha256:99
expect_exit 2 "--nonce" "$attls" cert --key x.pem --cert x.crt --nonce xyz
expect_exit 2 "subject" "$attls" cert --key x.pem --cert x.crt --subject "CN"

echo "== an unwritable output leaves the old files"
mkdir ro && cp k.pem c.pem ro/ && chmod 0555 ro
if [ "$(id -u)" -ne 0 ]; then
    expect_exit 3 "ATTLS_E_OUTPUT" "$attls" renew --key ro/k.pem --cert ro/c.pem --force
    cmp -s ro/c.pem c.pem || fail "a failed renewal changed the certificate"
fi
chmod 0755 ro
expect_exit 3 "ATTLS_E_OUTPUT" "$attls" cert --key ro/new.pem --cert ro/missing/c.pem
[ ! -e ro/new.pem ] || fail "the key was written although the certificate was not"

echo "== show refuses what is not attls evidence"
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout plain.key -out plain.crt -subj /CN=plain -days 1 2>/dev/null
expect_exit 1 "ATTLS_E_EVIDENCE_MISSING" "$attls" show plain.crt
echo "not a certificate" >junk.crt
expect_exit 1 "ATTLS_E_CERT_PARSE" "$attls" show junk.crt
expect_exit 3 "cannot read" "$attls" show missing.crt
echo "cert_cli: OK"
