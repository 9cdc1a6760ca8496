/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/connection.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "common/log.h"
#include "tpm/rc.h"

/*-
 * The process-wide connection state. Everything but |forked| is guarded by
 * |lock|; |forked| is written by the atfork child handler only.
 */
static struct {
    pthread_mutex_t lock;
    char *tcti;                  /* configured TCTI, NULL = default */
    TSS2_TCTI_CONTEXT *tcti_ctx; /* open TCTI, owned by |pid| */
    ESYS_CONTEXT *esys;          /* open ESYS context, owned by |pid| */
    pid_t pid;                   /* process that opened |esys| */
    uint64_t generation;         /* bumped at every connect */
    /* Process that opened a tabrmd TCTI (GLib D-Bus), 0 if none did. */
    pid_t tabrmd_pid;
    /* A forked child's inherited context: kept reachable, never used. */
    TSS2_TCTI_CONTEXT *inherited_tcti;
    ESYS_CONTEXT *inherited_esys;
} g = {.lock = PTHREAD_MUTEX_INITIALIZER};

static volatile sig_atomic_t g_forked;
static _Thread_local int tl_held;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void on_fork_child(void)
{
    /*
     * Only flags here: no TPM call, no allocation. Another parent thread may
     * have held the lock at fork time; it does not exist in the child.
     */
    pthread_mutex_init(&g.lock, NULL);
    g_forked = 1;
    tl_held = 0;
}

static void init_once(void)
{
    pthread_atfork(NULL, NULL, on_fork_child);
    attls_tpm_rc_register();
}

int attls_tpm_configure(const char *tcti)
{
    char *copy = NULL;

    pthread_once(&g_once, init_once);
    if (tcti != NULL && *tcti != '\0') {
        copy = strdup(tcti);
        if (copy == NULL)
            return -1;
    }
    pthread_mutex_lock(&g.lock);
    free(g.tcti);
    g.tcti = copy;
    pthread_mutex_unlock(&g.lock);
    return 0;
}

const char *attls_tpm_tcti(void)
{
    /* The pointer is only replaced by configure, called at start-up. */
    return g.tcti != NULL ? g.tcti : ATTLS_TPM_DEFAULT_TCTI;
}

/* Forget a context this process did not open; see the header. */
static void abandon_inherited_locked(void)
{
    if (g.esys != NULL && g.pid != getpid()) {
        ATTLS_DEBUG_LOG("tpm", "fork detected: opening a new connection "
                               "(parent's objects are left alone)");
        g.inherited_esys = g.esys;
        g.inherited_tcti = g.tcti_ctx;
        g.esys = NULL;
        g.tcti_ctx = NULL;
    }
    g_forked = 0;
}

static void close_locked(void)
{
    if (g.esys != NULL)
        Esys_Finalize(&g.esys);
    if (g.tcti_ctx != NULL)
        Tss2_TctiLdr_Finalize(&g.tcti_ctx);
    g.esys = NULL;
    g.tcti_ctx = NULL;
}

