/* fuzz_store_url.c - libFuzzer harness: what parses a task store's URL
 * (framework/src/task/store_registry.c and each back end's check, as
 * ladon_store_check runs them for --store; store_remote.c: host[:port] and
 * %-escapes; framework/src/config.c: hiding a URL's password in logs).
 * Opening a store would connect, so the harness stops at the checks.
 *
 * Invariants: no crash, leak or sanitizer report; a URL is accepted with
 * no property but LADON_STORE_SHARED, or refused with LADON_EINVAL (or
 * LADON_ENOMEM) and a reason; a parsed host is non-empty and a
 * port in 1..65535; a decoded text is no longer than its escaped form; a
 * redacted URL holds no "user:password@" password of 4 or more characters
 * unless it also appears outside the credentials.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ladon/error.h"
#include "ladon/store.h"
#include "task_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char host[256], why[128], out[2048];
    unsigned port = 0;
    char *dec, *url;

    if (ladon__parse_hostport(s, size, 11211, host, sizeof host, &port, why, sizeof why) == 0) {
        if (host[0] == '\0' || port == 0 || port > 65535 ||
            memchr(host, '\0', sizeof host) == NULL)
            abort();
    }
    dec = ladon__percent_decode(s, size);
    if (dec != NULL) {
        if (strlen(dec) > size)
            abort();
        free(dec);
    }
    url = malloc(size + 1);
    if (url == NULL)
        return 0;
    memcpy(url, data, size);
    url[size] = '\0';
    {
        unsigned props = 0;
        char reason[512];
        int rc = ladon_store_check(url, &props, reason, sizeof reason);
        if (rc == 0 ? (props & ~LADON_STORE_SHARED) != 0 || reason[0] != '\0'
                    : (rc != LADON_EINVAL && rc != LADON_ENOMEM) || props != 0 ||
                          reason[0] == '\0')
            abort();
    }
    ladon__url_redact(url, out, sizeof out);
    if (memchr(out, '\0', sizeof out) == NULL)
        abort();
    {
        /* scheme://[user]:password@host...: the password must be gone.
         * The credentials end at the last '@' of the authority, which ends
         * at the first '/', '?' or '#' (as the stores parse it). */
        const char *sep = strstr(url, "://"), *auth, *at = NULL, *colon;
        if (sep != NULL) {
            size_t alen;
            auth = sep + 3;
            alen = strcspn(auth, "/?#");
            for (const char *q = auth; q < auth + alen; q++)
                if (*q == '@')
                    at = q;
            if (at != NULL && (colon = memchr(auth, ':', (size_t)(at - auth))) != NULL &&
                at - colon - 1 >= 4) {
                char pass[2048];
                snprintf(pass, sizeof pass, "%.*s", (int)(at - colon - 1), colon + 1);
                /* (only a password that appears once in the URL can be looked for) */
                if (strstr(url, pass) == colon + 1 && strstr(colon + 2, pass) == NULL &&
                    strlen(url) + 3 < sizeof out && strstr(out, pass) != NULL)
                    abort();
            }
        }
    }
    free(url);
    return 0;
}
