/* test_body.c - the request body path before gSOAP: body decoding
 * (body.c), the XML check and rewrite (xmlnorm.c), UTF-8 and the XML
 * character rules (utf8.c).  Each defect of the issue "No anonymous client
 * can exhaust..." that these files fix has a case here.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "body.h"
#include "rt_cunit.h"
#include "utf8.h"
#include "xmlnorm.h"

/* Normalizes s; returns the rc, the result (or the refusal) in out. */
static int norm(const char *s, unsigned depth, char *out, size_t outlen)
{
    ladon__buf b = {0};
    char msg[256] = "";
    int rc = ladon__xml_normalize(s, strlen(s), depth, &b, NULL, msg, sizeof msg);
    if (rc == LADON__XML_REWRITTEN)
        snprintf(out, outlen, "%.*s", (int)b.len, b.p);
    else if (rc == LADON__XML_OK)
        snprintf(out, outlen, "%s", s);
    else
        snprintf(out, outlen, "%s", msg);
    ladon__buf_free(&b);
    return rc;
}

#define EXPECT(in, rc_want, out_want)                                              \
    do {                                                                            \
        char got_[512];                                                             \
        int rc_ = norm(in, 64, got_, sizeof got_);                                  \
        CU_ASSERT_EQUAL(rc_, rc_want);                                              \
        CU_ASSERT_STRING_EQUAL(got_, out_want);                                     \
        if (rc_ != (rc_want) || strcmp(got_, out_want) != 0)                        \
            fprintf(stderr, "\n  %s -> %d %s (want %d %s)\n", in, rc_, got_,        \
                    rc_want, out_want);                                             \
    } while (0)

static void test_char_refs(void)
{
    /* references of 7 characters and more came out wrong from gSOAP */
    EXPECT("<t>A&#x1F600;B</t>", LADON__XML_REWRITTEN, "<t>A\xF0\x9F\x98\x80" "B</t>");
    EXPECT("<t>&#x10FFFF;</t>", LADON__XML_REWRITTEN, "<t>\xF4\x8F\xBF\xBF</t>");
    EXPECT("<t>&#x00041;B</t>", LADON__XML_REWRITTEN, "<t>AB</t>");
    EXPECT("<t>&#128512;</t>", LADON__XML_REWRITTEN, "<t>\xF0\x9F\x98\x80</t>");
    EXPECT("<t>&#0000000000065;</t>", LADON__XML_REWRITTEN, "<t>A</t>");
    /* markup characters stay escaped */
    EXPECT("<t a=\"&#34;\">&#60;&#x26;&#62;&#39;</t>", LADON__XML_REWRITTEN,
           "<t a=\"&quot;\">&lt;&amp;&gt;&apos;</t>");
    /* untouched: predefined entities, no references */
    EXPECT("<t>a&lt;b&amp;c&quot;&apos;&gt;</t>", LADON__XML_OK,
           "<t>a&lt;b&amp;c&quot;&apos;&gt;</t>");
    /* references inside CDATA and comments are text, not references */
    EXPECT("<t><![CDATA[&#x1;&foo;]]><!-- &#0; --></t>", LADON__XML_OK,
           "<t><![CDATA[&#x1;&foo;]]><!-- &#0; --></t>");
}

