/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tpm/connection.c and tpm/rc.c without a TPM: the TCTI loader and the ESYS
 * calls are replaced at link time (-Wl,--wrap) by fakes that count calls
 * and inject failures. Covers lazy connect, reconnect after a TCTI failure,
 * fork (the child opens its own connection and never finalizes the
 * parent's), re-entry refusal, the bounded RETRY/YIELDED/TESTING retries,
 * and the TSS2_RC -> attls code mapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include "tpm/connection.h"
#include "tpm/sign.h"

/*- Fakes. */
static int n_tcti_init, n_esys_init, n_esys_finalize, n_tcti_finalize, n_sign;
static TSS2_RC tcti_init_rc = TSS2_RC_SUCCESS;
static int sign_failures;       /* how many Esys_Sign calls fail first */
static TSS2_RC sign_failure_rc; /* with this code */
static char fake_tcti, fake_esys;

TSS2_RC __wrap_Tss2_TctiLdr_Initialize(const char *conf,
                                       TSS2_TCTI_CONTEXT **ctx);
TSS2_RC __wrap_Tss2_TctiLdr_Initialize(const char *conf,
                                       TSS2_TCTI_CONTEXT **ctx)
{
    (void)conf;
    n_tcti_init++;
    if (tcti_init_rc != TSS2_RC_SUCCESS)
        return tcti_init_rc;
    *ctx = (TSS2_TCTI_CONTEXT *)&fake_tcti;
    return TSS2_RC_SUCCESS;
}

void __wrap_Tss2_TctiLdr_Finalize(TSS2_TCTI_CONTEXT **ctx);
void __wrap_Tss2_TctiLdr_Finalize(TSS2_TCTI_CONTEXT **ctx)
{
    n_tcti_finalize++;
    *ctx = NULL;
}

TSS2_RC __wrap_Esys_Initialize(ESYS_CONTEXT **esys, TSS2_TCTI_CONTEXT *tcti,
                               TSS2_ABI_VERSION *abi);
TSS2_RC __wrap_Esys_Initialize(ESYS_CONTEXT **esys, TSS2_TCTI_CONTEXT *tcti,
                               TSS2_ABI_VERSION *abi)
{
    (void)tcti;
    (void)abi;
    n_esys_init++;
    *esys = (ESYS_CONTEXT *)&fake_esys;
    return TSS2_RC_SUCCESS;
}

void __wrap_Esys_Finalize(ESYS_CONTEXT **esys);
void __wrap_Esys_Finalize(ESYS_CONTEXT **esys)
{
    n_esys_finalize++;
    *esys = NULL;
}

TSS2_RC __wrap_Esys_TR_SetAuth(ESYS_CONTEXT *esys, ESYS_TR handle,
                               const TPM2B_AUTH *auth);
TSS2_RC __wrap_Esys_TR_SetAuth(ESYS_CONTEXT *esys, ESYS_TR handle,
                               const TPM2B_AUTH *auth)
{
    (void)esys;
    (void)handle;
    (void)auth;
    return TSS2_RC_SUCCESS;
}

TSS2_RC __wrap_Esys_Sign(ESYS_CONTEXT *esys, ESYS_TR key, ESYS_TR s1,
                         ESYS_TR s2, ESYS_TR s3, const TPM2B_DIGEST *digest,
                         const TPMT_SIG_SCHEME *scheme,
                         const TPMT_TK_HASHCHECK *ticket,
                         TPMT_SIGNATURE **signature);
TSS2_RC __wrap_Esys_Sign(ESYS_CONTEXT *esys, ESYS_TR key, ESYS_TR s1,
                         ESYS_TR s2, ESYS_TR s3, const TPM2B_DIGEST *digest,
                         const TPMT_SIG_SCHEME *scheme,
                         const TPMT_TK_HASHCHECK *ticket,
                         TPMT_SIGNATURE **signature)
{
    (void)esys;
    (void)key;
    (void)s1;
    (void)s2;
    (void)s3;
    (void)digest;
    n_sign++;
    /* The NULL ticket: unrestricted keys, one command per signature. */
    assert_int_equal(ticket->tag, TPM2_ST_HASHCHECK);
    assert_int_equal(ticket->hierarchy, TPM2_RH_NULL);
    assert_int_equal(ticket->digest.size, 0);
    if (sign_failures > 0) {
        sign_failures--;
        return sign_failure_rc;
    }
    *signature = calloc(1, sizeof(**signature));
    (*signature)->sigAlg = scheme->scheme;
    (*signature)->signature.ecdsa.signatureR.size = 32;
    (*signature)->signature.ecdsa.signatureS.size = 32;
    return TSS2_RC_SUCCESS;
}

void __wrap_Esys_Free(void *p);
void __wrap_Esys_Free(void *p)
{
    free(p);
}

static int reset(void **state)
{
    (void)state;
    attls_tpm_disconnect();
    n_tcti_init = n_esys_init = n_esys_finalize = n_tcti_finalize = 0;
    n_sign = 0;
    tcti_init_rc = TSS2_RC_SUCCESS;
    sign_failures = 0;
    return 0;
}

static void test_lazy_connect_once(void **state)
{
    attls_tpm_conn c;
    uint64_t gen;

    (void)state;
    assert_int_equal(n_tcti_init, 0); /* nothing before the first use */
    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    assert_ptr_equal(c.esys, &fake_esys);
    gen = c.generation;
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    assert_int_equal(c.generation, gen);
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
    assert_int_equal(n_tcti_init, 1);
}

static void test_connect_failure_keeps_lock_free(void **state)
{
    attls_tpm_conn c;

    (void)state;
    tcti_init_rc = TSS2_TCTI_RC_IO_ERROR;
    assert_int_equal(attls_tpm_acquire(&c), TSS2_TCTI_RC_IO_ERROR);
    assert_false(attls_tpm_held_by_me());
    tcti_init_rc = TSS2_RC_SUCCESS;
    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
}

static void test_reconnect_after_tcti_failure(void **state)
{
    attls_tpm_conn c;
    uint64_t gen;

    (void)state;
    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    gen = c.generation;
    attls_tpm_release(&c, TSS2_TCTI_RC_IO_ERROR);
    assert_int_equal(n_esys_finalize, 1);
    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    assert_true(c.generation > gen); /* loaded handles are void now */
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
    assert_int_equal(n_tcti_init, 2);
}

static void test_reentry_refused(void **state)
{
    attls_tpm_conn c, c2;

    (void)state;
    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    assert_true(attls_tpm_held_by_me());
    assert_int_equal(attls_tpm_acquire(&c2), ATTLS_TPM_RC_RECURSION);
    assert_int_equal(attls_tpm_acquire_existing(&c2), 0);
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
    assert_int_equal(attls_tpm_rc_code(ATTLS_TPM_RC_RECURSION),
                     ATTLS_E_TPM_RECURSION);
}

/* The child's view, reported through its exit status. */
static int child_after_fork(uint64_t parent_gen)
{
    attls_tpm_conn c;

    if (attls_tpm_acquire_existing(&c))
        return 1; /* must not see the parent's connection */
    if (attls_tpm_acquire(&c) != TSS2_RC_SUCCESS)
        return 2;
    if (c.generation == parent_gen || n_tcti_init != 2)
        return 3;
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
    if (n_esys_finalize != 0 || n_tcti_finalize != 0)
        return 4; /* the parent's TCTI/ESYS were left alone */
    return 0;
}

static void test_fork_child_opens_its_own(void **state)
{
    attls_tpm_conn c;
    uint64_t gen;
    pid_t pid;
    int status;

    (void)state;
    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    gen = c.generation;
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_after_fork(gen));
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* The parent's connection is untouched. */
    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    assert_int_equal(c.generation, gen);
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
}

