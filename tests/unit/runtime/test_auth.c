/* test_auth.c - who the caller is (framework/src/auth.c, htpasswd.c, authcache.c): the
 * trusted proxy's user header believed from trusted peers only and checked, --auth-required,
 * the header lookup of the HTTP parser (http.c); htpasswd files as Debian's htpasswd -B writes
 * them, and bad ones; Basic credentials right and wrong; the reload; the bounds of a failed
 * login (the per-client limiter, the verification slots, the cache and its invalidation). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "credentials.h"
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
    ladon__auth_identify(a, head, (size_t)n, trusted, soap, "10.0.0.1", 1000, ans);
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
    /* none: no header names a user, not even from a trusted proxy */
    char *none[] = {"prog", "--trusted-user-header", "none", NULL};
    CU_ASSERT_EQUAL_FATAL(ladon_config_parse(&cfg, 3, none, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(cfg.trusted_user_header, "");
    CU_ASSERT_EQUAL_FATAL(ladon__auth_init(&a, &cfg, err, sizeof err), 0);
    identify(&a, "POST /Test HTTP/1.1\r\nX-Remote-User: alice\r\nnone: bob\r\n\r\n", true,
             true, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "");
    ladon__auth_destroy(&a);
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

/* ---- htpasswd and Basic ------------------------------------------------------------- */

/* written by Debian's htpasswd -nbB (apache2-utils 2.4): alice "right horse" (cost 5), bob
 * "p:w d" (cost 4); carol's has cost 13, dave's is MD5 (htpasswd -m) */
#define ALICE "alice:$2y$05$oa6xWAv8HZDeHw0clSQ3BODCg7RhrLuIfRXSG3bS0Gfkai.Q.Kaw6"
#define BOB "bob:$2y$04$GJXcfuqn9JVP9L2fHtRoReXhlu7w/7a0pTzipQqXLBbS0wYYacqE."
#define CAROL_HASH "$2y$13$H.opzYPpD4MeVIRYcGN/w.t1jQy6WMOffAI0wxkY9wIWqzop8dsJK"
#define DAVE_HASH "$apr1$a8CU1BSW$azo4cXq5/oS/ovmW06Sse/"

static char dir[64];

static int suite_init(void)
{
    snprintf(dir, sizeof dir, "/tmp/ladon-test-auth-XXXXXX");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int suite_clean(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to a file of dir named name; returns its path (static). */
static const char *write_file(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fputs(text, f) >= 0, 1);
    CU_ASSERT_EQUAL(fclose(f), 0);
    return path;
}

static void test_htpasswd_load(void)
{
    ladon__htpasswd *h;
    char err[512], hash[LADON__BCRYPT_LEN + 1];
    const char *path = write_file("good", "# users\n\n" ALICE "\r\n" BOB "\n");
    CU_ASSERT_EQUAL_FATAL(ladon__htpasswd_load(path, &h, err, sizeof err), 0);
    CU_ASSERT_EQUAL(ladon__htpasswd_count(h), 2);
    CU_ASSERT_TRUE(ladon__htpasswd_find(h, "alice", hash));
    CU_ASSERT_TRUE(ladon__bcrypt_verify(hash, "right horse", 11));
    CU_ASSERT_FALSE(ladon__bcrypt_verify(hash, "right horsf", 11));
    CU_ASSERT_FALSE(ladon__bcrypt_verify(hash, "", 0));
    /* crypt stops at a NUL: "right horse\0x" must not pass for "right horse" */
    CU_ASSERT_FALSE(ladon__bcrypt_verify(hash, "right horse\0x", 13));
    CU_ASSERT_TRUE(ladon__htpasswd_find(h, "bob", hash));
    CU_ASSERT_TRUE(ladon__bcrypt_verify(hash, "p:w d", 5));
    /* $2a$ and $2b$ name the same algorithm for such passwords */
    hash[2] = 'a';
    CU_ASSERT_TRUE(ladon__bcrypt_verify(hash, "p:w d", 5));
    hash[2] = 'b';
    CU_ASSERT_TRUE(ladon__bcrypt_verify(hash, "p:w d", 5));
    CU_ASSERT_FALSE(ladon__htpasswd_find(h, "carol", hash));
    CU_ASSERT_FALSE(ladon__htpasswd_find(h, "Alice", hash));
    ladon__htpasswd_free(h);
    /* an empty file: no users */
    path = write_file("empty", "");
    CU_ASSERT_EQUAL_FATAL(ladon__htpasswd_load(path, &h, err, sizeof err), 0);
    CU_ASSERT_EQUAL(ladon__htpasswd_count(h), 0);
    CU_ASSERT_FALSE(ladon__htpasswd_find(h, "alice", hash));
    CU_ASSERT_EQUAL(strncmp(hash, "$2y$05$", 7), 0);
    ladon__htpasswd_free(h);
}

/* An unknown user is verified against a hash of the file's highest cost (it was a fixed
 * cost-5 one, so with costlier entries an unknown user answered faster than a wrong password
 * and told which users exist). */
static void test_htpasswd_unknown_user_cost(void)
{
    ladon__htpasswd *h;
    char err[512], hash[LADON__BCRYPT_LEN + 1], other[LADON__BCRYPT_LEN + 1];
    /* erin's entry: alice's hash with cost 07 (well-formed; never verified here) */
    const char *path = write_file("costs", ALICE "\n"
                                  "erin:$2y$07$oa6xWAv8HZDeHw0clSQ3BODCg7RhrLuIfRXSG3bS0Gfkai.Q.Kaw6\n");
    CU_ASSERT_EQUAL_FATAL(ladon__htpasswd_load(path, &h, err, sizeof err), 0);
    CU_ASSERT_FALSE(ladon__htpasswd_find(h, "nobody", hash));
    CU_ASSERT_EQUAL(strlen(hash), LADON__BCRYPT_LEN);
    CU_ASSERT_EQUAL(strncmp(hash, "$2y$07$", 7), 0);
    CU_ASSERT_FALSE(ladon__bcrypt_verify(hash, "right horse", 11));
    ladon__htpasswd_free(h);
    /* the salt is random: another load, another dummy hash */
    CU_ASSERT_EQUAL_FATAL(ladon__htpasswd_load(path, &h, err, sizeof err), 0);
    CU_ASSERT_FALSE(ladon__htpasswd_find(h, "nobody", other));
    CU_ASSERT(strcmp(hash, other) != 0);
    ladon__htpasswd_free(h);
}

static void test_htpasswd_bad(void)
{
    static const struct {
        const char *text, *line, *why;
    } bad[] = {
        {ALICE "\ncarol:" CAROL_HASH "\n", ":2:", "cost above 12"},
        {"dave:" DAVE_HASH "\n", ":1:", "not a bcrypt entry"},
        {"# x\n" ALICE "\nno colon here\n", ":3:", "not USER:HASH"},
        {"eve:secret\n", ":1:", "not a bcrypt entry"},
        {"eve:$2y$05$short\n", ":1:", "malformed bcrypt hash"},
        {"eve:$2y$05$oa6xWAv8HZDeHw0clSQ3BODCg7RhrLuIfRXSG3bS0Gfkai.Q.Ka!6\n", ":1:",
         "malformed bcrypt hash"},
        {":$2y$05$oa6xWAv8HZDeHw0clSQ3BODCg7RhrLuIfRXSG3bS0Gfkai.Q.Kaw6\n", ":1:",
         "invalid user name"},
        {"a\x01:$2y$05$oa6xWAv8HZDeHw0clSQ3BODCg7RhrLuIfRXSG3bS0Gfkai.Q.Kaw6\n", ":1:",
         "invalid user name"},
        {"eve:$2x$05$oa6xWAv8HZDeHw0clSQ3BODCg7RhrLuIfRXSG3bS0Gfkai.Q.Kaw6\n", ":1:",
         "not a bcrypt entry"},
    };
    char err[512];
    ladon__htpasswd *h = (ladon__htpasswd *)&h;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[16];
        snprintf(name, sizeof name, "bad%zu", i);
        const char *path = write_file(name, bad[i].text);
        char want[160];
        snprintf(want, sizeof want, "%s%s", path, bad[i].line);
        CU_ASSERT_EQUAL(ladon__htpasswd_load(path, &h, err, sizeof err), -1);
        CU_ASSERT_PTR_NULL(h);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].why));
        /* never the line or its hash */
        static const char *const secret[] = {"oa6xWAv8", "H.opzYPp", "a8CU1BSW", "$apr1",
                                             "secret", "short", "$05$", "$13$"};
        for (size_t k = 0; k < sizeof secret / sizeof secret[0]; k++)
            CU_ASSERT_PTR_NULL(strstr(err, secret[k]));
        if (strstr(err, want) == NULL)
            printf("\n  case %zu: %s\n", i, err);
    }
    /* a repeated user */
    const char *path = write_file("twice", ALICE "\n" BOB "\n" ALICE "\n");
    CU_ASSERT_EQUAL(ladon__htpasswd_load(path, &h, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "'alice' given twice"));
    /* a file that cannot be read names itself */
    char missing[128];
    snprintf(missing, sizeof missing, "%s/no-such-file", dir);
    CU_ASSERT_EQUAL(ladon__htpasswd_load(missing, &h, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, missing));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
    /* and the server refuses to start on any of them, saying why */
    ladon_config cfg;
    ladon__auth a;
    ladon_config_init(&cfg);
    snprintf(cfg.auth_file, sizeof cfg.auth_file, "%s", missing);
    CU_ASSERT_EQUAL(ladon__auth_init(&a, &cfg, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, missing));
    ladon__auth_destroy(&a);
}

