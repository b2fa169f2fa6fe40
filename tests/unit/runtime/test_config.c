/* test_config.c - ladon_config_init / ladon_config_parse: defaults, both
 * flag forms, environment variables, precedence, and every kind of bad
 * value. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ladon/ladon.h>
#include "config.h"
#include "rt_cunit.h"

static char err[512];

/* Parses the NULL-terminated flags into cfg (after ladon_config_init). */
static int parse(ladon_config *cfg, ...)
{
    char *argv[64];
    int argc = 0;
    va_list ap;
    argv[argc++] = "prog";
    va_start(ap, cfg);
    for (char *a; (a = va_arg(ap, char *)) != NULL && argc < 63;)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    ladon_config_init(cfg);
    return ladon_config_parse(cfg, argc, argv, err, sizeof err);
}

/* The flag with this value must be rejected with a message naming the flag. */
static void expect_bad(const char *flag, const char *value)
{
    ladon_config cfg;
    char both[256];
    int rc = parse(&cfg, (char *)flag, (char *)value, (char *)NULL);
    CU_ASSERT_EQUAL(rc, LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, flag));
    if (rc != LADON_EINVAL || strstr(err, flag) == NULL)
        fprintf(stderr, "\n  %s %s accepted or bad message: '%s'\n", flag, value, err);
    CU_ASSERT_PTR_NULL(strchr(err, '\n'));
    /* and in the --flag=value form */
    snprintf(both, sizeof both, "%s=%s", flag, value);
    CU_ASSERT_EQUAL(parse(&cfg, both, (char *)NULL), LADON_EINVAL);
}

static void test_defaults(void)
{
    ladon_config cfg;
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), 0);
    CU_ASSERT_STRING_EQUAL(cfg.listen_host, "127.0.0.1");
    CU_ASSERT_EQUAL(cfg.listen_port, 8080);
    CU_ASSERT_EQUAL(cfg.workers, 4);
    CU_ASSERT_EQUAL(cfg.task_workers, 4);
    CU_ASSERT_EQUAL(cfg.wait_threads, LADON_WAIT_THREADS_AUTO);
    CU_ASSERT_EQUAL(cfg.task_queue, 1024);
    CU_ASSERT_STRING_EQUAL(cfg.store_url, "memory:");
    CU_ASSERT_STRING_EQUAL(cfg.public_url, "");
    CU_ASSERT_STRING_EQUAL(cfg.trusted_proxies, "");
    CU_ASSERT_EQUAL(cfg.max_request_bytes, 1024 * 1024);
    CU_ASSERT_EQUAL(cfg.max_depth, 64);
    CU_ASSERT_EQUAL(cfg.max_items, 100000);
    CU_ASSERT_EQUAL(cfg.recv_timeout_ms, 10000);
    CU_ASSERT_EQUAL(cfg.send_timeout_ms, 10000);
    CU_ASSERT_EQUAL(cfg.idle_timeout_ms, 60000);
    CU_ASSERT_EQUAL(cfg.max_connections, 10000);
    CU_ASSERT_EQUAL(cfg.gzip, 1);
    CU_ASSERT_EQUAL(cfg.log_level, 2);
    CU_ASSERT_EQUAL(cfg.task_ttl_s, 86400);
    CU_ASSERT_EQUAL(cfg.shutdown_grace_ms, 10000);
    CU_ASSERT_STRING_EQUAL(cfg.store_prefix, "ladon:");
    CU_ASSERT_EQUAL(cfg.store_timeout_ms, 1000);
    CU_ASSERT_EQUAL(cfg.task_lease_s, 30);
    CU_ASSERT_EQUAL(cfg.processes, 1);
}