static TSS2_RC sign_once(void)
{
    static const uint8_t digest[32];
    TPMS_SIGNATURE_ECC sig;

    return attls_tpm_sign_ecdsa((ESYS_CONTEXT *)&fake_esys, 0x80000001, NULL,
                                ESYS_TR_PASSWORD, TPM2_ALG_SHA256, digest,
                                sizeof(digest), &sig);
}

static void test_retry_then_success(void **state)
{
    (void)state;
    sign_failures = 3;
    sign_failure_rc = TPM2_RC_RETRY;
    assert_int_equal(sign_once(), TSS2_RC_SUCCESS);
    assert_int_equal(n_sign, 4);
    n_sign = 0;
    sign_failures = 2;
    sign_failure_rc = TPM2_RC_YIELDED;
    assert_int_equal(sign_once(), TSS2_RC_SUCCESS);
    assert_int_equal(n_sign, 3);
}

static void test_retry_is_bounded(void **state)
{
    (void)state;
    sign_failures = 1000;
    sign_failure_rc = TPM2_RC_TESTING;
    assert_int_equal(sign_once(), TPM2_RC_TESTING);
    assert_int_equal(n_sign, 1 + ATTLS_TPM_MAX_RETRIES);
    assert_int_equal(attls_tpm_rc_code(TPM2_RC_TESTING), ATTLS_E_TPM_BUSY);
}