static void test_parse_basic(void)
{
    char user[LADON_USER_MAX], pw[LADON__BASIC_MAX_PASSWORD + 1];
    size_t plen;
#define PB(s) ladon__basic_parse(s, strlen(s), user, pw, &plen)
    CU_ASSERT_EQUAL(PB("Basic YWxpY2U6cmlnaHQgaG9yc2U="), 0); /* alice:right horse */
    CU_ASSERT_STRING_EQUAL(user, "alice");
    CU_ASSERT_STRING_EQUAL(pw, "right horse");
    CU_ASSERT_EQUAL(plen, 11);
    CU_ASSERT_EQUAL(PB("basic   Ym9iOnA6dyBk"), 0); /* bob:p:w d - the user ends at the first ':' */
    CU_ASSERT_STRING_EQUAL(user, "bob");
    CU_ASSERT_STRING_EQUAL(pw, "p:w d");
    CU_ASSERT_EQUAL(PB("Basic YTo="), 0); /* a: - an empty password is a (wrong) password */
    CU_ASSERT_STRING_EQUAL(pw, "");
    CU_ASSERT_EQUAL(PB("Basic YTo"), 0); /* padding may be left out */
    /* other schemes are not ours */
    CU_ASSERT_EQUAL(PB("Bearer abc"), 1);
    CU_ASSERT_EQUAL(PB("Basicx YTo="), 1);
    CU_ASSERT_EQUAL(PB("Digest username=\"a\""), 1);
    /* malformed */
    static const char *const bad[] = {
        "Basic", "Basic ", "Basic YWxpY2U=",  /* no ':' */
        "Basic YWxpY2U6c*==", "Basic Y", "Basic YTo==", "Basic YTo=x", "Basic YT=o",
        "Basic YTp=", /* unused bits not 0 */
        "Basic OnB3", /* ":pw": no user */
        "Basic YQB4OnA=", /* "a\0x:p": a NUL */
        "Basic AToy", /* "\x01:2": a control character in the user */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(PB(bad[i]), -1);
        CU_ASSERT_STRING_EQUAL(user, "");
        CU_ASSERT_STRING_EQUAL(pw, "");
    }
    /* too long */
    char big[LADON__BASIC_MAX_VALUE + 16] = "Basic ";
    memset(big + 6, 'Q', sizeof big - 7);
    big[sizeof big - 1] = '\0';
    CU_ASSERT_EQUAL(PB(big), -1);
#undef PB
}

