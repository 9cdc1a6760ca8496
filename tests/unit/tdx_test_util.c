/* SPDX-License-Identifier: Apache-2.0 */
#include "tdx_test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/timeutil.h"

attls_buf td_read(const char *rel)
{
    char path[4096];
    attls_buf b;

    snprintf(path, sizeof(path), "%s/%s", getenv("ATTLS_TESTDATA"), rel);
    if (attls_read_file(path, 1 << 20, &b) != 0)
        fail_msg("cannot read %s", path);
    return b;
}

time_t td_time(const char *rfc3339)
{
    time_t t;

    assert_int_equal(attls_parse_rfc3339(rfc3339, &t), 0);
    return t;
}

void td_trust_intel(attls_trust_set *ts)
{
    attls_status st;

    attls_status_clear(&st);
    assert_int_equal(attls_trust_set_load("intel-sgx", NULL, ts, &st),
                     ATTLS_OK);
}

void td_trust_file(attls_trust_set *ts, const char *rel)
{
    attls_buf b = td_read(rel);

    ts->anchors = sk_X509_new_null();
    ts->intermediates = sk_X509_new_null();
    assert_non_null(ts->anchors);
    assert_true(
        attls_pem_certs_append((const char *)b.data, b.len, ts->anchors) > 0);
    attls_buf_free(&b);
}

void td_collateral_dir(attls_tdx_collateral *c, const char *rel)
{
    char path[4096];
    attls_status st;

    memset(c, 0, sizeof(*c));
    attls_status_clear(&st);
    snprintf(path, sizeof(path), "%s/%s", getenv("ATTLS_TESTDATA"), rel);
    assert_int_equal(attls_tdx_collateral_load_dir(path, c, &st), ATTLS_OK);
    assert_int_equal(attls_tdx_collateral_check_complete(c, &st), ATTLS_OK);
}

void td_collateral_gotdx(attls_tdx_collateral *c)
{
    memset(c, 0, sizeof(*c));
    c->tcb_info = td_read("go-tdx-guest/tcbinfo_fmspc_50806f000000.json");
    c->tcb_info_chain = td_read("go-tdx-guest/tcb_signing_issuer_chain.pem");
    c->qe_identity = td_read("go-tdx-guest/qe_identity_td_qe.json");
    c->qe_identity_chain = td_read("go-tdx-guest/tcb_signing_issuer_chain.pem");
    c->pck_crl = td_read("go-tdx-guest/pckcrl_platform.der");
    c->pck_crl_chain = td_read("go-tdx-guest/pckcrl_issuer_chain.pem");
    c->root_ca_crl = td_read("go-tdx-guest/rootcrl.der");
}

void td_parse(const attls_buf *b, attls_tdx_quote *q)
{
    attls_status st;

    attls_status_clear(&st);
    if (attls_tdx_quote_parse(b->data, b->len, q, &st) != ATTLS_OK)
        fail_msg("quote does not parse: %s", st.message);
}

json_t *td_json(const char *rel)
{
    attls_buf b = td_read(rel);
    json_error_t err;
    json_t *j = json_loadb((const char *)b.data, b.len, 0, &err);

    attls_buf_free(&b);
    if (j == NULL)
        fail_msg("%s: %s", rel, err.text);
    return j;
}

attls_buf td_dump(const json_t *j)
{
    attls_buf b;
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

    assert_non_null(s);
    b.len = strlen(s);
    b.data = OPENSSL_malloc(b.len + 1);
    assert_non_null(b.data);
    memcpy(b.data, s, b.len + 1);
    free(s);
    return b;
}

json_t *td_at(json_t *root, const char *path)
{
    char buf[256], *save = NULL, *part;
    json_t *j = root;

    snprintf(buf, sizeof(buf), "%s", path);
    for (part = strtok_r(buf, ".", &save); part != NULL && j != NULL;
         part = strtok_r(NULL, ".", &save)) {
        if (json_is_array(j))
            j = json_array_get(j, (size_t)strtoul(part, NULL, 10));
        else
            j = json_object_get(j, part);
    }
    if (j == NULL)
        fail_msg("JSON path %s not found", path);
    return j;
}
