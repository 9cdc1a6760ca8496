/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/tdx_tcb.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "common/bytes.h"

void attls_tdx_tcb_result_free(attls_tdx_tcb_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_advisory_ids; i++)
        OPENSSL_free(r->advisory_ids[i]);
    OPENSSL_free(r->advisory_ids);
    memset(r, 0, sizeof(*r));
}

static attls_code same_id(const uint8_t *tcb_info, const uint8_t *pck,
                          size_t len, const char *what, attls_status *st)
{
    char want[13], got[13];

    if (memcmp(tcb_info, pck, len) == 0)
        return ATTLS_OK;
    attls_hex_encode(tcb_info, len, want);
    attls_hex_encode(pck, len, got);
    return attls_fail(st, ATTLS_E_TDX_FMSPC_MISMATCH, "tdx.fmspc",
                      "TCB Info is for %s %s, the PCK certificate has %s %s",
                      what, want, what, got);
}

attls_code attls_tdx_check_fmspc(const attls_tdx_tcb_info *ti,
                                 const attls_pck_sgx_ext *pck, attls_status *st)
{
    attls_code rc =
        same_id(ti->fmspc, pck->fmspc, sizeof(pck->fmspc), "FMSPC", st);

    if (rc == ATTLS_OK)
        rc = same_id(ti->pceid, pck->pceid, sizeof(pck->pceid), "PCE ID", st);
    return rc;
}

/* (value & mask) == expected, byte-wise over @p len bytes. */
static int masked_equal(const uint8_t *value, const uint8_t *mask,
                        const uint8_t *expected, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((value[i] & mask[i]) != expected[i])
            return 0;
    }
    return 1;
}

attls_code attls_tdx_check_qe_identity(const attls_tdx_qe_identity *qi,
                                       const attls_sgx_report_body *qe,
                                       const attls_tdx_isv_level **level,
                                       attls_status *st)
{
    const char *check = "tdx.qe_identity";

    *level = NULL;
    if (memcmp(qe->mrsigner, qi->mrsigner, sizeof(qi->mrsigner)) != 0)
        return attls_fail(st, ATTLS_E_TDX_QE_IDENTITY, check,
                          "QE report MRSIGNER differs from the QE "
                          "Identity's");
    if (qe->isvprodid != qi->isvprodid)
        return attls_fail(st, ATTLS_E_TDX_QE_IDENTITY, check,
                          "QE report ISVPRODID %u, QE Identity expects %u",
                          qe->isvprodid, qi->isvprodid);
    if ((qe->miscselect & qi->miscselect_mask) != qi->miscselect)
        return attls_fail(st, ATTLS_E_TDX_QE_IDENTITY, check,
                          "QE report MISCSELECT 0x%08x under mask 0x%08x is "
                          "not 0x%08x",
                          qe->miscselect, qi->miscselect_mask, qi->miscselect);
    if (!masked_equal(qe->attributes, qi->attributes_mask, qi->attributes,
                      sizeof(qi->attributes)))
        return attls_fail(st, ATTLS_E_TDX_QE_IDENTITY, check,
                          "QE report ATTRIBUTES under the QE Identity's "
                          "mask differ from its attributes");
    for (size_t i = 0; i < qi->n_levels; i++) {
        if (qi->levels[i].isvsvn <= qe->isvsvn) {
            *level = &qi->levels[i];
            return ATTLS_OK;
        }
    }
    return attls_fail(st, ATTLS_E_TDX_QE_TCB, "tdx.qe_tcb",
                      "QE ISVSVN %u is below every QE Identity TCB level "
                      "(lowest needs %u)",
                      qe->isvsvn, qi->levels[qi->n_levels - 1].isvsvn);
}

static const attls_tdx_module_identity *
find_module_identity(const attls_tdx_tcb_info *ti, uint8_t major, char *id,
                     size_t id_len)
{
    snprintf(id, id_len, "TDX_%02X", major);
    for (size_t i = 0; i < ti->n_module_ids; i++) {
        /* QVL upper-cases the identity's id before comparing. */
        if (strcasecmp(ti->module_ids[i].id, id) == 0)
            return &ti->module_ids[i];
    }
    return NULL;
}

