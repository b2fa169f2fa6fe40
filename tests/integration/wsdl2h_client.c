/* A C client generated from the served Calculator WSDL by gSOAP's own tools:
 *     wsdl2h -c -t typemap.dat  (typemap.dat: calc = "urn:ladon:examples:calculator")
 *     soapcpp2 -C -c -L -x
 * built and run by test_wsdl2h_client.py. Calls add, echo, a fault and inspect and checks every
 * value exactly; exits 0 when every check passes, 1 otherwise.
 *
 * usage: wsdl2h_client ENDPOINT      (e.g. http://127.0.0.1:PORT/Calculator)
 *
 * The names below (calc__Record, big_USCOREplus_USCOREone, __sizetags, ...) are wsdl2h's, stable
 * with the typemap above. How wsdl2h names a response depends on the WSDL, and all forms are
 * handled at compile time:
 *   - a response element with a named complexType -> struct calc__addResponse
 *   - a response element with an anonymous type   -> struct _calc__addResponse
 *   - gSOAP's own convention for a struct result  -> the result struct itself (calc__Inspection)
 *   - a required scalar result is a value (int result), an optional one a pointer (int *result)
 */
#include "soapH.h"
#include "Calculator.nsmap"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(SOAP_TYPE_calc__addResponse)
typedef struct calc__addResponse add_response;
#else
typedef struct _calc__addResponse add_response;
#endif
#if defined(SOAP_TYPE_calc__echoResponse)
typedef struct calc__echoResponse echo_response;
#else
typedef struct _calc__echoResponse echo_response;
#endif
#if defined(SOAP_TYPE_calc__inspectResponse)
typedef struct calc__inspectResponse inspect_response;
#define INSPECT_WRAPPED 1
#elif defined(SOAP_TYPE__calc__inspectResponse)
typedef struct _calc__inspectResponse inspect_response;
#define INSPECT_WRAPPED 1
#else
typedef struct calc__Inspection inspect_response;
#define INSPECT_WRAPPED 0
#endif

/* An int member that is either `int` (required) or `int *` (optional): 1 when present. */
static int int_from_ptr(const int *p, int *out)
{
    if (p == NULL)
        return 0;
    *out = *p;
    return 1;
}

static int int_from_value(int v, int *out)
{
    *out = v;
    return 1;
}

#define GET_INT(member, out) _Generic((member), int *: int_from_ptr, default: int_from_value)((member), (out))

#if INSPECT_WRAPPED
/* A struct member that is either `struct calc__Inspection *` or `struct calc__Inspection`. */
static struct calc__Inspection *inspection_from_pp(struct calc__Inspection **pp)
{
    return *pp;
}

static struct calc__Inspection *inspection_from_p(struct calc__Inspection *p)
{
    return p;
}

#define INSPECTION_OF(member)                                                                     \
    _Generic((member), struct calc__Inspection *: inspection_from_pp,                             \
             default: inspection_from_p)(&(member))
#endif

static int passed;
static int failed;

static void ok(const char *what, int cond, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void ok(const char *what, int cond, const char *fmt, ...)
{
    if (cond) {
        passed++;
        printf("ok   %s\n", what);
        return;
    }
    failed++;
    printf("FAIL %s", what);
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        printf(": ");
        vprintf(fmt, ap);
        va_end(ap);
    }
    printf("\n");
}

static void same_int(const char *what, long long got, long long expected)
{
    ok(what, got == expected, "got %lld, expected %lld", got, expected);
}

static void same_str(const char *what, const char *got, const char *expected)
{
    ok(what, got != NULL && strcmp(got, expected) == 0, "got %s%s%s, expected \"%s\"",
       got ? "\"" : "", got ? got : "NULL", got ? "\"" : "", expected);
}

static int call_ok(struct soap *soap, const char *what)
{
    if (soap->error == SOAP_OK)
        return 1;
    char buf[1024];
    soap_sprint_fault(soap, buf, sizeof buf);
    ok(what, 0, "SOAP error %d: %s", soap->error, buf);
    return 0;
}

static const char *level_name(enum calc__Level l)
{
    switch (l) {
    case calc__Level__LEVEL_USCORELOW: return "LEVEL_LOW";
    case calc__Level__LEVEL_USCOREMEDIUM: return "LEVEL_MEDIUM";
    case calc__Level__LEVEL_USCOREHIGH: return "LEVEL_HIGH";
    }
    return "?";
}

