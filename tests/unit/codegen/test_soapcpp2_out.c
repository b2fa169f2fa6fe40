/* test_soapcpp2_out.c - CUnit suite for what ladon-gen does to soapcpp2's
 * output (codegen/run_soapcpp2.c): soapServer.c's operations end reading
 * with ladon_end_recv(), and output of another shape is refused.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cunit_main.h"
#include "run_soapcpp2.h"

/* Writes text to a new temporary file; its path (static) or NULL. */
static const char *temp_with(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/lg-soapserver-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    size_t n = strlen(text);
    ssize_t w = write(fd, text, n);
    close(fd);
    return w == (ssize_t)n ? path : NULL;
}

static char *contents(const char *path)
{
    lg_arena a = {0};
    size_t len = 0;
    char *s = lg_read_file(&a, path, &len), *copy = s ? strdup(s) : NULL;
    lg_arena_free(&a);
    return copy;
}

/* The shape soapcpp2 2.8.124 writes (two operations). */
static const char SERVER[] =
    "#include \"soapH.h\"\n\n"
    "SOAP_FMAC5 int SOAP_FMAC6 soap_serve(struct soap *soap)\n{ return soap_serve_request(soap); }\n"
    "SOAP_FMAC5 int SOAP_FMAC6 soap_serve_request(struct soap *soap)\n{ return 0; }\n"
    "SOAP_FMAC5 int SOAP_FMAC6 soap_serve_a__x(struct soap *soap)\n{\n"
    "\tif (soap_body_end_in(soap)\n\t || soap_envelope_end_in(soap)\n"
    "\t || soap_end_recv(soap))\n\t\treturn soap->error;\n}\n"
    "static int f(struct soap *soap) { return my_soap_end_recv(soap); }\n"
    "SOAP_FMAC5 int SOAP_FMAC6 soap_serve_a__y(struct soap *soap)\n{\n"
    "\tif (soap_body_end_in(soap)\n\t || soap_envelope_end_in(soap)\n"
    "\t || soap_end_recv(soap))\n\t\treturn soap->error;\n}\n";

static void test_rewrite(void)
{
    const char *path = temp_with(SERVER);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    lg_diag d = {0};
    CU_ASSERT_EQUAL(lg_use_ladon_end_recv(path, &d), 0);
    char *out = contents(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NULL(strstr(out, "\t || soap_end_recv"));
    const char *first = strstr(out, "ladon_end_recv(soap))");
    CU_ASSERT(first != NULL && strstr(first + 1, "ladon_end_recv(soap))") != NULL);
    CU_ASSERT(strncmp(out, "#include \"soapH.h\"\n#include \"ladon/service.h\"", 44) == 0);
    /* a name that only ends like it is not a call of it */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "return my_soap_end_recv(soap);"));
    free(out);
    unlink(path);
}

static void test_other_shapes(void)
{
    /* an operation that does not end with soap_end_recv(soap) */
    char *odd = strdup(SERVER);
    CU_ASSERT_PTR_NOT_NULL_FATAL(odd);
    char *second = strstr(strstr(odd, "|| soap_end_recv(soap)") + 1, "|| soap_end_recv(soap)");
    CU_ASSERT_PTR_NOT_NULL_FATAL(second);
    memcpy(second + 3, "soap_end_xxxx", 13);
    const char *path = temp_with(odd);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    lg_diag d = {0};
    CU_ASSERT_EQUAL(lg_use_ladon_end_recv(path, &d), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.text, "1 soap_end_recv calls for 2 operations"));
    char *after = contents(path);
    CU_ASSERT(after != NULL && strcmp(after, odd) == 0); /* left as it was */
    free(after);
    unlink(path);
    free(odd);
    /* no #include "soapH.h" */
    path = temp_with(strchr(SERVER, '\n') + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    lg_diag d2 = {0};
    CU_ASSERT_EQUAL(lg_use_ladon_end_recv(path, &d2), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(d2.text, "0 #include \"soapH.h\""));
    unlink(path);
    /* a file that is not there */
    lg_diag d3 = {0};
    CU_ASSERT_EQUAL(lg_use_ladon_end_recv("/nonexistent/soapServer.c", &d3), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(d3.text, "cannot read"));
}

int main(void)
{
    static const lg_test tests[] = {
        {"operations end with ladon_end_recv", test_rewrite},
        {"output of another shape is refused", test_other_shapes},
        {NULL, NULL},
    };
    return lg_run_suite("soapcpp2_out", tests);
}
