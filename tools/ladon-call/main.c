/* ladon-call - a command-line SOAP client for document/literal wrapped services (Ladon-C's
 * and any other): lists a server's services and operations, describes an operation, calls
 * one with NAME=VALUE or JSON arguments checked against the WSDL's schema, and follows
 * Ladon tasks to their end with a progress bar.  This file: the command line, the three
 * commands, exit statuses (err.h).  docs/ladon-call.md is the manual.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>

#include "args.h"
#include "describe.h"
#include "discover.h"
#include "invoke.h"
#include "output.h"
#include "task.h"

static void usage(FILE *f)
{
    fputs("usage: ladon-call [OPTIONS] URL                       list services and operations\n"
          "       ladon-call [OPTIONS] URL describe OP            an operation's inputs and result\n"
          "       ladon-call [OPTIONS] URL OP [NAME=VALUE...]     call an operation\n"
          "URL: a server root (http://host:port/, its page's ?wsdl links), a service\n"
          "(http://host:port/Service, its WSDL at ?wsdl), a WSDL URL (?wsdl, .wsdl) or a WSDL file.\n"
          "Arguments: a=2 record.origin.x=1 values=1,2,3 (\\, is a comma) points.0.x=1;\n"
          "id=N stands for task_id=N.\n"
          "Options:\n"
          "  -j, --json               print the result as JSON\n"
          "  -a, --args FILE|-        arguments as a JSON object (the shape of --json output)\n"
          "  -e, --endpoint URL       send requests there instead of the WSDL's soap:address\n"
          "  -t, --timeout SECONDS    limit of each whole request (default 60)\n"
          "  -c, --connect-timeout SECONDS  limit of each connection set-up (default 10)\n"
          "  -u, --user USER[:PASSWORD]  HTTP Basic credentials; without :PASSWORD it is read\n"
          "                           from $LADON_CALL_PASSWORD, else asked on the terminal\n"
          "  -n, --no-wait            for a task: print its id only, do not follow it\n"
          "  -f, --follow ID          for a task: follow the running task ID (no new start)\n"
          "  -v, --verbose            print each request and response (headers, XML) on stderr\n"
          "  -h, --help               this text\n"
          "  -V, --version            the version\n"
          "Exit status: 0 success, 1 SOAP fault or task failed/cancelled, 2 usage or WSDL error,\n"
          "3 transport error, 130 interrupted (Ctrl-C while following a task).\n"
          "Manual: docs/ladon-call.md.\n",
          f);
}

typedef struct options {
    bool json, no_wait, verbose, follow;
    long long follow_id;
    const char *args_file, *endpoint;
    long timeout_ms, connect_ms;
    char *user, *password; /* malloc'ed copies (--user), or NULL */
} options;

/* ---- --user ---------------------------------------------------------------------------- */

static void forget_user(options *o)
{
    if (o->password != NULL)
        explicit_bzero(o->password, strlen(o->password));
    free(o->user);
    free(o->password);
    o->user = o->password = NULL;
}

/* Reads a password from the terminal without echo; NULL when there is none. */
static char *ask_password(const char *user)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (tty == NULL)
        return NULL;
    struct termios old, quiet;
    int fd = fileno(tty), echo_off = tcgetattr(fd, &old) == 0;
    if (echo_off) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    fprintf(tty, "password for %s: ", user);
    fflush(tty);
    char line[1024];
    char *got = fgets(line, sizeof line, tty);
    if (echo_off)
        (void)tcsetattr(fd, TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    if (got == NULL)
        return NULL;
    line[strcspn(line, "\r\n")] = '\0';
    char *p = strdup(line);
    explicit_bzero(line, sizeof line);
    return p;
}

/* --user USER[:PASSWORD]: the password given is blanked out of the command line (as curl
 * does), so ps shows it only for a moment; better $LADON_CALL_PASSWORD or the prompt. */
static int user_option(options *o, char *arg)
{
    forget_user(o);
    char *colon = strchr(arg, ':');
    size_t ulen = colon != NULL ? (size_t)(colon - arg) : strlen(arg);
    if (ulen == 0) {
        fprintf(stderr, "ladon-call: --user needs a user name: --user USER[:PASSWORD]\n");
        return -1;
    }
    if ((o->user = strndup(arg, ulen)) == NULL) {
        fprintf(stderr, "ladon-call: out of memory\n");
        return -1;
    }
    const char *env = getenv("LADON_CALL_PASSWORD");
    if (colon != NULL) {
        o->password = strdup(colon + 1);
        explicit_bzero(colon + 1, strlen(colon + 1));
    } else if (env != NULL) {
        o->password = strdup(env);
    } else if ((o->password = ask_password(o->user)) == NULL) {
        fprintf(stderr, "ladon-call: --user %s needs a password: --user USER:PASSWORD, "
                        "$LADON_CALL_PASSWORD or a terminal to ask on\n", o->user);
        return -1;
    }
    if (o->password == NULL) {
        fprintf(stderr, "ladon-call: out of memory\n");
        return -1;
    }
    return 0;
}

