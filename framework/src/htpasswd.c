/* htpasswd.c - reading --auth-file and checking a password against it
 * (see htpasswd.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "htpasswd.h"

#include <crypt.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credentials.h"

typedef struct entry {
    char *user;
    char hash[LADON__BCRYPT_LEN + 1];
} entry;

struct ladon__htpasswd {
    size_t n, cap;
    entry *e; /* sorted by user once loaded */
    int max_cost; /* the highest bcrypt cost of the entries (5 when none) */
    /* a hash of that cost, of no password: verified for an unknown user, so
     * that the answer takes as long as a wrong password of the costliest
     * entry and does not say which users exist */
    char dummy[LADON__BCRYPT_LEN + 1];
};

void ladon__htpasswd_free(ladon__htpasswd *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->n; i++)
        free(h->e[i].user);
    if (h->e != NULL) /* the hashes: not left in freed memory */
        explicit_bzero(h->e, h->n * sizeof *h->e);
    free(h->e);
    free(h);
}

size_t ladon__htpasswd_count(const ladon__htpasswd *h)
{
    return h != NULL ? h->n : 0;
}

/* bcrypt's base64 alphabet */
static bool b64_char(char c)
{
    return c == '.' || c == '/' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9');
}

/* NULL when h[0..n) is a bcrypt hash of an accepted cost, else why not. */
static const char *bcrypt_refusal(const char *h, size_t n)
{
    if (n < 4 || h[0] != '$' || h[1] != '2' || (h[2] != 'y' && h[2] != 'a' && h[2] != 'b') ||
        h[3] != '$')
        return "not a bcrypt entry ($2y$, $2a$ or $2b$, as htpasswd -B writes)";
    if (n != LADON__BCRYPT_LEN || h[4] < '0' || h[4] > '9' || h[5] < '0' || h[5] > '9' ||
        h[6] != '$')
        return "malformed bcrypt hash";
    for (size_t i = 7; i < n; i++)
        if (!b64_char(h[i]))
            return "malformed bcrypt hash";
    int cost = (h[4] - '0') * 10 + (h[5] - '0');
    if (cost < 4 || cost > 31)
        return "malformed bcrypt hash (cost out of 04..31)";
    if (cost > LADON__HTPASSWD_MAX_COST)
        return "bcrypt cost above 12 (each failed login would cost too much; "
               "htpasswd -B -C 12 or lower)";
    return NULL;
}

static int by_user(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->user, ((const entry *)b)->user);
}

/* Adds line (n bytes, without its line end) to h: 0, or -1 with why set. */
static int add_line(ladon__htpasswd *h, const char *line, size_t n, const char **why)
{
    const char *colon = memchr(line, ':', n);
    if (colon == NULL) {
        *why = "not USER:HASH";
        return -1;
    }
    size_t ulen = (size_t)(colon - line), hlen = n - ulen - 1;
    if (!ladon__user_name_valid(line, ulen)) {
        *why = "invalid user name (1..255 bytes of UTF-8 without control characters)";
        return -1;
    }
    if ((*why = bcrypt_refusal(colon + 1, hlen)) != NULL)
        return -1;
    if (h->n == h->cap) {
        /* not realloc: the old array's hashes are wiped, not left behind */
        size_t cap = h->cap ? h->cap * 2 : 16;
        entry *e = malloc(cap * sizeof *e);
        if (e == NULL) {
            *why = "out of memory";
            return -1;
        }
        if (h->n > 0) {
            memcpy(e, h->e, h->n * sizeof *e);
            explicit_bzero(h->e, h->n * sizeof *e);
        }
        free(h->e);
        h->e = e;
        h->cap = cap;
    }
    entry *e = &h->e[h->n];
    e->user = strndup(line, ulen);
    if (e->user == NULL) {
        *why = "out of memory";
        return -1;
    }
    memcpy(e->hash, colon + 1, hlen);
    e->hash[hlen] = '\0';
    int cost = (e->hash[4] - '0') * 10 + (e->hash[5] - '0'); /* checked: 04..12 */
    if (cost > h->max_cost)
        h->max_cost = cost;
    h->n++;
    return 0;
}

/* h->dummy: a bcrypt hash of cost h->max_cost with a random salt.  0, or -1
 * with why set. */