static TSS2_RC connect_locked(void)
{
    const char *tcti = g.tcti != NULL ? g.tcti : ATTLS_TPM_DEFAULT_TCTI;
    int tabrmd = strncmp(tcti, "tabrmd", 6) == 0;
    TSS2_RC rc;

    /*
     * tpm2-abrmd's TCTI goes through GLib's process-wide D-Bus connection,
     * whose worker thread does not exist in a forked child: a new TCTI
     * would hang for the D-Bus timeout. Fail at once instead.
     */
    if (tabrmd && g.tabrmd_pid != 0 && g.tabrmd_pid != getpid())
        return ATTLS_TPM_RC_FORKED_DBUS;
    rc = Tss2_TctiLdr_Initialize(tcti, &g.tcti_ctx);
    if (rc != TSS2_RC_SUCCESS) {
        ATTLS_DEBUG_LOG("tpm", "TCTI '%s' failed: %s", tcti,
                        Tss2_RC_Decode(rc));
        g.tcti_ctx = NULL;
        return rc;
    }
    rc = Esys_Initialize(&g.esys, g.tcti_ctx, NULL);
    if (rc != TSS2_RC_SUCCESS) {
        ATTLS_DEBUG_LOG("tpm", "Esys_Initialize failed: %s",
                        Tss2_RC_Decode(rc));
        g.esys = NULL;
        Tss2_TctiLdr_Finalize(&g.tcti_ctx);
        return rc;
    }
    g.pid = getpid();
    if (tabrmd)
        g.tabrmd_pid = g.pid;
    g.generation++;
    ATTLS_DEBUG_LOG("tpm", "connected through '%s' (generation %llu)", tcti,
                    (unsigned long long)g.generation);
    return TSS2_RC_SUCCESS;
}

TSS2_RC attls_tpm_acquire(attls_tpm_conn *conn)
{
    TSS2_RC rc;

    if (tl_held)
        return ATTLS_TPM_RC_RECURSION;
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g.lock);
    if (g_forked || (g.esys != NULL && g.pid != getpid()))
        abandon_inherited_locked();
    if (g.esys == NULL) {
        rc = connect_locked();
        if (rc != TSS2_RC_SUCCESS) {
            pthread_mutex_unlock(&g.lock);
            return rc;
        }
    }
    tl_held = 1;
    conn->esys = g.esys;
    conn->generation = g.generation;
    return TSS2_RC_SUCCESS;
}

int attls_tpm_acquire_existing(attls_tpm_conn *conn)
{
    if (tl_held)
        return 0;
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g.lock);
    if (g_forked || (g.esys != NULL && g.pid != getpid()))
        abandon_inherited_locked();
    if (g.esys == NULL) {
        pthread_mutex_unlock(&g.lock);
        return 0;
    }
    tl_held = 1;
    conn->esys = g.esys;
    conn->generation = g.generation;
    return 1;
}

void attls_tpm_release(attls_tpm_conn *conn, TSS2_RC last_rc)
{
    if ((last_rc & TSS2_RC_LAYER_MASK) == TSS2_TCTI_RC_LAYER) {
        ATTLS_DEBUG_LOG("tpm", "dropping the connection after %s",
                        Tss2_RC_Decode(last_rc));
        close_locked();
    }
    conn->esys = NULL;
    tl_held = 0;
    pthread_mutex_unlock(&g.lock);
}

int attls_tpm_held_by_me(void)
{
    return tl_held;
}

void attls_tpm_disconnect(void)
{
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g.lock);
    if (g_forked || (g.esys != NULL && g.pid != getpid()))
        abandon_inherited_locked();
    close_locked();
    pthread_mutex_unlock(&g.lock);
}

int attls_tpm_should_retry(TSS2_RC rc, int attempt)
{
    struct timespec ts;
    TSS2_RC layer = rc & TSS2_RC_LAYER_MASK;
    TSS2_RC base = rc & ~TSS2_RC_LAYER_MASK;

    if (layer != TSS2_TPM_RC_LAYER && layer != TSS2_RESMGR_TPM_RC_LAYER)
        return 0;
    if (base != TPM2_RC_RETRY && base != TPM2_RC_YIELDED &&
        base != TPM2_RC_TESTING)
        return 0;
    if (attempt >= ATTLS_TPM_MAX_RETRIES)
        return 0;
    /* 1, 2, 4 ... ms, capped at 128 ms: about 0.4 s in all. */
    ts.tv_sec = 0;
    ts.tv_nsec = (1L << (attempt < 7 ? attempt : 7)) * 1000000L;
    ATTLS_DEBUG_LOG("tpm", "%s: retry %d", Tss2_RC_Decode(rc), attempt + 1);
    nanosleep(&ts, NULL);
    return 1;
}