static void test_add(struct soap *soap, const char *url, int a, int b, int expected)
{
    char what[128];
    snprintf(what, sizeof what, "add(%d, %d)", a, b);
    struct _calc__add req = { .a = a, .b = b };
    add_response resp;
    memset(&resp, 0, sizeof resp);
    soap_call___calc__add(soap, url, NULL, &req, &resp);
    if (call_ok(soap, what)) {
        int value = 0;
        int present = GET_INT(resp.result, &value);
        ok(what, present && value == expected, "got %s%d, expected %d",
           present ? "" : "(absent) ", value, expected);
    }
    soap_destroy(soap);
    soap_end(soap);
}

static void test_echo(struct soap *soap, const char *url, const char *label, const char *text)
{
    char what[128];
    snprintf(what, sizeof what, "echo %s", label);
    struct _calc__echo req = { .text = (char *)text };
    echo_response resp;
    memset(&resp, 0, sizeof resp);
    soap_call___calc__echo(soap, url, NULL, &req, &resp);
    if (call_ok(soap, what))
        same_str(what, resp.result, text);
    soap_destroy(soap);
    soap_end(soap);
}

static void test_fault(struct soap *soap, const char *url)
{
    struct _calc__add req = { .a = 2147483647, .b = 1 };
    add_response resp;
    memset(&resp, 0, sizeof resp);
    soap_call___calc__add(soap, url, NULL, &req, &resp);
    /* gSOAP reports a received fault as SOAP_CLI_FAULT or SOAP_SVR_FAULT when the faultcode is
     * Client or Server, else SOAP_FAULT. */
    int fault = soap->error == SOAP_FAULT || soap->error == SOAP_CLI_FAULT
                || soap->error == SOAP_SVR_FAULT;
    ok("add overflow is a SOAP Fault", fault, "error %d", soap->error);
    if (fault) {
        same_int("overflow fault is reported as SOAP_CLI_FAULT", soap->error, SOAP_CLI_FAULT);
        const char **code = soap_faultcode(soap);
        const char *c = code != NULL ? *code : NULL;
        const char *colon = c != NULL ? strrchr(c, ':') : NULL;
        const char *local = colon != NULL ? colon + 1 : c;
        ok("overflow fault code is Client", local != NULL && strcmp(local, "Client") == 0,
           "got %s", c ? c : "NULL");
        same_str("overflow fault text", soap_fault_string(soap), "integer overflow: 2147483647 + 1");
    }
    soap_destroy(soap);
    soap_end(soap);
}