static void test_forbidden(void)
{
    EXPECT("<t>&#x1;</t>", LADON__XML_REFUSED,
           "character reference '&#x1;' at byte 3 names a character XML does not allow");
    EXPECT("<t>&#xFFFE;</t>", LADON__XML_REFUSED,
           "character reference '&#xFFFE;' at byte 3 names a character XML does not allow");
    EXPECT("<t>&#xD800;</t>", LADON__XML_REFUSED,
           "character reference '&#xD800;' at byte 3 names a character XML does not allow");
    EXPECT("<t>&#x0;</t>", LADON__XML_REFUSED,
           "character reference '&#x0;' at byte 3 names a character XML does not allow");
    EXPECT("<t>&#x110000;</t>", LADON__XML_REFUSED,
           "character reference at byte 3 is beyond Unicode");
    EXPECT("<t>&#xZ;</t>", LADON__XML_REFUSED, "malformed character reference at byte 3");
    EXPECT("<t>&#;</t>", LADON__XML_REFUSED, "malformed character reference at byte 3");
    EXPECT("<t>&amp</t>", LADON__XML_REFUSED, "malformed reference at byte 3");
    EXPECT("<t>&foo;</t>", LADON__XML_REFUSED, "undefined entity '&foo;' at byte 3");
    EXPECT("<t>\x01</t>", LADON__XML_REFUSED, "character U+0001 at byte 3 is not allowed in XML");
    EXPECT("<t>\xED\xA0\x80</t>", LADON__XML_REFUSED, "invalid UTF-8 at byte 3");
    EXPECT("<t>\xEF\xBF\xBE</t>", LADON__XML_REFUSED,
           "character U+FFFE at byte 3 is not allowed in XML");
    EXPECT("<t>\xC0\xAF</t>", LADON__XML_REFUSED, "invalid UTF-8 at byte 3");
    EXPECT("<t>\xF0\x9F\x98</t>", LADON__XML_REFUSED, "invalid UTF-8 at byte 3");
    EXPECT("<t a=\"\x01\"/>", LADON__XML_REFUSED,
           "character U+0001 at byte 6 is not allowed in XML");
    EXPECT("<t a=\"<\"/>", LADON__XML_REFUSED, "'<' in an attribute value at byte 6");
    EXPECT("<!DOCTYPE t [<!ENTITY x \"y\">]><t>&x;</t>", LADON__XML_REFUSED,
           "a DTD (<!DOCTYPE) is not allowed in a SOAP message");
    /* raw tab, LF, CR and all of Unicode beyond are fine */
    EXPECT("<t>\t\n\r\xC3\xA9\xF4\x8F\xBF\xBF</t>", LADON__XML_OK,
           "<t>\t\n\r\xC3\xA9\xF4\x8F\xBF\xBF</t>");
}

static void test_multiref(void)
{
    EXPECT("<t><x href=\"#a\"/><multiRef id=\"a\">v</multiRef></t>", LADON__XML_REFUSED,
           "multi-reference attribute 'href' is not allowed: document/literal services take "
           "plain XML");
    EXPECT("<t xmlns:e=\"http://www.w3.org/2003/05/soap-encoding\"><x e:ref=\"a\"/></t>",
           LADON__XML_REFUSED,
           "multi-reference attribute 'e:ref' is not allowed: document/literal services take "
           "plain XML");
    /* namespace declarations named like them are not references */
    EXPECT("<t xmlns:ref=\"urn:x\" xmlns:href=\"urn:y\"/>", LADON__XML_OK,
           "<t xmlns:ref=\"urn:x\" xmlns:href=\"urn:y\"/>");
    /* the prefix xmlns is never declared (Namespaces in XML 1.0 section 3);
     * bound, gSOAP took xmlns:id for enc:id and xmlns:ref for enc:ref
     * (review of recv.c: an id kept from one request read by the next) */
    EXPECT("<t xmlns:xmlns=\"http://www.w3.org/2003/05/soap-encoding\"><x xmlns:id=\"a\"/></t>",
           LADON__XML_REFUSED, "the prefix 'xmlns' cannot be declared");
    EXPECT("<t><x xmlns:xmlns=\"urn:x\"/></t>", LADON__XML_REFUSED,
           "the prefix 'xmlns' cannot be declared");
}

/* Whether a body has an attribute gSOAP may take for an id or a reference
 * (recv.c: what can put entries in gSOAP's id table). */
static int has_idref(const char *s)
{
    ladon__buf b = {0};
    char msg[256] = "";
    bool idref = true; /* the call sets it either way */
    int rc = ladon__xml_normalize(s, strlen(s), 64, &b, &idref, msg, sizeof msg);
    ladon__buf_free(&b);
    CU_ASSERT(rc == LADON__XML_OK || rc == LADON__XML_REWRITTEN);
    return idref;
}

