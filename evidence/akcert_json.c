/* SPDX-License-Identifier: Apache-2.0 */
/* JSON form of verified AK certificate claims. */
#include "evidence/akcert.h"

#include <inttypes.h>
#include <stdio.h>

#include "common/bytes.h"
#include "evidence/json_util.h"

/* 64-bit values as decimal strings: JSON numbers lose precision past 2^53. */
static json_t *u64_json(uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return json_string(buf);
}

static json_t *opt_bool_json(attls_opt_bool b)
{
    return b == ATTLS_BOOL_ABSENT ? json_null() : json_boolean(b);
}

static json_t *gce_json(const attls_gce_identity *g)
{
    json_t *o;

    if (!g->present)
        return json_null();
    o = json_pack("{s:s, s:o, s:s, s:o, s:s}", "zone", g->zone,
                  "project_number", u64_json(g->project_number), "project_id",
                  g->project_id, "instance_id", u64_json(g->instance_id),
                  "instance_name", g->instance_name);
    if (o == NULL || !g->has_security)
        return o;
    if (json_object_set_new(
            o, "security_properties",
            json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "security_version",
                      g->has_security_version
                          ? json_integer((json_int_t)g->security_version)
                          : json_null(),
                      "is_production", opt_bool_json(g->is_production),
                      "tpm_data_always_encrypted",
                      opt_bool_json(g->tpm_data_always_encrypted),
                      "suspend_resume_always_disabled",
                      opt_bool_json(g->suspend_resume_always_disabled),
                      "vmtd_always_disabled",
                      opt_bool_json(g->vmtd_always_disabled), "always_in_yarn",
                      opt_bool_json(g->always_in_yarn))) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *attls_akcert_claims_json(const attls_akcert_claims *c)
{
    char spki[2 * sizeof(c->spki_sha256) + 1];

    attls_hex_encode(c->spki_sha256, sizeof(c->spki_sha256), spki);
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:i, s:{s:s, s:i, s:s}, s:b, "
        "s:I, s:o}",
        "platform", c->platform == ATTLS_AK_PLATFORM_AZURE ? "azure" : "gcp",
        "subject", c->subject, "issuer", c->issuer, "anchor", c->anchor,
        "serial", c->serial, "not_before", attls_json_time(c->not_before),
        "not_after", attls_json_time(c->not_after), "chain_length",
        c->chain_length, "public_key", "type", c->key_type, "bits", c->key_bits,
        "spki_sha256", spki, "ak_checked", c->ak_checked, "crls_checked",
        (json_int_t)c->crls_checked, "gce_instance", gce_json(&c->gce));
}