static void test_every_flag(void)
{
    ladon_config cfg;
    int rc = parse(&cfg, "--listen", "0.0.0.0:0", "--workers=8", "--task-workers", "2",
                   "--task-queue=10", "--store", "memory:", "--public-url",
                   "https://example.com/soap/", "--trusted-proxy", "10.0.0.1, ::1,192.168.0.0/16",
                   "--data-dir", "/tmp/x", "--max-request-size", "64K", "--max-depth", "10",
                   "--max-items=5", "--recv-timeout", "1500", "--send-timeout", "2000",
                   "--idle-timeout", "3000", "--max-connections", "7", "--no-gzip",
                   "--log-level", "debug", "--task-ttl", "60", "--shutdown-grace", "0",
                   "--store-prefix", "app1:v2_", "--store-timeout=250", "--task-lease", "9",
                   "--processes=4", "--wait-threads", "0", (char *)NULL);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err);
    CU_ASSERT_STRING_EQUAL(cfg.listen_host, "0.0.0.0");
    CU_ASSERT_EQUAL(cfg.listen_port, 0);
    CU_ASSERT_EQUAL(cfg.workers, 8);
    CU_ASSERT_EQUAL(cfg.task_workers, 2);
    CU_ASSERT_EQUAL(cfg.wait_threads, 0);
    CU_ASSERT_EQUAL(cfg.task_queue, 10);
    CU_ASSERT_STRING_EQUAL(cfg.public_url, "https://example.com/soap");
    CU_ASSERT_STRING_EQUAL(cfg.trusted_proxies, "10.0.0.1, ::1,192.168.0.0/16");
    CU_ASSERT_STRING_EQUAL(cfg.data_dir, "/tmp/x");
    CU_ASSERT_EQUAL(cfg.max_request_bytes, 64 * 1024);
    CU_ASSERT_EQUAL(cfg.max_depth, 10);
    CU_ASSERT_EQUAL(cfg.max_items, 5);
    CU_ASSERT_EQUAL(cfg.recv_timeout_ms, 1500);
    CU_ASSERT_EQUAL(cfg.send_timeout_ms, 2000);
    CU_ASSERT_EQUAL(cfg.idle_timeout_ms, 3000);
    CU_ASSERT_EQUAL(cfg.max_connections, 7);
    CU_ASSERT_EQUAL(cfg.gzip, 0);
    CU_ASSERT_EQUAL(cfg.log_level, 3);
    CU_ASSERT_EQUAL(cfg.task_ttl_s, 60);
    CU_ASSERT_EQUAL(cfg.shutdown_grace_ms, 0);
    CU_ASSERT_STRING_EQUAL(cfg.store_prefix, "app1:v2_");
    CU_ASSERT_EQUAL(cfg.store_timeout_ms, 250);
    CU_ASSERT_EQUAL(cfg.task_lease_s, 9);
    CU_ASSERT_EQUAL(cfg.processes, 4);

    CU_ASSERT_EQUAL(parse(&cfg, "--no-gzip", "--gzip", (char *)NULL), 0);
    CU_ASSERT_EQUAL(cfg.gzip, 1);
    CU_ASSERT_EQUAL(parse(&cfg, "--listen", "[::1]:9000", (char *)NULL), 0);
    CU_ASSERT_STRING_EQUAL(cfg.listen_host, "::1");
    CU_ASSERT_EQUAL(cfg.listen_port, 9000);
    CU_ASSERT_EQUAL(parse(&cfg, "--listen=localhost:65535", (char *)NULL), 0);
    CU_ASSERT_STRING_EQUAL(cfg.listen_host, "localhost");
    CU_ASSERT_EQUAL(cfg.listen_port, 65535);
    CU_ASSERT_EQUAL(parse(&cfg, "--max-request-size", "2m", (char *)NULL), 0);
    CU_ASSERT_EQUAL(cfg.max_request_bytes, 2 * 1024 * 1024);
    CU_ASSERT_EQUAL(parse(&cfg, "--max-request-size", "1G", (char *)NULL), 0);
    CU_ASSERT_EQUAL(parse(&cfg, "--max-request-size", "1024", (char *)NULL), 0);
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "memory://", (char *)NULL), 0);
    CU_ASSERT_STRING_EQUAL(cfg.store_url, "memory://"); /* as written: its back end reads it */
    CU_ASSERT_EQUAL(parse(&cfg, "--log-level", "error", (char *)NULL), 0);
    CU_ASSERT_EQUAL(cfg.log_level, 0);
    CU_ASSERT_EQUAL(parse(&cfg, "--public-url", "http://h:81", (char *)NULL), 0);
    CU_ASSERT_STRING_EQUAL(cfg.public_url, "http://h:81");
    /* the last of a repeated flag wins */
    CU_ASSERT_EQUAL(parse(&cfg, "--workers", "2", "--workers", "3", (char *)NULL), 0);
    CU_ASSERT_EQUAL(cfg.workers, 3);
}