attls_code attls_tdx_check_module(const attls_tdx_tcb_info *ti,
                                  const attls_tdx_td_report *td,
                                  const attls_tdx_module_identity **identity,
                                  const attls_tdx_isv_level **level,
                                  attls_status *st)
{
    const attls_tdx_module_identity *m = &ti->module;
    uint8_t seam_attributes[8];
    char id[16] = "tdxModule";

    *identity = NULL;
    *level = NULL;
    if (td->tee_tcb_svn[1] > 0) {
        m = find_module_identity(ti, td->tee_tcb_svn[1], id, sizeof(id));
        if (m == NULL)
            return attls_fail(st, ATTLS_E_TDX_MODULE_IDENTITY, "tdx.module",
                              "TEE_TCB_SVN[1] = %u names TDX module %s, "
                              "which the TCB Info does not list",
                              td->tee_tcb_svn[1], id);
    }
    for (int i = 0; i < 8; i++)
        seam_attributes[i] = (uint8_t)(td->seam_attributes >> (8 * i));
    if (memcmp(td->mrsignerseam, m->mrsigner, sizeof(m->mrsigner)) != 0)
        return attls_fail(st, ATTLS_E_TDX_MODULE_MISMATCH, "tdx.module",
                          "MRSIGNERSEAM differs from the mrsigner of %s", id);
    if (!masked_equal(seam_attributes, m->attributes_mask, m->attributes,
                      sizeof(m->attributes)))
        return attls_fail(st, ATTLS_E_TDX_MODULE_MISMATCH, "tdx.module",
                          "SEAMATTRIBUTES 0x%016llx under the mask differ "
                          "from the attributes of %s",
                          (unsigned long long)td->seam_attributes, id);
    *identity = m;
    if (td->tee_tcb_svn[1] == 0)
        return ATTLS_OK;
    for (size_t i = 0; i < m->n_levels; i++) {
        if (m->levels[i].isvsvn <= td->tee_tcb_svn[0]) {
            *level = &m->levels[i];
            return ATTLS_OK;
        }
    }
    return attls_fail(st, ATTLS_E_TDX_TCB_NO_MATCH, "tdx.module_tcb",
                      "TDX module %s ISVSVN %u (TEE_TCB_SVN[0]) is below "
                      "every level of its identity",
                      id, td->tee_tcb_svn[0]);
}

/* Index of the first SGX component / PCESVN (16) below @p l, or -1. */
static int sgx_shortfall(const attls_pck_sgx_ext *pck,
                         const attls_tdx_tcb_level *l)
{
    for (int i = 0; i < 16; i++) {
        if (pck->tcb_comp_svn[i] < l->sgx_svn[i])
            return i;
    }
    return pck->pcesvn < l->pcesvn ? 16 : -1;
}

static int tdx_shortfall(const attls_tdx_td_report *td,
                         const attls_tdx_tcb_level *l)
{
    for (int i = td->tee_tcb_svn[1] > 0 ? 2 : 0; i < 16; i++) {
        if (td->tee_tcb_svn[i] < l->tdx_svn[i])
            return i;
    }
    return -1;
}

attls_code attls_tdx_match_tcb_level(const attls_tdx_tcb_info *ti,
                                     const attls_pck_sgx_ext *pck,
                                     const attls_tdx_td_report *td,
                                     const attls_tdx_tcb_level **level,
                                     attls_status *st)
{
    const attls_tdx_tcb_level *lowest = &ti->levels[ti->n_levels - 1];
    int sgx, tdx;

    *level = NULL;
    for (size_t i = 0; i < ti->n_levels; i++) {
        if (sgx_shortfall(pck, &ti->levels[i]) < 0 &&
            tdx_shortfall(td, &ti->levels[i]) < 0) {
            *level = &ti->levels[i];
            return ATTLS_OK;
        }
    }
    /* Explain with the lowest level, which every other one dominates. */
    sgx = sgx_shortfall(pck, lowest);
    tdx = tdx_shortfall(td, lowest);
    if (sgx == 16)
        return attls_fail(st, ATTLS_E_TDX_TCB_NO_MATCH, "tdx.tcb_level",
                          "no TCB level matches: PCESVN %u is below %u "
                          "(tcbLevels[%zu])",
                          pck->pcesvn, lowest->pcesvn, ti->n_levels - 1);
    if (sgx >= 0)
        return attls_fail(st, ATTLS_E_TDX_TCB_NO_MATCH, "tdx.tcb_level",
                          "no TCB level matches: PCK SGX TCB component %d "
                          "is %u, below %u (tcbLevels[%zu])",
                          sgx + 1, pck->tcb_comp_svn[sgx], lowest->sgx_svn[sgx],
                          ti->n_levels - 1);
    if (tdx >= 0)
        return attls_fail(st, ATTLS_E_TDX_TCB_NO_MATCH, "tdx.tcb_level",
                          "no TCB level matches: TEE_TCB_SVN[%d] is %u, "
                          "below %u (tcbLevels[%zu])",
                          tdx, td->tee_tcb_svn[tdx], lowest->tdx_svn[tdx],
                          ti->n_levels - 1);
    return attls_fail(st, ATTLS_E_TDX_TCB_NO_MATCH, "tdx.tcb_level",
                      "no TCB level matches both the PCK's SGX TCB and "
                      "TEE_TCB_SVN");
}

