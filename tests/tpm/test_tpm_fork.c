/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fork() with attls keys (the nginx master/worker shape).
 *
 * "clone" mode (run-tpm-test --clone): the parent keeps its connection to
 * swtpm A with the key resident; each child must not use or flush anything
 * of the parent's, open its own connection on first use (to B, a swtpm with
 * A's seeds, since swtpm serves one connection at a time), reload the key
 * from its blob, sign, and flush what it loaded. A DigestSign begun before
 * fork() finishes correctly in the child. The parent's key stays usable.
 *
 * "abrmd" mode (run-tpm-test --abrmd): the nginx pattern through a
 * resource manager: the parent decodes the key without touching the TPM,
 * children sign concurrently on their own connections; once the parent has
 * used tpm2-abrmd itself, a later child gets a clean, immediate error
 * (GLib's D-Bus connection does not survive fork), not a hang.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "tpm/connection.h"
#include "tpm_test_util.h"

static const unsigned char msg[] = "signed across fork";

static EVP_MD_CTX *begin_digest_sign(EVP_PKEY *k)
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();

    assert_int_equal(
        EVP_DigestSignInit_ex(m, NULL, "SHA256", NULL, NULL, k, NULL), 1);
    assert_int_equal(EVP_DigestSignUpdate(m, msg, sizeof(msg)), 1);
    return m;
}

static int finish_and_verify(EVP_MD_CTX *m, EVP_PKEY *k)
{
    unsigned char sig[128];
    size_t len = sizeof(sig);
    EVP_PKEY *pub = tt_public_copy(k);
    EVP_MD_CTX *v = EVP_MD_CTX_new();
    int ok = EVP_DigestSignFinal(m, sig, &len) == 1 &&
             EVP_DigestVerifyInit_ex(v, NULL, "SHA256", tt_verify_ctx(), NULL,
                                     pub, NULL) == 1 &&
             EVP_DigestVerify(v, sig, len, msg, sizeof(msg)) == 1;

    EVP_MD_CTX_free(v);
    EVP_PKEY_free(pub);
    return ok;
}

/* The child's whole life; returns its exit status. */
static int child(EVP_PKEY *k, EVP_MD_CTX *inflight, int finish, int signs)
{
    const char *clone = getenv("ATTLS_TEST_CLONE_TCTI");
    attls_tpm_conn c;
    int ok = 1;

    /* Nothing connected yet in the child: the parent's is not reused. */
    if (attls_tpm_acquire_existing(&c)) {
        attls_tpm_release(&c, TSS2_RC_SUCCESS);
        return 10;
    }
    if (clone != NULL && *clone != '\0')
        attls_tpm_configure(clone);
    for (int i = 0; i < signs; i++)
        if (!tt_sign_verify(k, "SHA256", 0, 0))
            return 11;
    if (finish && !finish_and_verify(inflight, k))
        return 12;
    /* Drop every reference the child inherited, then count handles. */
    EVP_MD_CTX_free(inflight);
    EVP_PKEY_free(k);
    /* The child flushed what it loaded and nothing of the parent's. */
    if (tt_tpm_handle_count() != 0)
        ok = 0;
    attls_tpm_disconnect();
    return ok ? 0 : 13;
}

static void wait_ok(pid_t pid)
{
    int status;

    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static pid_t spawn(EVP_PKEY *k, EVP_MD_CTX *inflight, int finish, int signs)
{
    pid_t pid;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child(k, inflight, finish, signs));
    return pid;
}

static void test_clone_sign_in_parent_and_children(void **state)
{
    EVP_PKEY *k = tt_gen_ec("P-256");
    EVP_MD_CTX *inflight;

    (void)state;
    assert_true(tt_sign_verify(k, "SHA256", 0, 0)); /* resident now */
    inflight = begin_digest_sign(k);
    for (int i = 0; i < 3; i++)
        wait_ok(spawn(k, inflight, i == 0, 2));
    /* The parent's resident key and in-flight signature still work. */
    assert_int_equal(tt_tpm_handle_count(), 1);
    assert_true(tt_sign_verify(k, "SHA256", 0, 0));
    assert_true(finish_and_verify(inflight, k));
    EVP_MD_CTX_free(inflight);
    EVP_PKEY_free(k);
    assert_int_equal(tt_tpm_handle_count(), 0);
}

static void test_abrmd_nginx_pattern(void **state)
{
    EVP_PKEY *k;
    pid_t pids[3];
    time_t start;
    int status;

    (void)state;
    /* Key files are made in another process (the tool); the master only
     * decodes them, which needs no TPM. */
    pid_t maker = fork();

    assert_true(maker >= 0);
    if (maker == 0) {
        EVP_PKEY *g = tt_gen_rsa(2048);
        BIO *f = BIO_new_file("fork-key.pem", "w");
        int ok = g != NULL && f != NULL &&
                 PEM_write_bio_PrivateKey(f, g, NULL, NULL, 0, NULL, NULL);

        BIO_free(f);
        EVP_PKEY_free(g);
        attls_tpm_disconnect();
        _exit(ok ? 0 : 1);
    }
    wait_ok(maker);
    {
        BIO *f = BIO_new_file("fork-key.pem", "r");

        k = PEM_read_bio_PrivateKey(f, NULL, NULL, NULL);
        BIO_free(f);
        remove("fork-key.pem");
    }
    assert_non_null(k);
    for (int i = 0; i < 3; i++)
        pids[i] = spawn(k, NULL, 0, 4);
    for (int i = 0; i < 3; i++)
        wait_ok(pids[i]);
    /* Now the parent uses tpm2-abrmd itself... */
    assert_true(tt_sign_verify(k, "SHA256", 0, 0));
    /* ...so a child of it gets a clean error at once. */
    start = time(NULL);
    fflush(NULL);
    pids[0] = fork();
    assert_true(pids[0] >= 0);
    if (pids[0] == 0) {
        int ok = !tt_sign_verify(k, "SHA256", 0, 0) &&
                 tt_error_has_reason(ATTLS_E_FORKED);

        _exit(ok ? 0 : 1);
    }
    assert_int_equal(waitpid(pids[0], &status, 0), pids[0]);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_true(time(NULL) - start < 5);
    EVP_PKEY_free(k);
    assert_int_equal(tt_tpm_handle_count(), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest clone_tests[] = {
        cmocka_unit_test(test_clone_sign_in_parent_and_children),
    };
    const struct CMUnitTest abrmd_tests[] = {
        cmocka_unit_test(test_abrmd_nginx_pattern),
    };
    int rc;

    if (argc != 2 ||
        (strcmp(argv[1], "clone") != 0 && strcmp(argv[1], "abrmd") != 0)) {
        fprintf(stderr, "usage: %s clone|abrmd\n", argv[0]);
        return 2;
    }
    tt_load_providers();
    if (strcmp(argv[1], "clone") == 0)
        rc = cmocka_run_group_tests(clone_tests, NULL, NULL);
    else
        rc = cmocka_run_group_tests(abrmd_tests, NULL, NULL);
    tt_unload_providers();
    return rc;
}