static void test_bad_numbers(void)
{
    static const char *const flags[] = {"--workers", "--task-workers", "--task-queue",
                                        "--max-depth", "--max-items", "--recv-timeout",
                                        "--send-timeout", "--idle-timeout",
                                        "--max-connections", "--task-ttl",
                                        "--max-request-size", "--store-timeout",
                                        "--task-lease", "--processes"};
    static const char *const bad[] = {"", "abc", "4x", " 4", "4 ", "+4", "-1", "0x10",
                                      "1.5", "99999999999999999999999", "18446744073709551616"};
    for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++)
            expect_bad(flags[f], bad[b]);
    /* ranges */
    expect_bad("--workers", "0");
    expect_bad("--workers", "1025");
    expect_bad("--task-workers", "0");
    expect_bad("--task-queue", "0");
    expect_bad("--task-queue", "1000001");
    expect_bad("--max-depth", "0");
    expect_bad("--max-depth", "10001");
    expect_bad("--max-items", "0");
    expect_bad("--recv-timeout", "0");
    expect_bad("--recv-timeout", "3600001");
    expect_bad("--send-timeout", "0");
    expect_bad("--idle-timeout", "0");
    expect_bad("--max-connections", "0");
    expect_bad("--task-ttl", "0");
    expect_bad("--wait-threads", "1025");
    expect_bad("--wait-threads", "-1");
    expect_bad("--shutdown-grace", "3600001");
    expect_bad("--shutdown-grace", "x");
    expect_bad("--max-request-size", "1023");
    expect_bad("--max-request-size", "2G");
    expect_bad("--max-request-size", "1T");
    expect_bad("--max-request-size", "1KB");
    expect_bad("--max-request-size", "K");
    expect_bad("--store-timeout", "0");
    expect_bad("--store-timeout", "60001");
    expect_bad("--task-lease", "2");
    expect_bad("--task-lease", "3601");
    expect_bad("--processes", "0");
    expect_bad("--processes", "65");
    /* suffixes only where documented */
    expect_bad("--workers", "1K");
}

