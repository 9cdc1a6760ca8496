/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/cert_file.h"

#include <openssl/bio.h>
#include <openssl/pem.h>

#include "common/bytes.h"

#define CERT_FILE_MAX (256 * 1024)

static X509 *parse_cert(const attls_buf *b)
{
    const unsigned char *p = b->data;
    BIO *bio;
    X509 *x = d2i_X509(NULL, &p, (long)b->len);

    if (x != NULL && (size_t)(p - b->data) == b->len)
        return x;
    X509_free(x);
    bio = BIO_new_mem_buf(b->data, (int)b->len);
    x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    return x;
}

attls_code attls_cli_read_cert(const char *path, X509 **out, attls_status *st)
{
    attls_buf file;

    *out = NULL;
    if (attls_read_file(path, CERT_FILE_MAX, &file) != 0)
        return attls_fail(st, ATTLS_E_IO, "cli.certificate",
                          "cannot read %s (or it is over 256 KiB)", path);
    *out = parse_cert(&file);
    attls_buf_free(&file);
    if (*out == NULL)
        return attls_fail(st, ATTLS_E_CERT_PARSE, "cli.certificate",
                          "%s is not a PEM or DER certificate", path);
    return ATTLS_OK;
}
