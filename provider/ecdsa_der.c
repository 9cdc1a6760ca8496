/* SPDX-License-Identifier: Apache-2.0 */
/* The TPM returns ECDSA signatures as raw (r, s); TLS and X.509 want DER. */
#include <openssl/bn.h>
#include <openssl/ec.h>

#include "provider/sig_encoding.h"

int attls_ecdsa_to_der(const uint8_t *r, size_t rlen, const uint8_t *s,
                       size_t slen, uint8_t *out, size_t outsize,
                       size_t *outlen)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *br = BN_bin2bn(r, (int)rlen, NULL);
    BIGNUM *bs = BN_bin2bn(s, (int)slen, NULL);
    unsigned char *p = out;
    int n, ok = 0;

    if (sig == NULL || br == NULL || bs == NULL || BN_is_zero(br) ||
        BN_is_zero(bs) || !ECDSA_SIG_set0(sig, br, bs))
        goto end;
    br = bs = NULL; /* owned by sig now */
    n = i2d_ECDSA_SIG(sig, NULL);
    if (n <= 0)
        goto end;
    *outlen = (size_t)n;
    if (out == NULL) {
        ok = 1;
        goto end;
    }
    if ((size_t)n > outsize)
        goto end;
    ok = i2d_ECDSA_SIG(sig, &p) == n;
end:
    BN_free(br);
    BN_free(bs);
    ECDSA_SIG_free(sig);
    return ok;
}