static void test_has_idref(void)
{
    CU_ASSERT_FALSE(has_idref("<t><x>v</x></t>"));
    CU_ASSERT_TRUE(has_idref("<t><x id=\"a\">v</x></t>"));
    CU_ASSERT_TRUE(has_idref("<t xmlns:e=\"http://www.w3.org/2003/05/soap-encoding\">"
                             "<x e:id=\"a\">v</x></t>"));
    CU_ASSERT_TRUE(has_idref("<t><x a='1' id='a'/></t>"));
    /* gSOAP matches an unprefixed attribute against the default namespace */
    CU_ASSERT_TRUE(has_idref("<t xmlns=\"http://www.w3.org/2003/05/soap-encoding\"><x ref=\"#a\"/>"
                             "</t>"));
    /* and reads xmlns:NAME as an attribute too (review: xmlns:id, xmlns:ref
     * once the prefix xmlns is bound, which is refused below) */
    CU_ASSERT_TRUE(has_idref("<t xmlns:id=\"urn:x\"/>"));
    CU_ASSERT_TRUE(has_idref("<t xmlns:ref=\"urn:x\"/>"));
    CU_ASSERT_TRUE(has_idref("<t xmlns:href=\"urn:x\"/>"));
    /* in a rewritten body too */
    CU_ASSERT_TRUE(has_idref("<t>&#65;<x id=\"a\"/></t>"));
    /* names and values that only look like one */
    CU_ASSERT_FALSE(has_idref("<t><x idx=\"1\" i=\"2\" a=\"id\" refs=\"r\">id</x><id/><ref/></t>"));
    CU_ASSERT_FALSE(has_idref("<t xmlns:idx=\"urn:x\"><x ID=\"1\" Ref=\"2\"/></t>"));
}

static void test_nil_wrapper(void)
{
    /* SOAP::Lite's operation without parameters: the same as an empty wrapper */
    EXPECT("<s:Envelope xmlns:s=\"e\"><s:Body><m:op xmlns:m=\"m\" xsi:nil=\"true\"/>"
           "</s:Body></s:Envelope>",
           LADON__XML_REWRITTEN,
           "<s:Envelope xmlns:s=\"e\"><s:Body><m:op xmlns:m=\"m\"/></s:Body></s:Envelope>");
    /* found by fuzz_xml: attributes not separated by white space are malformed
     * (dropping the first one joined the element's name to the next) */
    EXPECT("<s:Envelope><s:Body><m:op x:nil=\"true\"y=\"1\"/></s:Body></s:Envelope>",
           LADON__XML_REFUSED, "malformed XML");
    EXPECT("<a b=\"1\"c=\"2\"/>", LADON__XML_REFUSED, "malformed XML");
    /* only on the wrapper: a nil parameter stays for gSOAP to judge */
    EXPECT("<s:Envelope><s:Body><m:op><a xsi:nil=\"true\"/></m:op></s:Body></s:Envelope>",
           LADON__XML_OK,
           "<s:Envelope><s:Body><m:op><a xsi:nil=\"true\"/></m:op></s:Body></s:Envelope>");
}

static void test_depth(void)
{
    const char *x = "<?xml version=\"1.0\"?><!-- <a><b><c> --><a x=\"&gt;b\" y='/>'><b><c/>"
                    "<![CDATA[<d><e><f>]]></b><b>t</b></a>";
    char out[512], deep[1000] = "";
    CU_ASSERT_EQUAL(norm(x, 2, out, sizeof out), LADON__XML_OK);
    CU_ASSERT_EQUAL(norm(x, 1, out, sizeof out), LADON__XML_REFUSED);
    CU_ASSERT_STRING_EQUAL(out, "XML nesting too deep");
    CU_ASSERT_EQUAL(norm("<a><b>", 1, out, sizeof out), LADON__XML_REFUSED);
    for (int i = 0; i < 100; i++)
        strcat(deep, "<x>");
    for (int i = 0; i < 100; i++)
        strcat(deep, "</x>");
    CU_ASSERT_EQUAL(norm(deep, 100, out, sizeof out), LADON__XML_OK);  /* at the limit */
    CU_ASSERT_EQUAL(norm(deep, 99, out, sizeof out), LADON__XML_REFUSED); /* one beyond */
    /* a leading byte-order mark goes */
    CU_ASSERT_EQUAL(norm("\xEF\xBB\xBF<a/>", 5, out, sizeof out), LADON__XML_REWRITTEN);
    CU_ASSERT_STRING_EQUAL(out, "<a/>");
    /* truncated input: refused or left to gSOAP, never read beyond its end */
    CU_ASSERT_EQUAL(norm("<a", 5, out, sizeof out), LADON__XML_REFUSED);
    CU_ASSERT_EQUAL(norm("<a b='", 5, out, sizeof out), LADON__XML_REFUSED);
    CU_ASSERT_EQUAL(norm("<!-- x", 5, out, sizeof out), LADON__XML_OK);
    CU_ASSERT_EQUAL(norm("", 5, out, sizeof out), LADON__XML_OK);
}

