/* ladon-gen - generates the gSOAP binding, glue and WSDLs of annotated
 * service headers (docs/internals.md, docs/annotations.md).
 *
 *   ladon-gen --name NAME --outdir DIR [--soapcpp2 PATH] [--import-dir DIR] HEADER.h...
 *   ladon-gen --check HEADER.h...
 *
 * Output is atomic: everything is written into a fresh temporary folder
 * inside DIR and renamed into place only when all of it succeeded; on any
 * error (or exit) the temporary folder is removed, so DIR never holds half a
 * generation.  Exit status: 0 success, 1 error in a header or while
 * generating, 2 usage error. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"
#include "model.h"
#include "names.h"
#include "run_soapcpp2.h"
#include "util.h"

static char g_tmpdir[PATH_MAX]; /* non-empty while a temporary folder exists */

static void remove_tmpdir(void)
{
    if (g_tmpdir[0] == '\0')
        return;
    DIR *dir = opendir(g_tmpdir);
    if (dir != NULL) {
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[PATH_MAX];
            if (snprintf(path, sizeof path, "%s/%s", g_tmpdir, e->d_name) < (int)sizeof path &&
                unlink(path) != 0)
                fprintf(stderr, "ladon-gen: warning: cannot remove %s: %s\n", path, strerror(errno));
        }
        closedir(dir);
    }
    if (rmdir(g_tmpdir) != 0 && errno != ENOENT)
        fprintf(stderr, "ladon-gen: warning: cannot remove %s: %s\n", g_tmpdir, strerror(errno));
    g_tmpdir[0] = '\0';
}

static void usage(FILE *f)
{
    fputs("usage: ladon-gen --name NAME --outdir DIR [--soapcpp2 PATH] [--import-dir DIR] HEADER.h...\n"
          "       ladon-gen --check HEADER.h...\n"
          "Generates one gSOAP binding for the services of the annotated headers:\n"
          "NAME.gsoap.h, NAME_types.h, soapStub.h, soapH.h, soapC.c, soapServer.c,\n"
          "NAME_ladon.c, NAME_ladon.h and SERVICE.wsdl per service (docs/annotations.md).\n"
          "  --name NAME        binding name (a C identifier): ladon_binding_NAME\n"
          "  --outdir DIR       output folder (created with its parents if missing)\n"
          "  --soapcpp2 PATH    the soapcpp2 to run (default: soapcpp2 from PATH)\n"
          "  --import-dir DIR   passed to soapcpp2 as -I DIR\n"
          "  --check            parse and validate only; write nothing\n"
          "  --help, --version\n",
          f);
}