static int seconds(const char *opt, const char *v, long *ms)
{
    char *end;
    errno = 0;
    double s = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !isfinite(s) || s <= 0 || s > 86400) {
        fprintf(stderr, "ladon-call: %s needs seconds above 0 (at most 86400), not '%s'\n", opt,
                v);
        return -1;
    }
    *ms = (long)(s * 1000 + 0.5);
    if (*ms < 1)
        *ms = 1;
    return 0;
}


typedef struct found {
    const lc_service *svc;
    const lc_op *op;
} found;

static int find_op(lc_wsdl **w, size_t nw, const char *name, found *out, lc_err *err)
{
    for (size_t i = 0; i < nw; i++)
        for (size_t s = 0; s < w[i]->n_services; s++) {
            const lc_op *op = lc_service_op(&w[i]->services[s], name);
            if (op != NULL) {
                out->svc = &w[i]->services[s];
                out->op = op;
                if (op->unsupported != NULL)
                    return lc_err_set(err, LC_EXIT_USAGE, "operation %s cannot be called: %s",
                                      name, op->unsupported);
                return 0;
            }
        }
    char list[1024] = "";
    size_t len = 0;
    for (size_t i = 0; i < nw; i++)
        for (size_t s = 0; s < w[i]->n_services; s++)
            for (size_t k = 0; k < w[i]->services[s].n_ops && len < sizeof list - 1; k++) {
                int n = snprintf(list + len, sizeof list - len, "%s%s", len > 0 ? ", " : "",
                                 w[i]->services[s].ops[k].name);
                len += n > 0 ? (size_t)n : 0;
            }
    return lc_err_set(err, LC_EXIT_USAGE, "unknown operation '%s' (operations: %s)", name,
                      len > 0 ? list : "none");
}

static int list(lc_wsdl **w, size_t nw, lc_err *err)
{
    size_t usable = 0;
    const char *why = NULL;
    for (size_t i = 0; i < nw; i++)
        for (size_t s = 0; s < w[i]->n_services; s++) {
            const lc_service *svc = &w[i]->services[s];
            lc_print_listing(stdout, svc);
            if (svc->unsupported != NULL && why == NULL)
                why = svc->unsupported;
            for (size_t k = 0; svc->unsupported == NULL && k < svc->n_ops; k++) {
                if (svc->ops[k].unsupported == NULL)
                    usable++;
                else if (why == NULL)
                    why = svc->ops[k].unsupported;
            }
        }
    if (usable == 0)
        return lc_err_set(err, LC_EXIT_USAGE, "no operation can be called: %s",
                          why != NULL ? why : "the WSDL has none");
    return 0;
}

static json_t *load_json(const char *file, lc_err *err)
{
    json_error_t je;
    json_t *j = strcmp(file, "-") == 0 ? json_loadf(stdin, 0, &je) : json_load_file(file, 0, &je);
    if (j == NULL)
        lc_err_set(err, LC_EXIT_USAGE, "--args %s: %s (line %d)", file, je.text, je.line);
    return j;
}

static int print_result(const options *o, const lc_value *v, lc_err *err)
{
    if (o->json)
        return lc_print_json(stdout, v, err);
    lc_print_tree(stdout, v);
    return 0;
}

static int call(const options *o, lc_client *c, lc_arena *a, const found *f, const char *url,
                char *const *words, size_t nwords, lc_err *err)
{
    lc_task_ops t;
    bool task = lc_task_find(f->svc, f->op, &t);
    lc_value *out = NULL;
    long long id = o->follow_id;
    if (o->follow && !task)
        return lc_err_set(err, LC_EXIT_USAGE, "--follow: %s is not a task operation",
                          f->op->name);
    if (!o->follow) {
        json_t *j = o->args_file != NULL ? load_json(o->args_file, err) : NULL;
        if (o->args_file != NULL && j == NULL)
            return -1;
        lc_value *in;
        int rc = lc_args_build(a, f->op->input.type, j, words, nwords, &in, err);
        json_decref(j);
        if (rc != 0 || lc_invoke(c, a, f->svc, f->op, in, &out, err) != 0)
            return -1;
        if (!task)
            return print_result(o, out, err);
        if (lc_task_id(out, &id) != 0)
            return lc_err_set(err, LC_EXIT_TRANSPORT, "%s answered no task_id", f->op->name);
        if (o->no_wait) {
            printf("%lld\n", id);
            return 0;
        }
    } else if (nwords > 0 || o->args_file != NULL) {
        return lc_err_set(err, LC_EXIT_USAGE, "--follow takes no arguments");
    }
    lc_follow_opts fo = {.bar = isatty(STDERR_FILENO) == 1, .url = url, .op = f->op->name};
    if (lc_task_follow(c, a, f->svc, &t, id, &fo, &out, err) != 0)
        return -1;
    return print_result(o, out, err);
}

