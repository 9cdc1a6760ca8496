# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
#
# demo platform "azure-snp": an Azure SEV-SNP confidential VM as
# tests/emulate builds it (swtpm provisioned as Azure's vTPM, the paravisor's
# HCL report, IMDS, test AMD/Microsoft PKI; docs/emulator.md). attls cert
# creates the key inside the vTPM and a certificate carrying the evidence;
# the client is `attls connect`, which verifies that evidence (libattls)
# against the emulator's test roots and prints the verified claims.
# See demo/platforms/tpm.sh for the functions a platform defines.
# src, build, dir and show come from demo/run; TPM_TCTI goes back to it.
# shellcheck disable=SC2154,SC2034

platform_describe() {
    echo "an emulated Azure SEV-SNP confidential VM (tests/emulate)"
}

platform_start() {
    vm=$dir/vm
    export ATTLS_EMU=$build/tests/emulator/attls-emu
    # The emulated VM's services are stopped with everything else; nginx
    # first, while the vTPM it uses is still there.
    trap 'rc=$?; tpmenv_stop nginx; "$src/tests/emulate" stop "$vm" >/dev/null 2>&1; (exit $rc); stop_all' EXIT
    show "$src/tests/emulate" start azure-snp "$vm"
    # shellcheck disable=SC1091
    . "$vm/env.sh"
    TPM_TCTI=$ATTLS_TCTI
}

# attls cert makes the key in the vTPM (residency vtpm) and the certificate
# with the HCL report, the AK certificate, the quote and the certify.
platform_key_and_certificate() {
    local key=$1 crt=$2
    show attls cert --key "$key" --cert "$crt" --san localhost --residency vtpm
    printf '\n$ attls show tls.crt   # the evidence, decoded (summary)\n'
    attls show "$crt" >"$dir/evidence.json"
    python3 - "$dir/evidence.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("claims:  ", json.dumps(d["claims"]))
print("records: ", ", ".join(d["records"]))
print("binding: ", json.dumps(d["binding"]))
PY
}

platform_client() {
    local port=$1
    show attls connect "localhost:$port" --roots "$ATTLS_EMU_ROOTS" --get /
    echo
    echo "With the pinned real AMD roots the emulated evidence is refused:"
    show attls connect "localhost:$port" || true
}
