/* test_browser.c - the service browser's pages (framework/src/browser.c): what they show,
 * how they escape, the JSON model the script reads, and the headers the router sends with
 * them.  The real pages in a real browser: tests/integration/test_browser.py. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "browser.h"
#include "browser/browser_assets.h"
#include "router.h"
#include "rt_cunit.h"
#include "rt_ladon.h"

static char *page_of(const ladon_service *s, const char *addr)
{
    ladon__buf b = {0};
    CU_ASSERT_EQUAL_FATAL(ladon__browser_service(s, addr, &b), 0);
    CU_ASSERT_FATAL(ladon__buf_append(&b, "", 1) == 0);
    return b.p;
}

static const ladon_service *service(const char *name)
{
    for (size_t i = 0; i < ladon_binding_rt.n_services; i++)
        if (strcmp(ladon_binding_rt.services[i]->name, name) == 0)
            return ladon_binding_rt.services[i];
    CU_FAIL_FATAL("no such service");
    return NULL;
}

/* The text between <script type="application/json" id="ladon-model"> and </script>. */
static char *model_of(const char *page)
{
    const char *open = "<script type=\"application/json\" id=\"ladon-model\">";
    const char *a = strstr(page, open), *b;
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    a += strlen(open);
    b = strstr(a, "</script>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    return strndup(a, (size_t)(b - a));
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_service_page(void)
{
    char *p = page_of(service("Test"), "http://h/Test");
    char *m = model_of(p);
    /* the service's documentation, escaped; the WSDL link; one article per operation */
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "<p class=\"doc\">A &lt;test&gt; service &amp; more</p>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "<a class=\"wsdl\" href=\"http://h/Test?wsdl\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "<article class=\"op\" id=\"op-add\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "<p class=\"doc\">Returns a + b.</p>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "<tr><td><code>a</code></td><td><code>xsd:int</code></td><td>required</td>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "<div class=\"try\" data-op=\"fail\"></div>"));
    /* no tasks, no types: no such sections */
    CU_ASSERT_PTR_NULL(strstr(p, "id=\"tasks\""));
    CU_ASSERT_PTR_NULL(strstr(p, "id=\"types\""));
    /* the model */
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "{\"service\":\"Test\",\"namespace\":\"urn:ladon:test\",\"prefix\":"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "{\"name\":\"add\",\"kind\":\"method\",\"task\":null,\"params\":[{\"name\":\"a\","
                                     "\"xml\":\"xsd:int\",\"kind\":\"int\",\"occurs\":\"one\",\"type\":null},"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "\"types\":{}}"));
    /* the script and stylesheet inline, exactly the hashed texts */
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "<style>/* The service browser's stylesheet"));
    CU_ASSERT_EQUAL(count(p, "<script"), 2);
    {
        const char *s = strstr(p, "</script>\n<script>");
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        s += strlen("</script>\n<script>");
        CU_ASSERT_EQUAL(strncmp(s, ladon__browser_js, strlen(ladon__browser_js)), 0);
        CU_ASSERT_EQUAL(strcmp(s + strlen(ladon__browser_js), "</script>\n</body></html>\n"), 0);
    }
    free(m);
    free(p);
}

/* Other's doc comments try to break out: a script element in ping's, the end of a textarea
 * and of a script in its parameter's. */
static void test_escaping(void)
{
    char *p = page_of(service("Other"), "http://h/Other?a=<b>&c='d'");
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "Returns x. &lt;script&gt;window.__injected.push(&#39;doc&#39;)&lt;/script&gt;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "any value&lt;/textarea&gt;&lt;/script&gt;&lt;b id=&quot;evil&quot;&gt;x&lt;/b&gt;"));
    CU_ASSERT_PTR_NULL(strstr(p, "<b id"));
    CU_ASSERT_EQUAL(count(p, "<script"), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "href=\"http://h/Other?a=&lt;b&gt;&amp;c=&#39;d&#39;?wsdl\""));
    free(p);
}

/* Hand-made tables with what ladon-gen never writes: text that is not UTF-8, controls, and
 * names that would end the model's script element. */
static const ladon_enum_value bad_values[] = {{"A</script><script>alert(1)//", "\xff\x01ok\xc3\xa9"}};
static const ladon_type_info bad_type = {"Bad", "doc \xe2\x80", LADON_VALUE_ENUM, NULL, 0, bad_values, 1};
static const ladon_type_info *const bad_types[] = {&bad_type};
static const ladon_member_info bad_params[] = {
    {"p\"q\\r", "x:Bad", LADON_VALUE_ENUM, LADON_OCCURS_MANY, &bad_type, "<!-- \xed\xa0\x80 -->"},
};
static const ladon_op_info bad_info = {"op & doc\x7f", bad_params, 1,
                                       {"result", "xsd:string", LADON_VALUE_STRING, LADON_OCCURS_OPTIONAL, NULL, ""}};