static void test_no_retry_for_real_errors(void **state)
{
    (void)state;
    sign_failures = 1;
    sign_failure_rc = TPM2_RC_AUTH_FAIL | TPM2_RC_S | TPM2_RC_1;
    assert_int_equal(sign_once(), TPM2_RC_AUTH_FAIL | TPM2_RC_S | TPM2_RC_1);
    assert_int_equal(n_sign, 1);
}

static void test_wrong_digest_size_sends_nothing(void **state)
{
    static const uint8_t digest[20];
    TPMS_SIGNATURE_ECC sig;

    (void)state;
    assert_int_equal(attls_tpm_sign_ecdsa((ESYS_CONTEXT *)&fake_esys,
                                          0x80000001, NULL, ESYS_TR_PASSWORD,
                                          TPM2_ALG_SHA256, digest,
                                          sizeof(digest), &sig),
                     ATTLS_TPM_RC_SIZE);
    assert_int_equal(n_sign, 0);
}

static void test_rc_codes(void **state)
{
    (void)state;
    /* Format-one codes with handle/session/parameter numbers. */
    assert_int_equal(
        attls_tpm_rc_code(TPM2_RC_AUTH_FAIL | TPM2_RC_S | TPM2_RC_1),
        ATTLS_E_TPM_AUTH);
    assert_int_equal(
        attls_tpm_rc_code(TPM2_RC_BAD_AUTH | TPM2_RC_S | TPM2_RC_1),
        ATTLS_E_TPM_AUTH);
    assert_int_equal(attls_tpm_rc_code(TPM2_RC_HANDLE | TPM2_RC_1),
                     ATTLS_E_TPM_HANDLE);
    assert_int_equal(attls_tpm_rc_code(TPM2_RC_REFERENCE_H0),
                     ATTLS_E_TPM_HANDLE);
    assert_int_equal(
        attls_tpm_rc_code(TPM2_RC_INTEGRITY | TPM2_RC_P | TPM2_RC_1),
        ATTLS_E_TPM_LOAD);
    assert_int_equal(attls_tpm_rc_code(TPM2_RC_OBJECT_MEMORY),
                     ATTLS_E_TPM_MEMORY);
    assert_int_equal(attls_tpm_rc_code(TPM2_RC_LOCKOUT), ATTLS_E_TPM_LOCKOUT);
    assert_int_equal(attls_tpm_rc_code(TPM2_RC_CURVE | TPM2_RC_P | TPM2_RC_2),
                     ATTLS_E_KEY_UNSUPPORTED);
    /* Through a resource manager the same TPM codes keep their class. */
    assert_int_equal(
        attls_tpm_rc_code(TSS2_RESMGR_TPM_RC_LAYER | TPM2_RC_OBJECT_MEMORY),
        ATTLS_E_TPM_MEMORY);
    assert_int_equal(attls_tpm_rc_code(TSS2_TCTI_RC_IO_ERROR),
                     ATTLS_E_TPM_UNREACHABLE);
    assert_int_equal(attls_tpm_rc_code(TSS2_TCTI_RC_NOT_SUPPORTED),
                     ATTLS_E_TPM_TCTI);
    assert_int_equal(attls_tpm_rc_code(ATTLS_TPM_RC_FORKED_DBUS),
                     ATTLS_E_FORKED);
    assert_non_null(
        strstr(attls_tpm_rc_text(ATTLS_TPM_RC_FORKED_DBUS), "fork"));
    assert_non_null(
        strstr(attls_tpm_rc_text(TPM2_RC_AUTH_FAIL | TPM2_RC_S | TPM2_RC_1),
               "authorization"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lazy_connect_once, reset),
        cmocka_unit_test_setup(test_connect_failure_keeps_lock_free, reset),
        cmocka_unit_test_setup(test_reconnect_after_tcti_failure, reset),
        cmocka_unit_test_setup(test_reentry_refused, reset),
        cmocka_unit_test_setup(test_fork_child_opens_its_own, reset),
        cmocka_unit_test_setup(test_retry_then_success, reset),
        cmocka_unit_test_setup(test_retry_is_bounded, reset),
        cmocka_unit_test_setup(test_no_retry_for_real_errors, reset),
        cmocka_unit_test_setup(test_wrong_digest_size_sends_nothing, reset),
        cmocka_unit_test_setup(test_rc_codes, reset),
    };

    attls_tpm_configure("fake:");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