attls_tdx_tcb_status attls_tdx_tcb_fold(attls_tdx_tcb_status platform,
                                        attls_tdx_tcb_status other)
{
    if (other == ATTLS_TDX_TCB_REVOKED)
        return ATTLS_TDX_TCB_REVOKED;
    if (other != ATTLS_TDX_TCB_OUT_OF_DATE)
        return platform;
    switch (platform) {
    case ATTLS_TDX_TCB_UP_TO_DATE:
    case ATTLS_TDX_TCB_SW_HARDENING_NEEDED:
        return ATTLS_TDX_TCB_OUT_OF_DATE;
    case ATTLS_TDX_TCB_CONFIGURATION_NEEDED:
    case ATTLS_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED:
        return ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
    default:
        return platform;
    }
}

/* Append the advisory IDs of @p ids not yet in @p r. */
static attls_code add_advisories(attls_tdx_tcb_result *r, const json_t *ids,
                                 attls_status *st)
{
    size_t i, n = json_array_size(ids);
    const json_t *id;
    char **grown;

    if (n == 0)
        return ATTLS_OK;
    grown = OPENSSL_realloc(r->advisory_ids,
                            (r->n_advisory_ids + n) * sizeof(*grown));
    if (grown == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "tdx.tcb", "out of memory");
    r->advisory_ids = grown;
    json_array_foreach(ids, i, id)
    {
        const char *s = json_string_value(id);
        int seen = 0;

        for (size_t j = 0; j < r->n_advisory_ids && !seen; j++)
            seen = strcmp(r->advisory_ids[j], s) == 0;
        if (seen)
            continue;
        if ((r->advisory_ids[r->n_advisory_ids] = OPENSSL_strdup(s)) == NULL)
            return attls_fail(st, ATTLS_E_INTERNAL, "tdx.tcb", "out of memory");
        r->n_advisory_ids++;
    }
    return ATTLS_OK;
}

static attls_code finish(attls_tdx_tcb_result *out,
                         const attls_tdx_tcb_level *platform,
                         const attls_tdx_isv_level *module,
                         const attls_tdx_isv_level *qe, attls_status *st)
{
    attls_code rc;

    out->platform_status = platform->status;
    out->tcb_date = platform->tcb_date;
    out->status = platform->status;
    if (module != NULL)
        out->status = attls_tdx_tcb_fold(out->status, module->status);
    if (out->status != ATTLS_TDX_TCB_REVOKED)
        out->status = attls_tdx_tcb_fold(out->status, qe->status);
    if ((rc = add_advisories(out, platform->advisory_ids, st)) != ATTLS_OK ||
        (module != NULL &&
         (rc = add_advisories(out, module->advisory_ids, st)) != ATTLS_OK) ||
        (rc = add_advisories(out, qe->advisory_ids, st)) != ATTLS_OK)
        return rc;
    if (out->status == ATTLS_TDX_TCB_REVOKED)
        return attls_fail(st, ATTLS_E_TDX_TCB_REVOKED, "tdx.tcb_status",
                          "TCB status is Revoked (platform %s, TDX module "
                          "%s, QE %s)",
                          attls_tdx_tcb_status_name(out->platform_status),
                          attls_tdx_tcb_status_name(out->module_status),
                          attls_tdx_tcb_status_name(out->qe_status));
    return ATTLS_OK;
}

attls_code attls_tdx_tcb_evaluate(const attls_tdx_tcb_info *ti,
                                  const attls_tdx_qe_identity *qi,
                                  const attls_pck_sgx_ext *pck,
                                  const attls_tdx_td_report *td,
                                  const attls_sgx_report_body *qe,
                                  attls_tdx_tcb_result *out, attls_status *st)
{
    const attls_tdx_module_identity *module;
    const attls_tdx_isv_level *qe_level, *module_level;
    const attls_tdx_tcb_level *platform;
    attls_code rc;

    memset(out, 0, sizeof(*out));
    out->tcb_eval_number = ti->eval_number;
    if ((rc = attls_tdx_check_fmspc(ti, pck, st)) != ATTLS_OK)
        return rc;
    rc = attls_tdx_check_module(ti, td, &module, &module_level, st);
    if (rc == ATTLS_E_TDX_TCB_NO_MATCH)
        out->status = out->module_status = ATTLS_TDX_TCB_NO_MATCH;
    if (rc != ATTLS_OK)
        return rc;
    snprintf(out->module_id, sizeof(out->module_id), "%s", module->id);
    if (module_level != NULL)
        out->module_status = module_level->status;
    rc = attls_tdx_check_qe_identity(qi, qe, &qe_level, st);
    if (rc == ATTLS_E_TDX_QE_TCB)
        out->status = out->qe_status = ATTLS_TDX_TCB_NO_MATCH;
    if (rc != ATTLS_OK)
        return rc;
    out->qe_status = qe_level->status;
    rc = attls_tdx_match_tcb_level(ti, pck, td, &platform, st);
    if (rc == ATTLS_E_TDX_TCB_NO_MATCH)
        out->status = out->platform_status = ATTLS_TDX_TCB_NO_MATCH;
    if (rc != ATTLS_OK)
        return rc;
    return finish(out, platform, module_level, qe_level, st);
}