static const ladon_operation bad_ops[] = {{"op", "x:op", NULL, LADON_OP_METHOD, NULL, &bad_info}};
static const ladon_service bad_service = {"Bad", "x", "urn:x<y", "\xc0\xafservice", "", "", bad_ops, 1, NULL,
                                          bad_types, 1};

static void test_hostile_tables(void)
{
    char *p = page_of(&bad_service, "http://h/Bad");
    char *m = model_of(p);
    /* not UTF-8 (a lone 0xFF, an overlong '/', a cut sequence, a surrogate) and controls
     * become U+FFFD; DEL is not an XML character in HTML text either (a C1/C0 control) */
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "<p class=\"doc\">\xef\xbf\xbd\xef\xbf\xbdservice</p>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "\xef\xbf\xbd\xef\xbf\xbdok\xc3\xa9"));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "doc \xef\xbf\xbd\xef\xbf\xbd"));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "&lt;!-- \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd --&gt;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "<p class=\"doc\">op &amp; doc\xef\xbf\xbd</p>"));
    /* in the model, < > & and quotes are escapes: nothing can end the element */
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "\"values\":[\"A\\u003c/script\\u003e\\u003cscript\\u003ealert(1)//\"]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "\"namespace\":\"urn:x\\u003cy\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "{\"name\":\"p\\\"q\\\\r\",\"xml\":\"x:Bad\",\"kind\":\"enum\",\"occurs\":\"many\","
                                     "\"type\":\"Bad\"}"));
    CU_ASSERT_PTR_NULL(strchr(m, '<'));
    CU_ASSERT_EQUAL(count(p, "<script"), 2);
    free(m);
    free(p);
}

static void test_home(void)
{
    const char *addrs[] = {"http://h/Test", "http://h/Other"};
    ladon__buf b = {0};
    CU_ASSERT_EQUAL_FATAL(ladon__browser_home(&ladon_binding_rt, addrs, &b), 0);
    CU_ASSERT_FATAL(ladon__buf_append(&b, "", 1) == 0);
    /* ladon-call's contract (docs/ladon-call.md): every service's <a href="...?wsdl"> */
    CU_ASSERT_PTR_NOT_NULL(strstr(b.p, "<a class=\"service\" href=\"http://h/Test\">Test</a> "
                                       "<a class=\"wsdl\" href=\"http://h/Test?wsdl\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.p, "<a class=\"wsdl\" href=\"http://h/Other?wsdl\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.p, "A &lt;test&gt; service &amp; more"));
    CU_ASSERT_PTR_NULL(strstr(b.p, "<script"));
    ladon__buf_free(&b);
}

/* The router serves the pages with a policy that lets only their own script and stylesheet
 * run, and only talk to this server. */
static void test_route_headers(void)
{
    ladon__router r = {&ladon_binding_rt, "", {0}};
    ladon__http_req q;
    ladon__route_result res;
    struct sockaddr_in sin = {.sin_family = AF_INET};
    const char *req[] = {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", "GET /Test HTTP/1.1\r\nHost: h\r\n\r\n",
                         "GET /Test?html HTTP/1.1\r\nHost: h\r\n\r\n"};
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
        CU_ASSERT_FATAL(ladon__http_parse_head(req[i], strlen(req[i]), &q) > 0);
        CU_ASSERT_EQUAL_FATAL(ladon__route(&r, &q, (struct sockaddr *)&sin, "l:1", &res), 0);
        CU_ASSERT_EQUAL(res.status, 200);
        CU_ASSERT_STRING_EQUAL(res.content_type, "text/html; charset=utf-8");
        CU_ASSERT_PTR_NOT_NULL(strstr(res.extra_headers, "Content-Security-Policy: default-src 'none'; "
                                                         "script-src " LADON_BROWSER_JS_SHA256 "; style-src "
                                                         LADON_BROWSER_CSS_SHA256 "; connect-src 'self';"));
        CU_ASSERT_PTR_NOT_NULL(strstr(res.extra_headers, "X-Content-Type-Options: nosniff\r\n"));
        free(res.body);
    }
}

int main(void)
{
    static const rt_test tests[] = {
        {"service page", test_service_page},
        {"doc comments escaped", test_escaping},
        {"hostile tables", test_hostile_tables},
        {"home page", test_home},
        {"headers of the pages", test_route_headers},
        {NULL, NULL},
    };
    return rt_run("runtime-browser", tests, NULL, NULL);
}