/* mkdir -p: 0, or -1 with errno. */
static int mkdir_p(const char *dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static int write_file(const char *dir, const char *name, const lg_sb *content, lg_diag *d)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return lg_error_noloc(d, "path too long: %s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return lg_error_noloc(d, "cannot create %s: %s", path, strerror(errno));
    const char *p = lg_sb_str(content);
    size_t left = content->len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            close(fd);
            return lg_error_noloc(d, "cannot write %s: %s", path, strerror(err));
        }
        p += n;
        left -= (size_t)n;
    }
    if (close(fd) != 0)
        return lg_error_noloc(d, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

/* Generates everything into g_tmpdir, then renames the outputs into outdir. */
static int generate(lg_model *m, const char *name, const char *outdir, const char *soapcpp2, const char *import_dir,
                    lg_diag *d)
{
    lg_arena a = {0};
    int rc = -1;
    lg_sb gsoap = {0}, types = {0}, glue_c = {0}, glue_h = {0};
    const char **wsdls = lg_alloc(&a, m->n_services * sizeof *wsdls);

    if (mkdir_p(outdir) != 0) {
        lg_error_noloc(d, "cannot create %s: %s", outdir, strerror(errno));
        goto out;
    }
    if (snprintf(g_tmpdir, sizeof g_tmpdir, "%s/.ladon-gen-XXXXXX", outdir) >= (int)sizeof g_tmpdir) {
        g_tmpdir[0] = '\0';
        lg_error_noloc(d, "path too long: %s", outdir);
        goto out;
    }
    if (mkdtemp(g_tmpdir) == NULL) {
        lg_error_noloc(d, "cannot create a temporary folder in %s: %s", outdir, strerror(errno));
        g_tmpdir[0] = '\0';
        goto out;
    }

    const char *gsoap_name = lg_printf(&a, "%s.gsoap.h", name);
    lg_emit_gsoap(&gsoap, m, name);
    lg_emit_types_h(&types, m, name);
    if (write_file(g_tmpdir, gsoap_name, &gsoap, d) < 0 ||
        write_file(g_tmpdir, lg_printf(&a, "%s_types.h", name), &types, d) < 0)
        goto out;
    if (lg_run_soapcpp2(soapcpp2, g_tmpdir, gsoap_name, import_dir, d) < 0)
        goto out;
    if (lg_strip_stamp(lg_printf(&a, "%s/soapC.c", g_tmpdir), d) < 0 ||
        lg_strip_stamp(lg_printf(&a, "%s/soapServer.c", g_tmpdir), d) < 0 ||
        lg_use_ladon_end_recv(lg_printf(&a, "%s/soapServer.c", g_tmpdir), d) < 0)
        goto out;
    /* each service's own WSDL (soapcpp2 ran with -w: it writes none) */
    for (size_t i = 0; i < m->n_services; i++) {
        lg_sb wsdl = {0};
        lg_emit_wsdl(&wsdl, m->services[i]);
        wsdls[i] = lg_strndup(&a, lg_sb_str(&wsdl), wsdl.len);
        int wrc = write_file(g_tmpdir, lg_name_wsdl_file(&a, m->services[i]), &wsdl, d);
        lg_sb_free(&wsdl);
        if (wrc < 0)
            goto out;
    }
    if (lg_emit_glue_c(&glue_c, m, name, wsdls, d) < 0)
        goto out;
    lg_emit_glue_h(&glue_h, m, name);
    if (write_file(g_tmpdir, lg_printf(&a, "%s_ladon.c", name), &glue_c, d) < 0 ||
        write_file(g_tmpdir, lg_printf(&a, "%s_ladon.h", name), &glue_h, d) < 0)
        goto out;

    /* every output exists: move them into place */
    const char **outs = NULL;
    size_t n_outs = 0, cap_outs = 0;
    const char *fixed[] = {gsoap_name, lg_printf(&a, "%s_types.h", name), "soapStub.h", "soapH.h", "soapC.c",
                           "soapServer.c", lg_printf(&a, "%s_ladon.c", name), lg_printf(&a, "%s_ladon.h", name)};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        *LG_PUSH(&a, outs, n_outs, cap_outs) = fixed[i];
    for (size_t i = 0; i < m->n_services; i++)
        *LG_PUSH(&a, outs, n_outs, cap_outs) = lg_name_wsdl_file(&a, m->services[i]);
    for (size_t i = 0; i < n_outs; i++) {
        const char *from = lg_printf(&a, "%s/%s", g_tmpdir, outs[i]);
        struct stat st;
        if (stat(from, &st) != 0) {
            lg_error_noloc(d, "soapcpp2 wrote no %s: %s", outs[i], strerror(errno));
            goto out;
        }
    }
    for (size_t i = 0; i < n_outs; i++) {
        const char *from = lg_printf(&a, "%s/%s", g_tmpdir, outs[i]);
        const char *to = lg_printf(&a, "%s/%s", outdir, outs[i]);
        if (rename(from, to) != 0) {
            int err = errno;
            /* do not leave a mix of old and new files */
            for (size_t k = 0; k < i; k++)
                unlink(lg_printf(&a, "%s/%s", outdir, outs[k]));
            lg_error_noloc(d, "cannot rename %s to %s: %s", from, to, strerror(err));
            goto out;
        }
    }
    rc = 0;
out:
    remove_tmpdir();
    lg_sb_free(&gsoap);
    lg_sb_free(&types);
    lg_sb_free(&glue_c);
    lg_sb_free(&glue_h);
    lg_arena_free(&a);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},
        {"outdir", required_argument, NULL, 'o'},
        {"soapcpp2", required_argument, NULL, 's'},
        {"import-dir", required_argument, NULL, 'I'},
        {"check", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *name = NULL, *outdir = NULL, *soapcpp2 = "soapcpp2", *import_dir = NULL;
    bool check = false;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': name = optarg; break;
        case 'o': outdir = optarg; break;
        case 's': soapcpp2 = optarg; break;
        case 'I': import_dir = optarg; break;
        case 'c': check = true; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("ladon-gen %s\n", LADON_GEN_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        fputs("ladon-gen: no header given\n", stderr);
        usage(stderr);
        return 2;
    }
    if (!check && (name == NULL || outdir == NULL)) {
        fputs("ladon-gen: --name and --outdir are required (or --check)\n", stderr);
        usage(stderr);
        return 2;
    }
    if (name != NULL && (!lg_name_is_ident(name) || strlen(name) > 64)) {
        fprintf(stderr, "ladon-gen: --name '%s' must be a C identifier (it names ladon_binding_NAME)\n", name);
        return 2;
    }
    if (atexit(remove_tmpdir) != 0) {
        fputs("ladon-gen: error: atexit failed\n", stderr);
        return 1;
    }

    lg_model m;
    lg_model_init(&m);
    lg_diag d = {0};
    int rc = 0;
    for (int i = optind; i < argc && rc == 0; i++)
        rc = lg_model_add_file(&m, argv[i], &d);
    if (rc == 0)
        rc = lg_model_validate(&m, &d);
    if (rc == 0 && !check)
        rc = generate(&m, name, outdir, soapcpp2, import_dir, &d);
    if (rc != 0)
        fprintf(stderr, "%s\n", d.text);
    lg_model_free(&m);
    return rc == 0 ? 0 : 1;
}