static void test_xmlout(void)
{
    ladon__xmlout_check k;
    const char *ok = "<r>\xC3\xA9\xF0\x9F\x98\x80 &lt;&#x9;&#10;&#x10FFFF;</r>";
    /* whole, and split at every byte */
    memset(&k, 0, sizeof k);
    CU_ASSERT_EQUAL(ladon__xmlout_feed(&k, ok, strlen(ok)), 0);
    for (size_t cut = 1; cut < strlen(ok); cut++) {
        memset(&k, 0, sizeof k);
        CU_ASSERT_EQUAL(ladon__xmlout_feed(&k, ok, cut), 0);
        CU_ASSERT_EQUAL(ladon__xmlout_feed(&k, ok + cut, strlen(ok) - cut), 0);
    }
    {
        static const char *const bad[] = {"a&#x1;b", "&#xFFFE;", "&#0;", "\xff", "\x01",
                                          "\xED\xA0\x80", "&#xD800;", "&#x110000;"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            size_t n = strlen(bad[i]);
            memset(&k, 0, sizeof k);
            CU_ASSERT_EQUAL(ladon__xmlout_feed(&k, bad[i], n), -1);
            CU_ASSERT_EQUAL(ladon__xmlout_feed(&k, "x", 1), -1); /* sticky */
            for (size_t cut = 1; cut < n; cut++) {
                memset(&k, 0, sizeof k);
                int r = ladon__xmlout_feed(&k, bad[i], cut);
                r |= ladon__xmlout_feed(&k, bad[i] + cut, n - cut);
                CU_ASSERT_EQUAL(r, -1);
            }
        }
    }
    {
        char s[] = "ok \xff and \x01 and \xC3";
        CU_ASSERT_EQUAL(ladon__utf8_scrub(s), 3);
        CU_ASSERT_STRING_EQUAL(s, "ok ? and ? and ?");
    }
}

/* The 8-byte skip both checkers use (utf8.h) against a byte-by-byte
 * reference: every start and length over bytes that include each kind it
 * must stop at, and both checkers' verdicts with a bad byte at every
 * offset of a long text (the skip must never pass over it). */
static size_t ascii_run_ref(const unsigned char *p, size_t n, unsigned char a, unsigned char b,
                            unsigned char c)
{
    size_t i = 0;
    while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != a && p[i] != b && p[i] != c)
        i++;
    return i - i % 8;
}