/* An auth context with file text, --auth-fail-limit limit, --auth-required req. */
static void make_basic(ladon__auth *a, const char *text, unsigned limit, int req)
{
    ladon_config cfg;
    char err[512];
    ladon_config_init(&cfg);
    snprintf(cfg.auth_file, sizeof cfg.auth_file, "%s", write_file("users", text));
    cfg.auth_fail_limit = limit;
    cfg.auth_required = req;
    CU_ASSERT_EQUAL_FATAL(ladon__auth_init(a, &cfg, err, sizeof err), 0);
}

/* A POST with these credentials (base64 of "user:password"; NULL: none) from client at t. */
static void basic(ladon__auth *a, const char *b64, const char *client, int64_t t,
                  ladon__auth_answer *ans)
{
    char head[512];
    ladon__http_req req;
    if (b64 != NULL)
        snprintf(head, sizeof head, "POST /Test HTTP/1.1\r\nAuthorization: Basic %s\r\n\r\n", b64);
    else
        snprintf(head, sizeof head, "POST /Test HTTP/1.1\r\n\r\n");
    int n = ladon__http_parse_head(head, strlen(head), &req);
    CU_ASSERT_FATAL(n > 0);
    ladon__auth_identify(a, head, (size_t)n, false, true, client, t, ans);
}

