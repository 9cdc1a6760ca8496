#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Derive vector inputs that ../shared/testdata holds only in another form.

The shared files are read-only and never copied into the tree; the build
derives what the attls command needs from them, by decoding only:

  windows TESTDATA OUTDIR
      go-eventlog/windows_gcp_shielded_vm.json (go-attestation JSON) ->
      windows-quote.tpms_attest, windows-quote.tpmt_signature (base64
      fields Quote.Quote / Quote.Signature), windows-ak.tpmt_public
      (AK.Public) and windows-pcrs.json (Log.PCRs, DigestAlg 3 = SHA-1, in
      the attls PCR JSON format).
  roots-v3 TESTDATA OUT
      gcp_ek_ak_ca_root.crt + gcp_ek_ak_ca_intermediate_v3.crt (DER) as one
      PEM trust set without the 2024 intermediate.
  nv TESTDATA OUTDIR
      the COS-85 AK certificate as an AK-certificate NV index would hold
      it: akcert-nv-ok.bin (DER + zero padding to 4096 bytes) and
      akcert-nv-garbage.bin (the same with one non-zero padding byte).
"""
import base64
import json
import os
import sys

# Go crypto.Hash values used by go-attestation for PCR digests.
GO_HASHES = {3: ("sha1", 20), 5: ("sha256", 32)}


def windows(testdata, outdir):
    with open(os.path.join(testdata, "go-eventlog",
                           "windows_gcp_shielded_vm.json")) as f:
        doc = json.load(f)
    outputs = {
        "windows-quote.tpms_attest": doc["Quote"]["Quote"],
        "windows-quote.tpmt_signature": doc["Quote"]["Signature"],
        "windows-ak.tpmt_public": doc["AK"]["Public"],
    }
    for name, b64 in outputs.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(base64.b64decode(b64, validate=True))
    banks = {}
    for pcr in doc["Log"]["PCRs"]:
        bank, size = GO_HASHES[pcr["DigestAlg"]]
        digest = base64.b64decode(pcr["Digest"], validate=True)
        if len(digest) != size:
            sys.exit(f"PCR {pcr['Index']}: {len(digest)}-byte {bank} digest")
        values = banks.setdefault(bank, {})
        if str(pcr["Index"]) in values:
            sys.exit(f"PCR {bank}:{pcr['Index']} given twice")
        values[str(pcr["Index"])] = digest.hex()
    with open(os.path.join(outdir, "windows-pcrs.json"), "w") as f:
        json.dump(banks, f, indent=1, sort_keys=True)


def pem(der):
    b64 = base64.b64encode(der).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return ("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) +
            "\n-----END CERTIFICATE-----\n")


def roots_v3(testdata, out):
    parts = []
    for name in ("gcp_ek_ak_ca_root.crt", "gcp_ek_ak_ca_intermediate_v3.crt"):
        with open(os.path.join(testdata, "roots-cloud", "gcp", name),
                  "rb") as f:
            parts.append(pem(f.read()))
    with open(out, "w") as f:
        f.write("".join(parts))


def nv(testdata, outdir):
    with open(os.path.join(testdata, "go-tpm-tools", "attestations",
                           "gce-cos-85-nonce9009.parts", "ak_cert.der"),
              "rb") as f:
        der = f.read()
    padded = der + bytes(4096 - len(der))
    with open(os.path.join(outdir, "akcert-nv-ok.bin"), "wb") as f:
        f.write(padded)
    garbage = bytearray(padded)
    garbage[len(der) + 100] = 0x01
    with open(os.path.join(outdir, "akcert-nv-garbage.bin"), "wb") as f:
        f.write(garbage)


if __name__ == "__main__":
    what, testdata, out = sys.argv[1:4]
    {"windows": windows, "roots-v3": roots_v3, "nv": nv}[what](testdata, out)