static int make_dummy(ladon__htpasswd *h, const char **why)
{
    char salt[64];
    struct crypt_data *cd = calloc(1, sizeof *cd);
    if (cd == NULL) {
        *why = "out of memory";
        return -1;
    }
    /* NULL random bytes: libcrypt takes them from the system (getrandom) */
    const char *res = NULL;
    if (crypt_gensalt_rn("$2y$", (unsigned long)h->max_cost, NULL, 0, salt, sizeof salt) != NULL)
        res = crypt_rn("no password is this", salt, cd, (int)sizeof *cd);
    int rc = -1;
    if (res != NULL && strlen(res) == LADON__BCRYPT_LEN) {
        memcpy(h->dummy, res, LADON__BCRYPT_LEN + 1);
        rc = 0;
    } else {
        *why = "libcrypt cannot make a bcrypt hash";
    }
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return rc;
}

int ladon__htpasswd_load(const char *path, ladon__htpasswd **out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned long lineno = 0;
    ladon__htpasswd *h;
    const char *why = NULL;

    *out = NULL;
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    h = calloc(1, sizeof *h);
    if (h == NULL) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    h->max_cost = 5; /* htpasswd -B's default */
    errno = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
        size_t n = (size_t)got;
        lineno++;
        if (n > 0 && line[n - 1] == '\n')
            n--;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n == 0 || line[0] == '#')
            continue;
        if (memchr(line, '\0', n) != NULL) {
            why = "NUL byte in line";
            break;
        }
        if (add_line(h, line, n, &why) != 0)
            break;
    }
    if (why == NULL && ferror(f))
        snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
    else if (why != NULL)
        snprintf(err, errlen, "%s:%lu: %s", path, lineno, why);
    /* the line may hold a password hash: wipe it before it is freed */
    if (line != NULL)
        explicit_bzero(line, cap);
    free(line);
    bool failed = why != NULL || ferror(f);
    fclose(f);
    if (failed) {
        ladon__htpasswd_free(h);
        return -1;
    }
    if (h->n > 1) {
        qsort(h->e, h->n, sizeof *h->e, by_user);
        for (size_t i = 1; i < h->n; i++)
            if (strcmp(h->e[i - 1].user, h->e[i].user) == 0) {
                snprintf(err, errlen, "%s: user '%s' given twice", path, h->e[i].user);
                ladon__htpasswd_free(h);
                return -1;
            }
    }
    if (make_dummy(h, &why) != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        ladon__htpasswd_free(h);
        return -1;
    }
    *out = h;
    return 0;
}

bool ladon__htpasswd_find(const ladon__htpasswd *h, const char *user, char *hash)
{
    entry key = {.user = (char *)user};
    const entry *e = h != NULL && h->n > 0 ? bsearch(&key, h->e, h->n, sizeof *h->e, by_user)
                                           : NULL;
    if (e == NULL) {
        memcpy(hash, h != NULL ? h->dummy : "", h != NULL ? sizeof h->dummy : 1);
        return false;
    }
    memcpy(hash, e->hash, sizeof e->hash);
    return true;
}

bool ladon__bcrypt_verify(const char *hash, const char *password, size_t password_len)
{
    struct crypt_data *cd;
    const char *res;
    size_t n = strlen(hash);
    bool ok = false;

    if (memchr(password, '\0', password_len) != NULL || n != LADON__BCRYPT_LEN)
        return false;
    cd = calloc(1, sizeof *cd); /* 32 KiB: not on a request thread's stack */
    if (cd == NULL)
        return false;
    /* crypt_rn is libcrypt's crypt_r with the size of its data and NULL
     * instead of a failure token.  It is called rather than crypt_r because
     * AddressSanitizer's runtime defines crypt_r itself: an executable that
     * links it then drops libcrypt (--as-needed) and its crypt_r calls
     * address 0 (our ASan unit tests did). */
    res = crypt_rn(password, hash, cd, (int)sizeof *cd);
    if (res != NULL && strlen(res) == n) {
        unsigned char diff = 0;
        for (size_t i = 0; i < n; i++)
            diff |= (unsigned char)(res[i] ^ hash[i]);
        ok = diff == 0;
    }
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return ok;
}