static void test_bad_values(void)
{
    expect_bad("--listen", "");
    expect_bad("--listen", "8080");
    expect_bad("--listen", "host");
    expect_bad("--listen", ":8080");
    expect_bad("--listen", "host:");
    expect_bad("--listen", "host:65536");
    expect_bad("--listen", "host:-1");
    expect_bad("--listen", "host:80x");
    expect_bad("--listen", "::1:80");
    expect_bad("--listen", "[::1]80");
    expect_bad("--listen", "[::1");
    expect_bad("--listen", "ho st:80");
    expect_bad("--listen", "h/x:80");
    expect_bad("--store", "bogus");
    expect_bad("--store", "");
    expect_bad("--store", "memory://x");
    expect_bad("--store", "memory:?live_progress=2");
    expect_bad("--store", "memcached:");
    expect_bad("--store", "memcached://");
    expect_bad("--store", "memcached:h:11211");
    expect_bad("--store", "memcached://h:0");
    expect_bad("--store", "memcached://h:65536");
    expect_bad("--store", "memcached://h:x");
    expect_bad("--store", "memcached://h:11211,");
    expect_bad("--store", "memcached://,h:11211");
    expect_bad("--store", "memcached://h1:11211,,h2:11211");
    expect_bad("--store", "memcached://h/x");
    expect_bad("--store", "memcached://[::1");
    expect_bad("--store", "memcached://[::1]x");
    expect_bad("--store", "memcached://h :1");
    expect_bad("--store", "redis:");
    expect_bad("--store", "redis://");
    expect_bad("--store", "redis://h:6379/x");
    expect_bad("--store", "redis://h:6379/-1");
    expect_bad("--store", "redis://h:99999");
    expect_bad("--store", "redis://secret@h:6379");
    expect_bad("--store", "redis://:pw@");
    expect_bad("--store", "redis://:pw@/0");
    expect_bad("--store", "ftp://h");
    expect_bad("--store-prefix", "");
    expect_bad("--store-prefix", "a b");
    expect_bad("--store-prefix", "a/b");
    expect_bad("--store-prefix", "k\x01");
    expect_bad("--store-prefix",
               "0123456789012345678901234567890123456789012345678901234567890123");
    expect_bad("--public-url", "ftp://x");
    expect_bad("--public-url", "example.com");
    expect_bad("--public-url", "http://");
    expect_bad("--public-url", "http:///path");
    expect_bad("--public-url", "http://h/a b");
    expect_bad("--public-url", "http://h/\"x");
    expect_bad("--public-url", "http://h/<x>");
    expect_bad("--public-url", "http://h/x?q=1");
    expect_bad("--public-url", "http://h/x#f");
    expect_bad("--trusted-proxy", "nope");
    expect_bad("--trusted-proxy", "1.2.3.4,");
    expect_bad("--trusted-proxy", "1.2.3.4,,5.6.7.8");
    expect_bad("--trusted-proxy", "1.2.3.4/33");
    expect_bad("--trusted-proxy", "::1/129");
    expect_bad("--trusted-proxy", "1.2.3.4/");
    expect_bad("--trusted-proxy", "1.2.3.4/x");
    expect_bad("--trusted-proxy", "256.1.1.1");
    expect_bad("--data-dir", "");
    expect_bad("--log-level", "loud");
    expect_bad("--log-level", "");
}

/* Store URLs accepted as written (each checked by its back end, without
 * connecting), and messages that name the scheme and the back end's reason
 * but never a password. */
static void test_store_urls(void)
{
    static const char *const good[] = {
        "memory://",
        "MEMORY:",
        "memory:?live_progress=1",
        "memcached://h1:11211,h2:11211",
        "memcached://127.0.0.1:11211",
        "memcached://cache",
        "memcached://[::1]:11211,cache-2.example.com",
        "redis://h:6379/0",
        "redis://h",
        "redis://h:6379",
        "redis://:s3cret@h:6379/3",
        "redis://user:p%40ss@[::1]:6380/15",
        "REDIS://h:1",
    };
    ladon_config cfg;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int rc = parse(&cfg, "--store", (char *)good[i], (char *)NULL);
        CU_ASSERT_EQUAL(rc, 0);
        if (rc != 0)
            fprintf(stderr, "\n  --store %s: %s\n", good[i], err);
        CU_ASSERT_STRING_EQUAL(cfg.store_url, good[i]);
    }
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "memory:", (char *)NULL), 0);
    CU_ASSERT_STRING_EQUAL(cfg.store_url, "memory:");

    /* unknown schemes: clear, naming what is supported */
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "mongodb://h:27017", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--store: unknown store 'mongodb:'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "memory:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "memcached://"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "redis://"));
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "bogus", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "expected memory:"));

    /* a bad URL of a known scheme: its back end's reason */
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "memcached://h1:11211,,h2:11211", (char *)NULL),
                    LADON_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "--store: bad store URL 'memcached://h1:11211,,h2:11211': "
                                "server '': empty host");
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "redis://cache:99999/0", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "--store: bad store URL 'redis://cache:99999/0': "
                                "port out of range 1..65535");
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "memory://x", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "--store: bad store URL 'memory://x': the memory store takes "
                                "no host or option 'x': use memory:");

    /* a password never appears in a message */
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "redis://u:topsecret@h:6379/x", (char *)NULL),
                    LADON_EINVAL);
    CU_ASSERT_PTR_NULL(strstr(err, "topsecret"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "redis://u:***@h:6379/x"));
    setenv("LADON_STORE", "redis://:topsecret@h:bad", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "LADON_STORE"));
    CU_ASSERT_PTR_NULL(strstr(err, "topsecret"));
    CU_ASSERT_STRING_EQUAL(err, "LADON_STORE: bad store URL 'redis://:***@h:bad': "
                                "port is not a number");
    unsetenv("LADON_STORE");
}