static void test_ascii_run(void)
{
    static const unsigned char stops[] = {0x00, 0x01, 0x09, 0x1F, '&', '<', '"', 0x7F, 0x80, 0xC3,
                                          0xFF};
    unsigned char buf[64];
    for (size_t k = 0; k < sizeof stops; k++)
        for (size_t at = 0; at < sizeof buf; at++) {
            for (size_t i = 0; i < sizeof buf; i++)
                buf[i] = (unsigned char)(0x20 + (i * 7) % 0x5F); /* printable, '&' '<' '"' too */
            buf[at] = stops[k];
            for (size_t start = 0; start < 9; start++)
                for (size_t len = 0; start + len <= sizeof buf; len += 3) {
                    size_t got = ladon__ascii_run(buf + start, len, '&', '<', '"');
                    CU_ASSERT_EQUAL(got, ascii_run_ref(buf + start, len, '&', '<', '"'));
                }
        }
    /* a bad character at every offset of a 100-byte text is still found */
    for (size_t at = 0; at < 100; at++) {
        static const char *const bad[] = {"\x01", "\xFF", "\x1B"};
        for (size_t k = 0; k < 3; k++) {
            char text[256], doc[320], out[512];
            ladon__xmlout_check chk;
            memset(text, 'x', 100);
            text[100] = '\0';
            text[at] = bad[k][0];
            snprintf(doc, sizeof doc, "<t>%s</t>", text);
            CU_ASSERT_EQUAL(norm(doc, 64, out, sizeof out), LADON__XML_REFUSED);
            memset(&chk, 0, sizeof chk);
            CU_ASSERT_EQUAL(ladon__xmlout_feed(&chk, doc, strlen(doc)), -1);
        }
        {   /* and an entity at every offset is still decoded */
            char text[256], doc[320], out[512], want[320];
            memset(text, 'y', 100);
            memcpy(text + at, "&#65;", 5);
            text[at + 5 < 100 ? 100 : at + 5] = '\0';
            snprintf(doc, sizeof doc, "<t>%s</t>", text);
            memcpy(text + at, "A", 1);
            memmove(text + at + 1, text + at + 5, strlen(text + at + 5) + 1);
            snprintf(want, sizeof want, "<t>%s</t>", text);
            CU_ASSERT_EQUAL(norm(doc, 64, out, sizeof out), LADON__XML_REWRITTEN);
            CU_ASSERT_STRING_EQUAL(out, want);
        }
    }
}

/* Runs ladon__body_decode on a request with the given headers. */
static int decode(const char *ctype, const char *cenc, int chunked, const void *raw, size_t n,
                  size_t max, char *out, size_t outlen)
{
    ladon__http_req req;
    ladon__buf a = {0}, b = {0};
    const char *body;
    size_t len;
    int soap12, rc;
    char msg[256] = "";
    memset(&req, 0, sizeof req);
    snprintf(req.content_type, sizeof req.content_type, "%s", ctype);
    snprintf(req.content_encoding, sizeof req.content_encoding, "%s", cenc);
    req.chunked = chunked != 0;
    rc = ladon__body_decode(&req, raw, n, max, &a, &b, &body, &len, &soap12, msg, sizeof msg);
    if (rc == LADON__BODY_OK)
        snprintf(out, outlen, "%.*s", (int)len, body);
    else
        snprintf(out, outlen, "%s", msg);
    ladon__buf_free(&a);
    ladon__buf_free(&b);
    return rc;
}

static size_t gz(const char *s, unsigned char *out, size_t cap, int wbits)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    CU_ASSERT_EQUAL_FATAL(deflateInit2(&z, 9, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)s;
    z.avail_in = (uInt)strlen(s);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    CU_ASSERT_EQUAL(deflate(&z, Z_FINISH), Z_STREAM_END);
    deflateEnd(&z);
    return cap - z.avail_out;
}

