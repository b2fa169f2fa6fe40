/* ladon-wsdl-check FILE.wsdl...: check WSDL files (see ladon_wsdl.h for the rules).
 * Each error is printed as `FILE: error: RULE: DETAIL` on stderr. Exit status: 0 when every
 * file passes, 1 when any error was found, 2 on a usage error. */
#include "ladon_wsdl.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

static void print_error(void *user, const char *rule, long line, const char *detail)
{
    const char *file = user;
    if (line > 0)
        fprintf(stderr, "%s: error: %s: %s (line %ld)\n", file, rule, detail, line);
    else
        fprintf(stderr, "%s: error: %s: %s\n", file, rule, detail);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: ladon-wsdl-check [-v|--verbose] FILE.wsdl...\n"
               "Checks that each WSDL is well-formed, that its schemas compile and that it\n"
               "follows the WS-I Basic Profile 1.1 rules for document/literal SOAP 1.1, and\n"
               "that every task method m has its m_progress, m_result, m_cancel and m_wait\n"
               "operations and the task types (TaskProgressResponse with state, TaskState).\n"
               "Errors are printed as 'FILE: error: RULE: DETAIL'; exit status 1 on any error.\n");
}

int main(int argc, char **argv)
{
    bool verbose = false;
    bool opts_done = false;
    int files = 0;
    int status = 0;
    xmlInitParser();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && a[0] == '-' && a[1] != '\0') {
            if (strcmp(a, "--") == 0) {
                opts_done = true;
            } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
                verbose = true;
            } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
                usage(stdout);
                return 0;
            } else {
                fprintf(stderr, "ladon-wsdl-check: unknown option '%s'\n", a);
                usage(stderr);
                return 2;
            }
            continue;
        }
        files++;
        int n = ladon_wsdl_check_file(a, print_error, (void *)a);
        if (n != 0)
            status = 1;
        else if (verbose)
            printf("%s: ok\n", a);
    }
    if (files == 0) {
        usage(stderr);
        return 2;
    }
    xmlCleanupParser();
    return status;
}