/* A password too long for the message buffer was cut before it was hidden:
 * 478 of its 700 characters appeared in the message (found in review). */
static void test_long_password(void)
{
    ladon_config cfg;
    char url[1000], arg[1100];
    memset(url, 0, sizeof url);
    memcpy(url, "redis://:", 9);
    memset(url + 9, 'S', 700);
    memcpy(url + 709, "@host:99999", 11);
    snprintf(arg, sizeof arg, "--store=%s", url);
    CU_ASSERT_EQUAL(parse(&cfg, arg, (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NULL(strstr(err, "SS"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "redis://:***@host:99999"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "port"));
    /* longer than --store holds: refused without quoting it */
    char big[1200];
    memset(big, 0, sizeof big);
    memcpy(big, "--store=redis://:", 17);
    memset(big + 17, 'S', 1100);
    memcpy(big + 1117, "@h", 2);
    CU_ASSERT_EQUAL(parse(&cfg, big, (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NULL(strstr(err, "SS"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "value too long"));
}

static void test_redaction(void)
{
    char out[128], text[64];
    ladon__url_redact("redis://:pw@h:6379/0", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "redis://:***@h:6379/0");
    ladon__url_redact("redis://user:pw@h", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "redis://user:***@h");
    ladon__url_redact("redis://pw@h", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "redis://***@h");
    ladon__url_redact("redis://h:6379/0", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "redis://h:6379/0");
    ladon__url_redact("memcached://a:1,b:2", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "memcached://a:1,b:2");
    ladon__url_redact("memory:", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "memory:");
    ladon__url_redact(NULL, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "");

    snprintf(text, sizeof text, "bad URL 'redis://:pw@h' (pw wrong)");
    ladon__text_redact(text, sizeof text, "redis://:pw@h");
    CU_ASSERT_STRING_EQUAL(text, "bad URL 'redis://:***@h' (*** wrong)");
    /* a longer replacement than the secret never overflows */
    snprintf(text, 16, "a:x@b x x x x x");
    ladon__text_redact(text, 16, "redis://a:x@b");
    CU_ASSERT(strlen(text) <= 15);
    CU_ASSERT_EQUAL(strncmp(text, "a:***@b *** ***", 15), 0);
    /* a text cut inside the secret: what is left of it is hidden too */
    {
        static const char start[] = "bad URL 'redis://:";
        memcpy(text, start, sizeof start - 1);
        for (size_t i = sizeof start - 1; i < sizeof text - 1; i++)
            text[i] = "SECRET"[(i - (sizeof start - 1)) % 6];
        text[sizeof text - 1] = '\0';
    }
    ladon__text_redact(text, sizeof text, "redis://:SECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRETSECRET@h");
    CU_ASSERT_STRING_EQUAL(text, "bad URL 'redis://:***");
    snprintf(text, sizeof text, "nothing secret");
    ladon__text_redact(text, sizeof text, "redis://h");
    CU_ASSERT_STRING_EQUAL(text, "nothing secret");
}

static void test_usage_errors(void)
{
    ladon_config cfg;
    CU_ASSERT_EQUAL(parse(&cfg, "--bogus", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown option '--bogus'"));
    CU_ASSERT_EQUAL(parse(&cfg, "--bogus=1", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown option '--bogus'"));
    CU_ASSERT_EQUAL(parse(&cfg, "positional", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_EQUAL(parse(&cfg, "-w", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_EQUAL(parse(&cfg, "--", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_EQUAL(parse(&cfg, "--workers", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing value"));
    CU_ASSERT_EQUAL(parse(&cfg, "--gzip=1", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "takes no value"));
    CU_ASSERT_EQUAL(parse(&cfg, "--no-gzip=0", (char *)NULL), LADON_EINVAL);
    CU_ASSERT_EQUAL(parse(&cfg, "--workers", "--listen", (char *)NULL), LADON_EINVAL);
    /* a value may itself start with "--" only in the = form: here --listen is
     * taken as the value of --workers and rejected as a number */
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--workers"));
    CU_ASSERT_EQUAL(ladon_config_parse(NULL, 0, NULL, err, sizeof err), LADON_EINVAL);
}

static void test_help_version(void)
{
    ladon_config cfg;
    FILE *saved = stdout;
    FILE *null = fopen("/dev/null", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(null);
    stdout = null;
    CU_ASSERT_EQUAL(parse(&cfg, "--help", (char *)NULL), 1);
    CU_ASSERT_EQUAL(parse(&cfg, "--version", (char *)NULL), 1);
    CU_ASSERT_EQUAL(parse(&cfg, "--workers", "2", "--help", (char *)NULL), 1);
    stdout = saved;
    fclose(null);
}

static void test_env(void)
{
    ladon_config cfg;
    setenv("LADON_WORKERS", "6", 1);
    setenv("LADON_LISTEN", "127.0.0.1:0", 1);
    setenv("LADON_GZIP", "off", 1);
    setenv("LADON_MAX_REQUEST_SIZE", "8K", 1);
    setenv("LADON_LOG_LEVEL", "warn", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), 0);
    CU_ASSERT_EQUAL(cfg.workers, 6);
    CU_ASSERT_EQUAL(cfg.listen_port, 0);
    CU_ASSERT_EQUAL(cfg.gzip, 0);
    CU_ASSERT_EQUAL(cfg.max_request_bytes, 8192);
    CU_ASSERT_EQUAL(cfg.log_level, 1);
    /* flags win */
    CU_ASSERT_EQUAL(parse(&cfg, "--workers", "3", "--gzip", (char *)NULL), 0);
    CU_ASSERT_EQUAL(cfg.workers, 3);
    CU_ASSERT_EQUAL(cfg.gzip, 1);
    unsetenv("LADON_LISTEN");
    unsetenv("LADON_MAX_REQUEST_SIZE");
    unsetenv("LADON_LOG_LEVEL");
    /* a bad variable is an error naming the variable, even if a flag would
     * override it */
    setenv("LADON_WORKERS", "many", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "LADON_WORKERS"));
    setenv("LADON_WORKERS", "2", 1);
    setenv("LADON_GZIP", "maybe", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "LADON_GZIP"));
    unsetenv("LADON_GZIP");
    setenv("LADON_STORE", "redis:x", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "LADON_STORE"));
    setenv("LADON_STORE", "memcached://m1:11211,m2:11211", 1);
    setenv("LADON_STORE_PREFIX", "svc-a.", 1);
    setenv("LADON_STORE_TIMEOUT", "60000", 1);
    setenv("LADON_TASK_LEASE", "3", 1);
    setenv("LADON_PROCESSES", "64", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), 0);
    CU_ASSERT_STRING_EQUAL(cfg.store_url, "memcached://m1:11211,m2:11211");
    CU_ASSERT_STRING_EQUAL(cfg.store_prefix, "svc-a.");
    CU_ASSERT_EQUAL(cfg.store_timeout_ms, 60000);
    CU_ASSERT_EQUAL(cfg.task_lease_s, 3);
    CU_ASSERT_EQUAL(cfg.processes, 64);
    /* flags win */
    CU_ASSERT_EQUAL(parse(&cfg, "--store", "redis://r:6379/1", "--store-prefix", "b:",
                          "--processes", "2", (char *)NULL), 0);
    CU_ASSERT_STRING_EQUAL(cfg.store_url, "redis://r:6379/1");
    CU_ASSERT_STRING_EQUAL(cfg.store_prefix, "b:");
    CU_ASSERT_EQUAL(cfg.processes, 2);
    setenv("LADON_STORE_PREFIX", "has space", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "LADON_STORE_PREFIX"));
    setenv("LADON_STORE_PREFIX", "ladon:", 1);
    setenv("LADON_TASK_LEASE", "2", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "LADON_TASK_LEASE"));
    setenv("LADON_TASK_LEASE", "30", 1);
    setenv("LADON_PROCESSES", "0", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "LADON_PROCESSES"));
    setenv("LADON_PROCESSES", "1", 1);
    setenv("LADON_STORE_TIMEOUT", "0", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), LADON_EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "LADON_STORE_TIMEOUT"));
    unsetenv("LADON_STORE");
    unsetenv("LADON_STORE_PREFIX");
    unsetenv("LADON_STORE_TIMEOUT");
    unsetenv("LADON_TASK_LEASE");
    unsetenv("LADON_PROCESSES");
    static const char *const vars[] = {
        "LADON_TASK_WORKERS", "LADON_TASK_QUEUE", "LADON_MAX_DEPTH", "LADON_MAX_ITEMS",
        "LADON_RECV_TIMEOUT", "LADON_SEND_TIMEOUT", "LADON_IDLE_TIMEOUT",
        "LADON_MAX_CONNECTIONS", "LADON_TASK_TTL", "LADON_SHUTDOWN_GRACE"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        setenv(vars[i], "12", 1);
        CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), 0);
        setenv(vars[i], "-12", 1);
        CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), LADON_EINVAL);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, vars[i]));
        unsetenv(vars[i]);
    }
    setenv("LADON_PUBLIC_URL", "http://pub:1/", 1);
    setenv("LADON_TRUSTED_PROXY", "10.1.2.3", 1);
    setenv("LADON_DATA_DIR", "/d", 1);
    CU_ASSERT_EQUAL(parse(&cfg, (char *)NULL), 0);
    CU_ASSERT_STRING_EQUAL(cfg.public_url, "http://pub:1");
    CU_ASSERT_STRING_EQUAL(cfg.trusted_proxies, "10.1.2.3");
    CU_ASSERT_STRING_EQUAL(cfg.data_dir, "/d");
    unsetenv("LADON_PUBLIC_URL");
    unsetenv("LADON_TRUSTED_PROXY");
    unsetenv("LADON_DATA_DIR");
    unsetenv("LADON_WORKERS");
}

static void test_parse_u64(void)
{
    uint64_t v;
    CU_ASSERT_EQUAL(ladon__parse_u64("0", 0, 10, 0, &v), 0);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(ladon__parse_u64("18446744073709551615", 0, UINT64_MAX, 0, &v), 0);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
    CU_ASSERT_EQUAL(ladon__parse_u64("18446744073709551616", 0, UINT64_MAX, 0, &v), -1);
    CU_ASSERT_EQUAL(ladon__parse_u64("17179869184G", 0, UINT64_MAX, 1, &v), -1);
    CU_ASSERT_EQUAL(ladon__parse_u64(NULL, 0, 10, 0, &v), -1);
    CU_ASSERT_EQUAL(ladon__gsoap_timeout(2000), 2);
    CU_ASSERT_EQUAL(ladon__gsoap_timeout(1500), -1500000);
    CU_ASSERT_EQUAL(ladon__gsoap_timeout(3600001), 3601);
}

int main(void)
{
    static const rt_test tests[] = {
        {"defaults", test_defaults},
        {"every flag, both forms", test_every_flag},
        {"bad numbers and ranges", test_bad_numbers},
        {"bad values", test_bad_values},
        {"store URLs and messages", test_store_urls},
        {"password redaction", test_redaction},
        {"a long password is hidden whole", test_long_password},
        {"usage errors", test_usage_errors},
        {"help and version", test_help_version},
        {"environment", test_env},
        {"strict number parser", test_parse_u64},
        {NULL, NULL},
    };
    return rt_run("runtime-config", tests, NULL, NULL);
}
