/* auth.c - who the caller of a request is (see auth.h).
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "auth.h"

#include <stdio.h>
#include <string.h>

#include "http.h"
#include "utf8.h"

int ladon__auth_init(ladon__auth *a, const ladon_config *cfg, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    snprintf(a->user_header, sizeof a->user_header, "%s", cfg->trusted_user_header);
    snprintf(a->realm, sizeof a->realm, "%s", cfg->auth_realm[0] ? cfg->auth_realm : "Ladon-C");
    a->required = cfg->auth_required;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (cfg->auth_file[0] != '\0') { /* the next commit checks it */
        snprintf(err, errlen, "--auth-file: not built yet");
        return -1;
    }
    return 0;
}

void ladon__auth_destroy(ladon__auth *a)
{
    memset(a, 0, sizeof *a);
}

bool ladon__auth_user_valid(const char *v, size_t n)
{
    const unsigned char *p = (const unsigned char *)v;
    size_t i = 0;
    if (n == 0 || n >= LADON_USER_MAX)
        return false;
    while (i < n) {
        uint32_t cp;
        int k = ladon__utf8_decode(p + i, n - i, &cp);
        if (k <= 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            return false;
        i += (size_t)k;
    }
    return true;
}

static void refuse(ladon__auth *a, ladon__auth_answer *ans, int status, const char *text)
{
    ans->status = status;
    ans->text = text;
    ans->user[0] = '\0';
    if (status == 401)
        snprintf(ans->headers, sizeof ans->headers,
                 "WWW-Authenticate: Basic realm=\"%s\"\r\n", a->realm);
}

void ladon__auth_identify(ladon__auth *a, const char *head, size_t head_len, bool trusted_peer,
                          bool soap, ladon__auth_answer *ans)
{
    memset(ans, 0, sizeof *ans);
    if (trusted_peer && a->user_header[0] != '\0') {
        const char *v;
        size_t n;
        unsigned k = ladon__http_header(head, head_len, a->user_header, &v, &n);
        if (k > 1 || (k == 1 && !ladon__auth_user_valid(v, n))) {
            /* the proxy is misconfigured: no identity is better than a wrong one */
            refuse(a, ans, 400, "invalid user header from the trusted proxy\n");
            return;
        }
        if (k == 1) {
            memcpy(ans->user, v, n);
            ans->user[n] = '\0';
            return;
        }
    }
    if (a->required == LADON_AUTH_ALL || (a->required == LADON_AUTH_SOAP && soap))
        refuse(a, ans, 401, "authentication required\n");
}