static int run(const options *o, int argc, char **argv, lc_err *err)
{
    const char *url = argv[0];
    lc_arena *a = lc_arena_new();
    if (a == NULL)
        return lc_err_nomem(err);
    lc_http *h = lc_http_new(o->timeout_ms, o->connect_ms, o->verbose, err);
    int rc = -1;
    lc_wsdl **w;
    size_t nw;
    if (h == NULL ||
        (o->user != NULL &&
         lc_http_set_basic_auth(h, o->user, o->password, (const char *const[]){url, o->endpoint},
                                2, err) != 0) ||
        lc_discover(h, a, url, &w, &nw, err) != 0)
        goto done;
    lc_client c = {.http = h, .endpoint = o->endpoint};
    found f;
    if (argc == 1) {
        rc = list(w, nw, err);
    } else if (strcmp(argv[1], "describe") == 0) {
        if (argc != 3)
            rc = lc_err_set(err, LC_EXIT_USAGE, "usage: ladon-call URL describe OP");
        else if ((rc = find_op(w, nw, argv[2], &f, err)) == 0)
            lc_print_describe(stdout, f.svc, f.op);
    } else if ((rc = find_op(w, nw, argv[1], &f, err)) == 0) {
        rc = call(o, &c, a, &f, url, argv + 2, (size_t)(argc - 2), err);
    }
done:
    lc_http_free(h);
    lc_arena_free(a);
    return rc;
}

static int cli(int argc, char **argv, options *po)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},         {"args", required_argument, NULL, 'a'},
        {"endpoint", required_argument, NULL, 'e'}, {"timeout", required_argument, NULL, 't'},
        {"connect-timeout", required_argument, NULL, 'c'},
        {"no-wait", no_argument, NULL, 'n'},      {"follow", required_argument, NULL, 'f'},
        {"verbose", no_argument, NULL, 'v'},      {"help", no_argument, NULL, 'h'},
        {"user", required_argument, NULL, 'u'},
        {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "ja:e:t:c:u:nf:vhV", longopts, NULL)) != -1) {
        char *end;
        switch (ch) {
        case 'j': po->json = true; break;
        case 'a': po->args_file = optarg; break;
        case 'e': po->endpoint = optarg; break;
        case 't':
            if (seconds("--timeout", optarg, &po->timeout_ms) != 0)
                return LC_EXIT_USAGE;
            break;
        case 'c':
            if (seconds("--connect-timeout", optarg, &po->connect_ms) != 0)
                return LC_EXIT_USAGE;
            break;
        case 'u':
            if (user_option(po, optarg) != 0)
                return LC_EXIT_USAGE;
            break;
        case 'n': po->no_wait = true; break;
        case 'f':
            errno = 0;
            po->follow_id = strtoll(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0') {
                fprintf(stderr, "ladon-call: --follow needs a task id, not '%s'\n", optarg);
                return LC_EXIT_USAGE;
            }
            po->follow = true;
            break;
        case 'v': po->verbose = true; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("ladon-call %s\n", LC_VERSION); return 0;
        default: usage(stderr); return LC_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return LC_EXIT_USAGE;
    }
    if (po->follow && po->no_wait) {
        fprintf(stderr, "ladon-call: --follow and --no-wait do not go together\n");
        return LC_EXIT_USAGE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "ladon-call: cannot initialise libcurl\n");
        return LC_EXIT_TRANSPORT;
    }
    xmlInitParser();
    lc_err err = {0};
    int rc = run(po, argc - optind, argv + optind, &err) == 0 ? 0 : err.code;
    if (rc != 0)
        fprintf(stderr, "ladon-call: %s\n", err.msg);
    if (fflush(stdout) != 0 && rc == 0) {
        fprintf(stderr, "ladon-call: cannot write the output: %s\n", strerror(errno));
        rc = LC_EXIT_TRANSPORT;
    }
    xmlCleanupParser();
    curl_global_cleanup();
    return rc;
}

int main(int argc, char **argv)
{
    options o = {.timeout_ms = 60000, .connect_ms = 10000};
    int rc = cli(argc, argv, &o);
    forget_user(&o);
    return rc;
}
