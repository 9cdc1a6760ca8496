/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/pkipath.h"

#include <openssl/asn1.h>

attls_code attls_pkipath_parse(const attls_buf *b, STACK_OF(X509) **out,
                               attls_status *st)
{
    const unsigned char *p = b->data;
    STACK_OF(ASN1_TYPE) *seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, (long)b->len);
    attls_code rc = ATTLS_OK;

    *out = sk_X509_new_null();
    if (seq == NULL || *out == NULL || (size_t)(p - b->data) != b->len)
        rc = attls_fail(st, ATTLS_E_EVIDENCE_RECORD, "evidence.pkipath",
                        "record 'ak-intermediates' is not a DER PkiPath");
    for (int i = 0; rc == ATTLS_OK && i < sk_ASN1_TYPE_num(seq); i++) {
        ASN1_TYPE *t = sk_ASN1_TYPE_value(seq, i);
        const unsigned char *q;
        X509 *x = NULL;

        if (t->type == V_ASN1_SEQUENCE) {
            q = t->value.sequence->data;
            x = d2i_X509(NULL, &q, t->value.sequence->length);
            if (x != NULL &&
                q != t->value.sequence->data + t->value.sequence->length) {
                X509_free(x);
                x = NULL;
            }
        }
        if (x == NULL || sk_X509_push(*out, x) <= 0) {
            X509_free(x);
            rc =
                attls_fail(st, ATTLS_E_EVIDENCE_RECORD, "evidence.pkipath",
                           "ak-intermediates entry %d is not a certificate", i);
        }
    }
    sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
    if (rc != ATTLS_OK) {
        sk_X509_pop_free(*out, X509_free);
        *out = NULL;
    }
    return rc;
}
