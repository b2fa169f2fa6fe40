/* test_auth.c - who the caller is (framework/src/auth.c, htpasswd.c): the trusted proxy's
 * user header believed from trusted peers only and checked, --auth-required, and the header
 * lookup of the HTTP parser (http.c). */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "http.h"
#include "ladon/error.h"
#include "ladon/server.h"
#include "rt_cunit.h"

/* An auth context as the server builds it from the defaults and these settings. */
static void make(ladon__auth *a, int required)
{
    ladon_config cfg;
    char err[256];
    ladon_config_init(&cfg);
    cfg.auth_required = required;
    CU_ASSERT_EQUAL_FATAL(ladon__auth_init(a, &cfg, err, sizeof err), 0);
}

/* ladon__auth_identify on a head given as text */
static void identify(ladon__auth *a, const char *head, bool trusted, bool soap,
                     ladon__auth_answer *ans)
{
    ladon__http_req req;
    int n = ladon__http_parse_head(head, strlen(head), &req);
    CU_ASSERT_FATAL(n > 0);
    ladon__auth_identify(a, head, (size_t)n, trusted, soap, ans);
}

static void test_header_lookup(void)
{
    const char *h = "POST /X-Remote-User: HTTP/1.1\r\nHost: a\r\nx-remote-user:  bob \r\n"
                    "X-Remote-Users: no\r\nX-Remote-User: eve\r\n\r\nX-Remote-User: body\r\n";
    ladon__http_req req;
    int n = ladon__http_parse_head(h, strlen(h), &req);
    const char *v;
    size_t len;
    CU_ASSERT_FATAL(n > 0);
    /* the request line and the body are not headers; the name is case-insensitive and
     * whole; blanks around the value are not part of it */
    CU_ASSERT_EQUAL(ladon__http_header(h, (size_t)n, "X-Remote-User", &v, &len), 2);
    CU_ASSERT_EQUAL(len, 3);
    CU_ASSERT_NSTRING_EQUAL(v, "bob", 3);
    CU_ASSERT_EQUAL(ladon__http_header(h, (size_t)n, "X-Remote", &v, &len), 0);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(ladon__http_header(h, (size_t)n, "Host", &v, &len), 1);
    CU_ASSERT_NSTRING_EQUAL(v, "a", 1);
}

static void test_trusted_header(void)
{
    ladon__auth a;
    ladon__auth_answer ans;
    make(&a, LADON_AUTH_NONE);
    identify(&a, "POST /Test HTTP/1.1\r\nX-Remote-User: alice\r\n\r\n", true, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "alice");
    /* UTF-8 names are names */
    identify(&a, "POST /Test HTTP/1.1\r\nX-Remote-User: J\xc3\xbcrgen M\r\n\r\n", true, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "J\xc3\xbcrgen M");
    /* from a peer that is not a trusted proxy the header is no identity at all */
    identify(&a, "POST /Test HTTP/1.1\r\nX-Remote-User: alice\r\n\r\n", false, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "");
    /* ... and not even checked: a bad value from anyone else is simply ignored */
    identify(&a, "POST /Test HTTP/1.1\r\nX-Remote-User: \r\n\r\n", false, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "");
    /* no header: anonymous */
    identify(&a, "POST /Test HTTP/1.1\r\n\r\n", true, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "");
    ladon__auth_destroy(&a);
}

static void test_trusted_header_bad(void)
{
    ladon__auth a;
    ladon__auth_answer ans;
    char head[1024], name[300];
    static const char *const bad[] = {
        "X-Remote-User:\r\n",                       /* empty */
        "X-Remote-User:   \r\n",                    /* blanks only */
        "X-Remote-User: a\x01" "b\r\n",             /* a control character */
        "X-Remote-User: a\x7f\r\n",                 /* DEL */
        "X-Remote-User: a\xc2\x85" "b\r\n",         /* a C1 control (NEL) */
        "X-Remote-User: \xff\xfe\r\n",              /* not UTF-8 */
        "X-Remote-User: \xc3\r\n",                  /* cut UTF-8 */
        "X-Remote-User: a\r\nX-Remote-User: b\r\n", /* twice: which one? */
    };
    make(&a, LADON_AUTH_NONE);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(head, sizeof head, "POST /Test HTTP/1.1\r\n%s\r\n", bad[i]);
        identify(&a, head, true, true, &ans);
        CU_ASSERT_EQUAL(ans.status, 400);
        CU_ASSERT_STRING_EQUAL(ans.user, "");
    }
    /* 255 bytes are a name, 256 are not */
    memset(name, 'u', 255);
    name[255] = '\0';
    snprintf(head, sizeof head, "POST /Test HTTP/1.1\r\nX-Remote-User: %s\r\n\r\n", name);
    identify(&a, head, true, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_EQUAL(strlen(ans.user), 255);
    snprintf(head, sizeof head, "POST /Test HTTP/1.1\r\nX-Remote-User: %su\r\n\r\n", name);
    identify(&a, head, true, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 400);
    ladon__auth_destroy(&a);
}

