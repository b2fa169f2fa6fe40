/* run_soapcpp2.c - drives soapcpp2 with posix_spawn (see run_soapcpp2.h).
 *
 * soapcpp2 runs with its working directory set to the output folder and is
 * given relative file names, because it records the input's name in the
 * files it writes: an absolute temporary path would make the output differ
 * from run to run. */
#include "run_soapcpp2.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* An absolute version of a path that contains a '/', else the name. */
static char *absolute(const char *path)
{
    if (path == NULL || strchr(path, '/') == NULL || path[0] == '/')
        return path ? strdup(path) : NULL;
    return realpath(path, NULL);
}

static void append_log(lg_diag *d, const char *dir)
{
    if (d->errors != 1)
        return;
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/soapcpp2.log", dir) >= (int)sizeof path)
        return;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    size_t len = strlen(d->text);
    char line[512];
    while (fgets(line, sizeof line, f) != NULL && len + 1 < sizeof d->text) {
        /* keep soapcpp2's diagnostics, not its banner */
        if (strstr(line, "rror") == NULL && strstr(line, "arning") == NULL && strstr(line, "ritical") == NULL)
            continue;
        int n = snprintf(d->text + len, sizeof d->text - len, "\n  soapcpp2: %s", line);
        if (n < 0 || (size_t)n >= sizeof d->text - len)
            break;
        len += (size_t)n;
        if (len > 0 && d->text[len - 1] == '\n')
            d->text[--len] = '\0';
    }
    fclose(f);
}

int lg_run_soapcpp2(const char *soapcpp2, const char *dir, const char *input, const char *import_dir, lg_diag *d)
{
    int rc = -1;
    char *prog = absolute(soapcpp2);
    char *imp = absolute(import_dir);
    if (prog == NULL || (import_dir != NULL && imp == NULL)) {
        lg_error_noloc(d, "cannot resolve %s: %s", prog == NULL ? soapcpp2 : import_dir, strerror(errno));
        free(prog);
        free(imp);
        return -1;
    }
    char *argv[12];
    int argc = 0;
    argv[argc++] = prog;
    argv[argc++] = "-c";
    argv[argc++] = "-S";
    argv[argc++] = "-L";
    argv[argc++] = "-x";
    argv[argc++] = "-w"; /* no WSDL or schema: ladon-gen writes each service's own (emit_wsdl.c) */
    argv[argc++] = "-d";
    argv[argc++] = ".";
    if (imp != NULL) {
        argv[argc++] = "-I";
        argv[argc++] = imp;
    }
    argv[argc++] = (char *)input;
    argv[argc] = NULL;

    posix_spawn_file_actions_t fa;
    int err = posix_spawn_file_actions_init(&fa);
    if (err != 0) {
        lg_error_noloc(d, "posix_spawn_file_actions_init: %s", strerror(err));
        goto out_free;
    }
    if ((err = posix_spawn_file_actions_addchdir_np(&fa, dir)) != 0 ||
        (err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) != 0 ||
        (err = posix_spawn_file_actions_addopen(&fa, 1, "soapcpp2.log", O_WRONLY | O_CREAT | O_TRUNC, 0644)) != 0 ||
        (err = posix_spawn_file_actions_adddup2(&fa, 1, 2)) != 0) {
        lg_error_noloc(d, "posix_spawn_file_actions: %s", strerror(err));
        goto out_fa;
    }
    pid_t pid;
    err = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
    if (err != 0) {
        lg_error_noloc(d, "cannot run %s: %s", prog, strerror(err));
        goto out_fa;
    }
    int status;
    pid_t w;
    while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    if (w < 0) {
        lg_error_noloc(d, "waitpid(%s): %s", prog, strerror(errno));
        goto out_fa;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        rc = 0;
    } else {
        if (WIFEXITED(status))
            lg_error_noloc(d, "%s failed with exit status %d", prog, WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            lg_error_noloc(d, "%s was killed by signal %d", prog, WTERMSIG(status));
        else
            lg_error_noloc(d, "%s failed", prog);
        append_log(d, dir);
    }
out_fa:
    posix_spawn_file_actions_destroy(&fa);
out_free:
    free(prog);
    free(imp);
    return rc;
}

/* The whole file at path (NUL-terminated, in a; its length in *len), or
 * NULL with the reason in d. */
static char *read_whole(lg_arena *a, const char *path, size_t *len, lg_diag *d)
{
    char *s = lg_read_file(a, path, len);
    if (s == NULL)
        lg_error_noloc(d, "cannot read %s: %s", path, strerror(errno));
    return s;
}

/* Replaces the file at path with out's bytes; 0 or -1 with the reason in d. */
static int write_whole(const char *path, const lg_sb *out, lg_diag *d)
{
    int rc = 0;
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(lg_sb_str(out), 1, out->len, f) != out->len) {
        lg_error_noloc(d, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (f != NULL && fclose(f) != 0 && rc == 0) {
        lg_error_noloc(d, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

int lg_strip_stamp(const char *path, lg_diag *d)
{
    lg_arena a = {0};
    size_t len = 0;
    char *s = read_whole(&a, path, &len, d);
    if (s == NULL) {
        lg_arena_free(&a);
        return -1;
    }
    lg_sb out = {0};
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - s) + 1 : len;
        if (strncmp(s + i, "SOAP_SOURCE_STAMP(", 18) != 0)
            lg_sb_putn(&out, s + i, end - i);
        i = end;
    }
    int rc = write_whole(path, &out, d);
    lg_sb_free(&out);
    lg_arena_free(&a);
    return rc;
}

int lg_use_ladon_end_recv(const char *path, lg_diag *d)
{
    static const char inc[] = "#include \"soapH.h\"\n", call[] = "soap_end_recv(soap)",
                      serve[] = "SOAP_FMAC5 int SOAP_FMAC6 soap_serve_",
                      request[] = "SOAP_FMAC5 int SOAP_FMAC6 soap_serve_request(";
    lg_arena a = {0};
    size_t len = 0, calls = 0, ops = 0, incs = 0;
    char *s = read_whole(&a, path, &len, d);
    if (s == NULL) {
        lg_arena_free(&a);
        return -1;
    }
    lg_sb out = {0};
    for (size_t i = 0; i < len;) {
        if (strncmp(s + i, inc, sizeof inc - 1) == 0 && (i == 0 || s[i - 1] == '\n')) {
            lg_sb_printf(&out, "%s#include \"ladon/service.h\" /* ladon_end_recv (ladon-gen) */\n",
                         inc);
            i += sizeof inc - 1;
            incs++;
        } else if (strncmp(s + i, call, sizeof call - 1) == 0 &&
                   (i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'))) {
            lg_sb_printf(&out, "ladon_end_recv(soap)");
            i += sizeof call - 1;
            calls++;
        } else {
            if ((i == 0 || s[i - 1] == '\n') && strncmp(s + i, serve, sizeof serve - 1) == 0 &&
                strncmp(s + i, request, sizeof request - 1) != 0)
                ops++;
            lg_sb_putn(&out, s + i, 1);
            i++;
        }
    }
    int rc = 0;
    if (incs != 1 || calls != ops) {
        lg_error_noloc(d, "%s is not what ladon-gen expects of soapcpp2: %zu soap_end_recv calls for "
                       "%zu operations, %zu #include \"soapH.h\"", path, calls, ops, incs);
        rc = -1;
    }
    if (rc == 0)
        rc = write_whole(path, &out, d);
    lg_sb_free(&out);
    lg_arena_free(&a);
    return rc;
}