static void test_inspect(struct soap *soap, const char *url)
{
    static const char title[] = "Gr\xc3\xbc\xc3\x9f" "e <&> \"' \xe6\xbc\xa2\xe5\xad\x97 \xf0\x9f\x98\x80";
    unsigned char bytes[256];
    for (int i = 0; i < 256; i++)
        bytes[i] = (unsigned char)i;
    int limit = 21;
    struct calc__Point origin = { 10, -20 };
    struct calc__Point target = { 3, 4 };
    int values[] = { 1, 2, 3, -10 };
    char *tags[] = { "first", "Zweite \xc3\xbc", "<third>" };
    struct calc__Point points[] = { { 1, 2 }, { -3, 4 } };
    enum calc__Level levels[] = { calc__Level__LEVEL_USCORELOW, calc__Level__LEVEL_USCOREHIGH,
                                  calc__Level__LEVEL_USCOREMEDIUM };
    struct calc__Record rec;
    memset(&rec, 0, sizeof rec);
    rec.title = (char *)title;
    rec.note = "a note";
    rec.count = 7;
    rec.big = INT64_MAX - 1;
    rec.ratio = 0.1;
    rec.enabled = xsd__boolean__true_;
    rec.level = calc__Level__LEVEL_USCOREHIGH;
    rec.when = 1709123696; /* 2024-02-28T12:34:56Z */
    rec.payload.__ptr = bytes;
    rec.payload.__size = 256;
    rec.limit = &limit;
    rec.origin = &origin;
    rec.target = &target;
    rec.__sizevalues = 4;
    rec.values = values;
    rec.__sizetags = 3;
    rec.tags = tags;
    rec.__sizepoints = 2;
    rec.points = points;
    rec.__sizelevels = 3;
    rec.levels = levels;
    struct _calc__inspect req = { .record = &rec };

    inspect_response resp;
    memset(&resp, 0, sizeof resp);
    soap_call___calc__inspect(soap, url, NULL, &req, &resp);
#if INSPECT_WRAPPED
    struct calc__Inspection *r = INSPECTION_OF(resp.result);
#else
    struct calc__Inspection *r = &resp;
#endif
    if (!call_ok(soap, "inspect full record"))
        goto out;
    ok("inspect: result present", r != NULL, NULL);
    if (r == NULL)
        goto out;
    same_str("inspect: title", r->title, title);
    same_str("inspect: note", r->note, "a note");
    same_int("inspect: big_plus_one", r->big_USCOREplus_USCOREone, INT64_MAX);
    ok("inspect: half_ratio", r->half_USCOREratio == 0.05, "got %.17g", r->half_USCOREratio);
    ok("inspect: not_enabled", r->not_USCOREenabled == xsd__boolean__false_, "got %d",
       (int)r->not_USCOREenabled);
    same_str("inspect: next_level", level_name(r->next_USCORElevel), "LEVEL_LOW");
    same_int("inspect: next_day", (long long)r->next_USCOREday, 1709123696LL + 86400);
    int rev_ok = r->reversed.__size == 256 && r->reversed.__ptr != NULL;
    for (int i = 0; rev_ok && i < 256; i++)
        rev_ok = r->reversed.__ptr[i] == (unsigned char)(255 - i);
    ok("inspect: reversed", rev_ok, "size %d", r->reversed.__size);
    ok("inspect: limit_doubled", r->limit_USCOREdoubled != NULL && *r->limit_USCOREdoubled == 42,
       "got %s%d", r->limit_USCOREdoubled ? "" : "(absent) ",
       r->limit_USCOREdoubled ? *r->limit_USCOREdoubled : 0);
    ok("inspect: moved", r->moved != NULL && r->moved->x == 11 && r->moved->y == -19,
       "got %s (%d, %d)", r->moved ? "" : "(absent)", r->moved ? r->moved->x : 0,
       r->moved ? r->moved->y : 0);
    ok("inspect: target", r->target != NULL && r->target->x == 3 && r->target->y == 4,
       "got %s (%d, %d)", r->target ? "" : "(absent)", r->target ? r->target->x : 0,
       r->target ? r->target->y : 0);
    same_int("inspect: values_sum", r->values_USCOREsum, -4);
    same_int("inspect: number of tags", r->__sizetags, 3);
    if (r->__sizetags == 3 && r->tags != NULL) {
        same_str("inspect: tags[0]", r->tags[0], "<third>");
        same_str("inspect: tags[1]", r->tags[1], "Zweite \xc3\xbc");
        same_str("inspect: tags[2]", r->tags[2], "first");
    }
    same_int("inspect: number of points", r->__sizepoints, 2);
    if (r->__sizepoints == 2 && r->points != NULL) {
        ok("inspect: points", r->points[0].x == 2 && r->points[0].y == 1
                                  && r->points[1].x == 4 && r->points[1].y == -3,
           "got (%d, %d), (%d, %d)", r->points[0].x, r->points[0].y, r->points[1].x,
           r->points[1].y);
    }
    same_int("inspect: number of levels", r->__sizelevels, 3);
    if (r->__sizelevels == 3 && r->levels != NULL) {
        same_str("inspect: levels[0]", level_name(r->levels[0]), "LEVEL_LOW");
        same_str("inspect: levels[1]", level_name(r->levels[1]), "LEVEL_HIGH");
        same_str("inspect: levels[2]", level_name(r->levels[2]), "LEVEL_MEDIUM");
    }
out:
    soap_destroy(soap);
    soap_end(soap);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s ENDPOINT\n", argv[0]);
        return 2;
    }
    const char *url = argv[1];
    /* SOAP_C_UTFSTRING: char * holds UTF-8 as is (without it gSOAP maps non-ASCII to
     * Latin-1 or character references). */
    struct soap *soap = soap_new1(SOAP_C_UTFSTRING);
    if (soap == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    soap->connect_timeout = 15;
    soap->send_timeout = 15;
    soap->recv_timeout = 15;

    test_add(soap, url, 2, 3, 5);
    test_add(soap, url, -7, 7, 0);
    test_echo(soap, url, "ascii", "hello, world");
    test_echo(soap, url, "xml specials", "<a&b>\"'");
    test_echo(soap, url, "unicode",
              "Gr\xc3\xbc\xc3\x9f" "e, \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, "
              "\xe6\xbc\xa2\xe5\xad\x97, emoji \xf0\x9f\x98\x80");
    test_echo(soap, url, "empty", "");
    test_fault(soap, url);
    test_add(soap, url, 40, 2, 42);
    test_inspect(soap, url);

    soap_free(soap);
    if (failed) {
        printf("wsdl2h client: %d of %d checks FAILED\n", failed, passed + failed);
        return 1;
    }
    printf("wsdl2h client: all %d checks passed\n", passed);
    return 0;
}