static void test_header_name(void)
{
    ladon_config cfg;
    ladon__auth a;
    ladon__auth_answer ans;
    char err[256];
    ladon_config_init(&cfg);
    CU_ASSERT_STRING_EQUAL(cfg.trusted_user_header, "X-Remote-User");
    char *argv[] = {"prog", "--trusted-user-header", "X-Auth-User", NULL};
    CU_ASSERT_EQUAL_FATAL(ladon_config_parse(&cfg, 3, argv, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(ladon__auth_init(&a, &cfg, err, sizeof err), 0);
    identify(&a, "POST /Test HTTP/1.1\r\nX-Remote-User: alice\r\nX-Auth-User: bob\r\n\r\n", true,
             true, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "bob");
    ladon__auth_destroy(&a);
    char *bad[] = {"prog", "--trusted-user-header", "X Remote", NULL};
    CU_ASSERT_EQUAL(ladon_config_parse(&cfg, 3, bad, err, sizeof err), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--trusted-user-header"));
}

static void test_required(void)
{
    ladon__auth a;
    ladon__auth_answer ans;
    make(&a, LADON_AUTH_SOAP);
    /* a SOAP call without an identity: 401 with the challenge */
    identify(&a, "POST /Test HTTP/1.1\r\n\r\n", true, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 401);
    CU_ASSERT_STRING_EQUAL(ans.headers, "WWW-Authenticate: Basic realm=\"Ladon-C\"\r\n");
    /* the header from an untrusted peer does not help */
    identify(&a, "POST /Test HTTP/1.1\r\nX-Remote-User: alice\r\n\r\n", false, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 401);
    identify(&a, "POST /Test HTTP/1.1\r\nX-Remote-User: alice\r\n\r\n", true, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "alice");
    /* soap: the WSDL and the pages stay open */
    identify(&a, "GET /Test?wsdl HTTP/1.1\r\n\r\n", false, false, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    ladon__auth_destroy(&a);
    make(&a, LADON_AUTH_ALL);
    identify(&a, "GET /Test?wsdl HTTP/1.1\r\n\r\n", false, false, &ans);
    CU_ASSERT_EQUAL(ans.status, 401);
    ladon__auth_destroy(&a);
}

static void test_required_flag(void)
{
    ladon_config cfg;
    char err[256];
    char *a1[] = {"prog", "--auth-required", NULL};
    char *a2[] = {"prog", "--auth-required=all", NULL};
    char *a3[] = {"prog", "--auth-required=none", NULL};
    char *a4[] = {"prog", "--auth-required=yes", NULL};
    ladon_config_init(&cfg);
    CU_ASSERT_EQUAL(cfg.auth_required, LADON_AUTH_NONE);
    CU_ASSERT_EQUAL(ladon_config_parse(&cfg, 2, a1, err, sizeof err), 0);
    CU_ASSERT_EQUAL(cfg.auth_required, LADON_AUTH_SOAP);
    CU_ASSERT_EQUAL(ladon_config_parse(&cfg, 2, a2, err, sizeof err), 0);
    CU_ASSERT_EQUAL(cfg.auth_required, LADON_AUTH_ALL);
    CU_ASSERT_EQUAL(ladon_config_parse(&cfg, 2, a3, err, sizeof err), 0);
    CU_ASSERT_EQUAL(cfg.auth_required, LADON_AUTH_NONE);
    CU_ASSERT_EQUAL(ladon_config_parse(&cfg, 2, a4, err, sizeof err), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--auth-required"));
}

int main(void)
{
    static const rt_test tests[] = {
        {"header lookup", test_header_lookup},
        {"trusted user header", test_trusted_header},
        {"bad user header from a trusted proxy", test_trusted_header_bad},
        {"--trusted-user-header", test_header_name},
        {"--auth-required", test_required},
        {"--auth-required values", test_required_flag},
        {NULL, NULL},
    };
    return rt_run("runtime-auth", tests, NULL, NULL);
}