static void test_body_decode(void)
{
    char out[4096];
    unsigned char g[4096];
    size_t n;
    static const char chunked[] = "3\r\n<a>\r\n4;ext=1\r\n</a>\r\n0\r\nX-T: y\r\n\r\n";

    CU_ASSERT_EQUAL(decode("text/xml", "", 0, "<a/>", 4, 100, out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "<a/>");
    CU_ASSERT_EQUAL(decode("", "", 1, chunked, sizeof chunked - 1, 100, out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "<a></a>");
    /* gzip, zlib ("deflate") and raw deflate; the limit holds on the inflated size */
    n = gz("<a>hello</a>", g, sizeof g, 15 + 16);
    CU_ASSERT_EQUAL(decode("text/xml", "gzip", 0, g, n, 100, out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "<a>hello</a>");
    CU_ASSERT_EQUAL(decode("text/xml", "gzip", 0, g, n, 12, out, sizeof out), 0); /* at limit */
    CU_ASSERT_EQUAL(decode("text/xml", "gzip", 0, g, n, 11, out, sizeof out),
                    LADON__BODY_TOO_LARGE);
    g[n - 5] ^= 0xFF; /* the CRC */
    CU_ASSERT_EQUAL(decode("text/xml", "gzip", 0, g, n, 100, out, sizeof out), LADON__BODY_BAD);
    CU_ASSERT_STRING_EQUAL(out, "the body is not valid gzip data (incorrect data check)");
    CU_ASSERT_EQUAL(decode("text/xml", "gzip", 0, g, n - 9, 100, out, sizeof out),
                    LADON__BODY_BAD);
    CU_ASSERT_STRING_EQUAL(out, "the gzip data ends early");
    n = gz("<a>z</a>", g, sizeof g, 15);
    CU_ASSERT_EQUAL(decode("text/xml", "deflate", 0, g, n, 100, out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "<a>z</a>");
    n = gz("<a>r</a>", g, sizeof g, -15);
    CU_ASSERT_EQUAL(decode("text/xml", "deflate", 0, g, n, 100, out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "<a>r</a>");
    CU_ASSERT_EQUAL(decode("text/xml", "gzip", 0, "garbage", 7, 100, out, sizeof out),
                    LADON__BODY_BAD);
    CU_ASSERT_EQUAL(decode("text/xml", "br", 0, "x", 1, 100, out, sizeof out),
                    LADON__BODY_UNSUPPORTED);
    /* media types: attachments are refused */
    CU_ASSERT_EQUAL(decode("application/dime", "", 0, "x", 1, 100, out, sizeof out),
                    LADON__BODY_UNSUPPORTED);
    CU_ASSERT_EQUAL(decode("multipart/related; boundary=x", "", 0, "x", 1, 100, out,
                           sizeof out), LADON__BODY_UNSUPPORTED);
    CU_ASSERT_EQUAL(decode("application/soap+xml; charset=utf-8", "", 0, "<a/>", 4, 100, out,
                           sizeof out), 0);
    /* UTF-16 by byte-order mark, by declaration, by charset; ISO-8859-1 by charset */
    CU_ASSERT_EQUAL(decode("text/xml", "", 0, "\xFF\xFE<\0a\0/\0>\0", 10, 100, out, sizeof out),
                    0);
    CU_ASSERT_STRING_EQUAL(out, "<a/>");
    CU_ASSERT_EQUAL(decode("text/xml", "", 0, "\xFE\xFF\0<\0\xE9\0/\0>", 10, 100, out,
                           sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "<\xC3\xA9/>");
    {
        static const char decl[] = "<\0?\0x\0m\0l\0 \0?\0>\0<\0b\0/\0>\0";
        CU_ASSERT_EQUAL(decode("text/xml", "", 0, decl, sizeof decl - 1, 100, out, sizeof out),
                        0);
        CU_ASSERT_STRING_EQUAL(out, "<b/>"); /* the declaration named UTF-16: gone */
    }
    CU_ASSERT_EQUAL(decode("text/xml; charset=ISO-8859-1", "", 0, "<\xE9/>", 4, 100, out,
                           sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "<\xC3\xA9/>");
    CU_ASSERT_EQUAL(decode("text/xml; charset=no-such-charset", "", 0, "<a/>", 4, 100, out,
                           sizeof out), LADON__BODY_UNSUPPORTED);
    CU_ASSERT_EQUAL(decode("text/xml", "", 0, "\xFF\xFE<\0\0\xD8", 6, 100, out, sizeof out),
                    LADON__BODY_BAD); /* a lone surrogate */
    /* found by fuzz_body: an empty body in another charset has no buffer
     * (memmove of NULL, undefined behaviour) */
    CU_ASSERT_EQUAL(decode("text/xml; charset=latin1", "", 0, "", 0, 100, out, sizeof out), 0);
    CU_ASSERT_STRING_EQUAL(out, "");
}

int main(void)
{
    static const rt_test tests[] = {
        {"character references decode exactly", test_char_refs},
        {"characters XML forbids are refused", test_forbidden},
        {"multi-references are refused", test_multiref},
        {"attributes named id, ref or href are reported", test_has_idref},
        {"xsi:nil on the operation wrapper", test_nil_wrapper},
        {"nesting depth", test_depth},
        {"outgoing XML check", test_xmlout},
        {"the 8-byte ASCII skip stops where the byte loops would", test_ascii_run},
        {"body decoding", test_body_decode},
        {NULL, NULL},
    };
    return rt_run("request body", tests, NULL, NULL);
}