#define ALICE_OK "YWxpY2U6cmlnaHQgaG9yc2U="  /* alice:right horse */
#define ALICE_BAD "YWxpY2U6d3Jvbmc="         /* alice:wrong */
#define NOBODY "bm9ib2R5OnJpZ2h0IGhvcnNl"    /* nobody:right horse */
#define BOB_OK "Ym9iOnA6dyBk"                /* bob:p:w d */

static void test_basic(void)
{
    ladon__auth a;
    ladon__auth_answer ans;
    make_basic(&a, ALICE "\n", 10, LADON_AUTH_NONE);
    basic(&a, ALICE_OK, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "alice");
    /* wrong credentials are refused even where none are needed: never served anonymously */
    basic(&a, ALICE_BAD, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 401);
    CU_ASSERT_STRING_EQUAL(ans.user, "");
    CU_ASSERT_STRING_EQUAL(ans.headers, "WWW-Authenticate: Basic realm=\"Ladon-C\"\r\n");
    basic(&a, NOBODY, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 401);
    /* none: anonymous here */
    basic(&a, NULL, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "");
    /* malformed: 400; two Authorization headers: 400 */
    basic(&a, "YWxpY2U=", "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 400);
    basic(&a, ALICE_OK "\r\nAuthorization: Basic " ALICE_OK, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 400);
    /* the trusted proxy's header wins: the proxy checked the user */
    identify(&a, "POST /Test HTTP/1.1\r\nX-Remote-User: carol\r\nAuthorization: Basic "
             ALICE_BAD "\r\n\r\n", true, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "carol");
    /* ... but from anyone else it is nothing, and the wrong password is a wrong password */
    identify(&a, "POST /Test HTTP/1.1\r\nX-Remote-User: carol\r\nAuthorization: Basic "
             ALICE_BAD "\r\n\r\n", false, true, &ans);
    CU_ASSERT_EQUAL(ans.status, 401);
    ladon__auth_destroy(&a);
    /* required: no credentials, 401 with the realm asked for */
    ladon_config cfg;
    char err[512];
    ladon_config_init(&cfg);
    snprintf(cfg.auth_file, sizeof cfg.auth_file, "%s", write_file("users", ALICE "\n"));
    snprintf(cfg.auth_realm, sizeof cfg.auth_realm, "Ladon test");
    cfg.auth_required = LADON_AUTH_SOAP;
    CU_ASSERT_EQUAL_FATAL(ladon__auth_init(&a, &cfg, err, sizeof err), 0);
    basic(&a, NULL, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 401);
    CU_ASSERT_STRING_EQUAL(ans.headers, "WWW-Authenticate: Basic realm=\"Ladon test\"\r\n");
    basic(&a, ALICE_OK, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    ladon__auth_destroy(&a);
}

static void test_reload(void)
{
    ladon__auth a;
    ladon__auth_answer ans;
    uint64_t tag[2];
    make_basic(&a, ALICE "\n", 10, LADON_AUTH_NONE);
    basic(&a, BOB_OK, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 401);
    basic(&a, ALICE_OK, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    ladon__authcache_tag(&a.cache, "alice", "right horse", 11, tag);
    CU_ASSERT_TRUE(ladon__authcache_hit(&a.cache, tag, a.generation, 2000));
    /* bob added */
    write_file("users", BOB "\n" ALICE "\n");
    CU_ASSERT_EQUAL(ladon__auth_reload(&a), 0);
    basic(&a, BOB_OK, "10.0.0.1", 3000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "bob");
    /* the reload forgot alice's cached login */
    CU_ASSERT_FALSE(ladon__authcache_hit(&a.cache, tag, a.generation, 3000));
    /* a bad file keeps the users there are */
    write_file("users", "dave:" DAVE_HASH "\n");
    CU_ASSERT_EQUAL(ladon__auth_reload(&a), -1);
    basic(&a, BOB_OK, "10.0.0.1", 4000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    basic(&a, ALICE_OK, "10.0.0.1", 4000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    /* alice removed: no longer accepted, not even from the cache */
    write_file("users", BOB "\n");
    CU_ASSERT_EQUAL(ladon__auth_reload(&a), 0);
    basic(&a, ALICE_OK, "10.0.0.1", 5000, &ans);
    CU_ASSERT_EQUAL(ans.status, 401);
    ladon__auth_destroy(&a);
}

static void test_fail_limit(void)
{
    ladon__auth a;
    ladon__auth_answer ans;
    make_basic(&a, ALICE "\n" BOB "\n", 3, LADON_AUTH_NONE);
    /* bob logs in first, so his login is cached */
    basic(&a, BOB_OK, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    for (int i = 0; i < 4; i++) { /* 3 allowed, the 4th starts the refusal */
        basic(&a, ALICE_BAD, "10.0.0.1", 1000 + i, &ans);
        CU_ASSERT_EQUAL(ans.status, 401);
    }
    /* now no verification at all from that client: the right password too gets 429 */
    basic(&a, ALICE_OK, "10.0.0.1", 2000, &ans);
    CU_ASSERT_EQUAL(ans.status, 429);
    CU_ASSERT_STRING_EQUAL(ans.headers, "Retry-After: 60\r\n");
    basic(&a, ALICE_BAD, "10.0.0.1", 2000, &ans);
    CU_ASSERT_EQUAL(ans.status, 429);
    /* a login verified before is still taken (no bcrypt: the cache) */
    basic(&a, BOB_OK, "10.0.0.1", 2000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_STRING_EQUAL(ans.user, "bob");
    /* other clients are not affected */
    basic(&a, ALICE_OK, "10.0.0.2", 2000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    /* a minute later the client may try again */
    basic(&a, ALICE_BAD, "10.0.0.1", 1003 + 60 * 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 401);
    ladon__auth_destroy(&a);
    /* 0: no limit */
    make_basic(&a, ALICE "\n", 0, LADON_AUTH_NONE);
    for (int i = 0; i < 20; i++) {
        basic(&a, ALICE_BAD, "10.0.0.1", 1000, &ans);
        CU_ASSERT_EQUAL(ans.status, 401);
    }
    ladon__auth_destroy(&a);
}

static void test_verification_slots(void)
{
    ladon__auth a;
    ladon__auth_answer ans;
    make_basic(&a, ALICE "\n" BOB "\n", 10, LADON_AUTH_NONE);
    CU_ASSERT_EQUAL(a.max_verifying, 2); /* half the default 4 workers */
    basic(&a, BOB_OK, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    /* all slots taken (by other threads): a login that needs bcrypt is answered at once */
    atomic_store(&a.verifying, a.max_verifying);
    basic(&a, ALICE_OK, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 503);
    CU_ASSERT_STRING_EQUAL(ans.headers, "Retry-After: 1\r\n");
    /* one that is cached needs no slot */
    basic(&a, BOB_OK, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    atomic_store(&a.verifying, 0);
    basic(&a, ALICE_OK, "10.0.0.1", 1000, &ans);
    CU_ASSERT_EQUAL(ans.status, 0);
    CU_ASSERT_EQUAL(atomic_load(&a.verifying), 0);
    ladon__auth_destroy(&a);
}

static void test_cache(void)
{
    ladon__authcache c;
    char err[128];
    uint64_t t1[2], t2[2], t3[2];
    CU_ASSERT_EQUAL_FATAL(ladon__authcache_init(&c, err, sizeof err), 0);
    ladon__authcache_tag(&c, "alice", "pw", 2, t1);
    ladon__authcache_tag(&c, "alic", "epw", 3, t2); /* the same bytes split elsewhere */
    ladon__authcache_tag(&c, "alice", "pX", 2, t3);
    CU_ASSERT_FALSE(t1[0] == t2[0] && t1[1] == t2[1]);
    CU_ASSERT_FALSE(t1[0] == t3[0] && t1[1] == t3[1]);
    CU_ASSERT_FALSE(ladon__authcache_hit(&c, t1, 1, 0));
    ladon__authcache_put(&c, t1, 1, 0);
    CU_ASSERT_TRUE(ladon__authcache_hit(&c, t1, 1, LADON__AUTHCACHE_TTL_MS - 1));
    CU_ASSERT_FALSE(ladon__authcache_hit(&c, t1, 1, LADON__AUTHCACHE_TTL_MS));
    CU_ASSERT_FALSE(ladon__authcache_hit(&c, t1, 2, 1));
    CU_ASSERT_FALSE(ladon__authcache_hit(&c, t3, 1, 1));
    ladon__authcache_destroy(&c);
    /* another process has other keys: the tags differ */
    ladon__authcache d;
    CU_ASSERT_EQUAL_FATAL(ladon__authcache_init(&d, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(ladon__authcache_init(&c, err, sizeof err), 0);
    ladon__authcache_tag(&c, "alice", "pw", 2, t1);
    ladon__authcache_tag(&d, "alice", "pw", 2, t2);
    CU_ASSERT_FALSE(t1[0] == t2[0] && t1[1] == t2[1]);
    ladon__authcache_destroy(&c);
    ladon__authcache_destroy(&d);
    /* SipHash-2-4's reference vectors (the paper, appendix A) */
    const uint64_t k[2] = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
    unsigned char m[15];
    for (unsigned i = 0; i < sizeof m; i++)
        m[i] = (unsigned char)i;
    CU_ASSERT_EQUAL(ladon__siphash24(k, m, 15), 0xa129ca6149be45e5ull);
    CU_ASSERT_EQUAL(ladon__siphash24(k, m, 0), 0x726fdb47dd0e0e31ull);
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
        {"htpasswd -B file", test_htpasswd_load},
        {"bad htpasswd files", test_htpasswd_bad},
        {"Basic credentials", test_parse_basic},
        {"Basic right and wrong", test_basic},
        {"reload", test_reload},
        {"failed login limit", test_fail_limit},
        {"an unknown user costs the file's highest cost", test_htpasswd_unknown_user_cost},
        {"verification slots", test_verification_slots},
        {"login cache", test_cache},
        {NULL, NULL},
    };
    return rt_run("runtime-auth", tests, suite_init, suite_clean);
}
