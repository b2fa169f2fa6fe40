/* router.c - paths, WSDL addresses, trusted proxies (see router.h).
 *
 * The WSDL's soap:address is the URL the client used: --public-url when
 * configured; otherwise scheme, host and prefix from X-Forwarded-Proto,
 * -Host and -Prefix, but only when the TCP peer is a configured trusted
 * proxy (anyone else could otherwise make the server advertise an address
 * of their choosing); otherwise http:// + the Host header.  Proxies append
 * to these lists (Apache's mod_proxy appends the Host it was asked for to
 * whatever X-Forwarded-Host the client sent), so of each list only the
 * value written by the outermost trusted proxy is believed: how many
 * trusted proxies a request passed is read from X-Forwarded-For
 * (ladon__client), which also gives the client address of the log line.  Hosts and
 * prefixes are checked against a strict character set, and the address is
 * XML-escaped where it is inserted.
 *
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later.
 */
#include "router.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "browser.h"
#include "browser/browser_assets.h"
#include "buf.h"
#include "ladon/error.h"
#include "log.h"

/* Room for one service's address (ladon__service_address): scheme, a Host
 * or X-Forwarded-Host of up to 255 bytes, an X-Forwarded-Prefix of up to
 * 255, the service name; a longer one is refused as an invalid Host. */
enum { ADDRESS_MAX = 2048 };

/* ---- trusted proxies ---------------------------------------------------- */

int ladon__proxies_parse(ladon__proxies *p, const char *s, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    while (*s != '\0') {
        char item[128], *slash;
        size_t n = strcspn(s, ",");
        ladon__cidr *c;
        const char *bits_s = NULL;

        while (n > 0 && (*s == ' ' || *s == '\t'))
            s++, n--;
        {
            size_t m = n;
            while (m > 0 && (s[m - 1] == ' ' || s[m - 1] == '\t'))
                m--;
            if (m == 0 || m >= sizeof item) {
                snprintf(err, errlen, "invalid proxy address '%.*s'", (int)n, s);
                return -1;
            }
            memcpy(item, s, m);
            item[m] = '\0';
        }
        if (p->n == LADON_MAX_PROXIES) {
            snprintf(err, errlen, "too many proxy addresses (at most %d)", LADON_MAX_PROXIES);
            return -1;
        }
        c = &p->items[p->n];
        slash = strchr(item, '/');
        if (slash != NULL) {
            *slash = '\0';
            bits_s = slash + 1;
        }
        if (inet_pton(AF_INET, item, c->addr) == 1) {
            c->family = AF_INET;
            c->bits = 32;
        } else if (inet_pton(AF_INET6, item, c->addr) == 1) {
            c->family = AF_INET6;
            c->bits = 128;
        } else {
            snprintf(err, errlen, "invalid proxy address '%s' (expected an IPv4 or IPv6 address)",
                     item);
            return -1;
        }
        if (bits_s != NULL) {
            unsigned long b = 0;
            size_t i = 0;
            for (; isdigit((unsigned char)bits_s[i]) && i < 4; i++)
                b = b * 10 + (unsigned long)(bits_s[i] - '0');
            if (i == 0 || bits_s[i] != '\0' || b > c->bits) {
                snprintf(err, errlen, "invalid prefix length '/%s' for '%s'", bits_s, item);
                return -1;
            }
            c->bits = (unsigned)b;
        }
        p->n++;
        s += n;
        if (*s == ',') {
            s++;
            if (*s == '\0') {
                snprintf(err, errlen, "invalid proxy list (trailing comma)");
                return -1;
            }
        }
    }
    return 0;
}

static bool prefix_eq(const unsigned char *a, const unsigned char *b, unsigned bits)
{
    unsigned bytes = bits / 8, rest = bits % 8;
    if (memcmp(a, b, bytes) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((a[bytes] ^ b[bytes]) & (unsigned char)(0xff << (8 - rest))) == 0;
}

bool ladon__proxies_match(const ladon__proxies *p, const struct sockaddr *sa)
{
    unsigned char a4[4], a6[16];
    bool have4 = false, have6 = false;

    if (p == NULL || sa == NULL || p->n == 0)
        return false;
    if (sa->sa_family == AF_INET) {
        memcpy(a4, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
        have4 = true;
    } else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *in6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        memcpy(a6, in6, 16);
        have6 = true;
        if (IN6_IS_ADDR_V4MAPPED(in6)) {
            memcpy(a4, a6 + 12, 4);
            have4 = true;
        }
    }
    for (size_t i = 0; i < p->n; i++) {
        const ladon__cidr *c = &p->items[i];
        if (c->family == AF_INET && have4 && prefix_eq(a4, c->addr, c->bits))
            return true;
        if (c->family == AF_INET6 && have6 && prefix_eq(a6, c->addr, c->bits))
            return true;
    }
    return false;
}

/* Parses one X-Forwarded-For entry: an IPv4 or IPv6 address, optionally
 * with a port ("1.2.3.4:80", "[::1]:80", "[::1]"). */
static bool xff_entry_parse(const char *s, size_t n, struct sockaddr_storage *ss)
{
    char ip[INET6_ADDRSTRLEN + 1];
    size_t len = n;
    const char *colon;

    memset(ss, 0, sizeof *ss);
    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (close == NULL)
            return false;
        if ((size_t)(close - s) + 1 < n) { /* "]:port" */
            if (close[1] != ':' || (size_t)(close - s) + 2 == n)
                return false;
            for (const char *q = close + 2; q < s + n; q++)
                if (!isdigit((unsigned char)*q))
                    return false;
        }
        s++;
        len = (size_t)(close - s);
    } else if ((colon = memchr(s, ':', n)) != NULL &&
               memchr(colon + 1, ':', (size_t)(s + n - colon - 1)) == NULL) {
        /* exactly one ':': IPv4 with a port */
        len = (size_t)(colon - s);
        if (colon + 1 == s + n)
            return false;
        for (const char *q = colon + 1; q < s + n; q++)
            if (!isdigit((unsigned char)*q))
                return false;
    }
    if (len == 0 || len >= sizeof ip)
        return false;
    memcpy(ip, s, len);
    ip[len] = '\0';
    {
        struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;
        if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
            s4->sin_family = AF_INET;
            return true;
        }
        if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
            s6->sin6_family = AF_INET6;
            return true;
        }
    }
    return false;
}

/* The address of ss as text; IPv4-mapped IPv6 as IPv4. */
static void addr_text(const struct sockaddr_storage *ss, char *out, size_t outlen)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    if (ss->ss_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ss)->sin_addr, ip,
                  sizeof ip);
    } else {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a))
            inet_ntop(AF_INET, &a->s6_addr[12], ip, sizeof ip);
        else
            inet_ntop(AF_INET6, a, ip, sizeof ip);
    }
    snprintf(out, outlen, "%s", ip);
}

unsigned ladon__client(const ladon__proxies *p, const ladon__http_req *req,
                       const struct sockaddr *peer, const char *peer_str, char *out,
                       size_t outlen)
{
    const char *list = req->xf_for;
    size_t end;
    unsigned hops = 1;

    if (out != NULL && outlen > 0)
        snprintf(out, outlen, "%s", peer_str != NULL ? peer_str : "");
    if (!ladon__proxies_match(p, peer))
        return 0;
    if (req->xf_for_too_long)
        return hops;
    /* from the right: each entry was appended by the proxy to its right */
    for (end = strlen(list); end > 0;) {
        size_t start = end, a, b;
        struct sockaddr_storage ss;

        while (start > 0 && list[start - 1] != ',')
            start--;
        for (a = start; a < end && (list[a] == ' ' || list[a] == '\t'); a++)
            ;
        for (b = end; b > a && (list[b - 1] == ' ' || list[b - 1] == '\t'); b--)
            ;
        if (!xff_entry_parse(list + a, b - a, &ss))
            break; /* not an address: the last one vouched for stands */
        if (out != NULL && outlen > 0)
            addr_text(&ss, out, outlen);
        if (!ladon__proxies_match(p, (const struct sockaddr *)&ss) || start == 0)
            break; /* the client: untrusted, or the left-most entry */
        hops++;
        end = start - 1;
    }
    return hops;
}

/* ---- strings -------------------------------------------------------------- */

static int buf_reserve(char **buf, size_t *len, size_t *cap, size_t more)
{
    if (*len + more + 1 > *cap) {
        size_t ncap = *cap ? *cap : 256;
        char *nb;
        while (ncap < *len + more + 1)
            ncap *= 2;
        nb = realloc(*buf, ncap);
        if (nb == NULL) {
            LADON_LOGE("out of memory (%zu bytes)", ncap);
            return LADON_ENOMEM;
        }
        *buf = nb;
        *cap = ncap;
    }
    return 0;
}

static int buf_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (buf_reserve(buf, len, cap, n) != 0)
        return LADON_ENOMEM;
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

static int buf_puts(char **buf, size_t *len, size_t *cap, const char *s)
{
    return buf_append(buf, len, cap, s, strlen(s));
}

int ladon__xml_escape_append(char **buf, size_t *len, size_t *cap, const char *s)
{
    for (; *s != '\0'; s++) {
        const char *rep = NULL;
        int rc;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        default: break;
        }
        rc = rep ? buf_puts(buf, len, cap, rep) : buf_append(buf, len, cap, s, 1);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- addresses ------------------------------------------------------------ */

const ladon_service *ladon__route_service(const ladon_binding *b, const char *path)
{
    if (b == NULL || path[0] != '/')
        return NULL;
    for (size_t i = 0; i < b->n_services; i++)
        if (strcmp(path + 1, b->services[i]->name) == 0)
            return b->services[i];
    return NULL;
}

bool ladon__host_valid(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n > 255)
        return false;
    if (h[0] == '[') { /* [IPv6]:port */
        const char *close = strchr(h, ']');
        if (close == NULL)
            return false;
        for (const char *p = h + 1; p < close; p++)
            if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
                return false;
        h = close + 1;
        if (*h == '\0')
            return true;
        if (*h != ':' || h[1] == '\0')
            return false;
        for (h++; *h; h++)
            if (!isdigit((unsigned char)*h))
                return false;
        return true;
    }
    {
        const char *colon = NULL;
        for (const char *p = h; *p; p++) {
            if (*p == ':') {
                if (colon != NULL || p == h)
                    return false;
                colon = p;
            } else if (colon != NULL) {
                if (!isdigit((unsigned char)*p))
                    return false;
            } else if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_') {
                return false;
            }
        }
        if (colon != NULL && colon[1] == '\0')
            return false;
    }
    return true;
}

/* The hops-th comma-separated item of v from the right (the first when v
 * has fewer), trimmed, into out: the value the outermost trusted proxy
 * wrote (see router.h). */
static void forwarded_item(const char *v, unsigned hops, char *out, size_t outlen)
{
    size_t n, items = 1, skip;
    for (const char *q = v; *q; q++)
        if (*q == ',')
            items++;
    skip = items > hops ? items - hops : 0;
    for (; skip > 0; skip--)
        v = strchr(v, ',') + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    n = strcspn(v, ",");
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

static bool prefix_valid(const char *p)
{
    if (p[0] != '/')
        return false;
    for (; *p; p++)
        if (!isalnum((unsigned char)*p) && strchr("/-._~%!$&'()*+,;=:@", *p) == NULL)
            return false;
    return true;
}

int ladon__service_address(const ladon__router *r, const ladon__http_req *req, unsigned hops,
                           const char *fallback_host, const char *name, char *out,
                           size_t outlen)
{
    char host[256], proto[16] = "http", prefix[256] = "";
    int n;

    if (r->public_url != NULL && r->public_url[0] != '\0') {
        n = snprintf(out, outlen, "%s/%s", r->public_url, name);
        return n < 0 || (size_t)n >= outlen ? -1 : 0;
    }
    if (req->host_too_long)
        return -1;
    snprintf(host, sizeof host, "%s", req->host[0] ? req->host : fallback_host ? fallback_host : "");
    if (hops > 0) {
        if (req->xf_too_long)
            return -1;
        if (req->xf_host[0] != '\0')
            forwarded_item(req->xf_host, hops, host, sizeof host);
        if (req->xf_proto[0] != '\0') {
            char p[16];
            forwarded_item(req->xf_proto, hops, p, sizeof p);
            if (strcasecmp(p, "https") == 0)
                strcpy(proto, "https");
            else if (strcasecmp(p, "http") != 0)
                return -1;
        }
        if (req->xf_prefix[0] != '\0') {
            size_t pl;
            forwarded_item(req->xf_prefix, hops, prefix, sizeof prefix);
            if (!prefix_valid(prefix))
                return -1;
            pl = strlen(prefix);
            while (pl > 0 && prefix[pl - 1] == '/')
                prefix[--pl] = '\0';
        }
    }
    if (!ladon__host_valid(host))
        return -1;
    n = snprintf(out, outlen, "%s://%s%s/%s", proto, host, prefix, name);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* ---- responses ------------------------------------------------------------ */

static int plain(ladon__route_result *res, int status, const char *text)
{
    size_t n = strlen(text);
    res->status = status;
    res->content_type = "text/plain; charset=utf-8";
    res->body = malloc(n + 1);
    if (res->body == NULL) {
        LADON_LOGE("out of memory (%zu bytes)", n + 1);
        return LADON_ENOMEM;
    }
    memcpy(res->body, text, n + 1);
    res->body_len = n;
    return 0;
}

static int build_wsdl(ladon__route_result *res, const ladon_service *svc, const char *address)
{
    char *b = NULL;
    size_t len = 0, cap = 0;
    if (buf_puts(&b, &len, &cap, svc->wsdl_head) != 0 ||
        ladon__xml_escape_append(&b, &len, &cap, address) != 0 ||
        buf_puts(&b, &len, &cap, svc->wsdl_tail) != 0) {
        free(b);
        return LADON_ENOMEM;
    }
    res->status = 200;
    res->content_type = "text/xml; charset=utf-8";
    res->body = b;
    res->body_len = len;
    return 0;
}

/* A page of the service browser (browser.c): the home page, or service
 * only's page when only != NULL. */
static int build_page(const ladon__router *r, const ladon__http_req *req, unsigned hops,
                      const char *fallback_host, const ladon_service *only,
                      ladon__route_result *res)
{
    const ladon_binding *b = r->binding;
    size_t n = only != NULL ? 1 : b->n_services;
    char **addrs = calloc(n > 0 ? n : 1, sizeof *addrs);
    ladon__buf page = {0};
    int rc = LADON_ENOMEM;

    if (addrs == NULL) {
        LADON_LOGE("out of memory (%zu addresses)", n);
        return LADON_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const ladon_service *s = only != NULL ? only : b->services[i];
        if ((addrs[i] = malloc(ADDRESS_MAX)) == NULL) {
            LADON_LOGE("out of memory (%d bytes)", ADDRESS_MAX);
            goto out;
        }
        if (ladon__service_address(r, req, hops, fallback_host, s->name, addrs[i],
                                   ADDRESS_MAX) != 0) {
            rc = plain(res, 400, "invalid Host header\n");
            goto out;
        }
    }
    if ((only != NULL ? ladon__browser_service(only, addrs[0], &page)
                      : ladon__browser_home(b, (const char *const *)addrs, &page)) != 0) {
        LADON_LOGE("out of memory (a browser page)");
        ladon__buf_free(&page);
        goto out;
    }
    res->status = 200;
    res->content_type = "text/html; charset=utf-8";
    /* the pages are self-contained: nothing may load from elsewhere, and
     * the script may talk to this server only */
    res->extra_headers = "Content-Security-Policy: default-src 'none'; script-src " LADON_BROWSER_JS_SHA256
                         "; style-src " LADON_BROWSER_CSS_SHA256 "; connect-src 'self'; "
                         "form-action 'none'; base-uri 'none'; frame-ancestors 'none'\r\n"
                         "X-Content-Type-Options: nosniff\r\n";
    res->body = page.p;
    res->body_len = page.len;
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(addrs[i]);
    free(addrs);
    return rc;
}

int ladon__route(const ladon__router *r, const ladon__http_req *req, const struct sockaddr *peer,
                 const char *fallback_host, ladon__route_result *res)
{
    const ladon_service *svc = ladon__route_service(r->binding, req->path);
    bool is_get = strcmp(req->method, "GET") == 0, is_head = strcmp(req->method, "HEAD") == 0;
    unsigned hops;

    memset(res, 0, sizeof *res);
    res->extra_headers = "";
    if (strcmp(req->method, "POST") == 0) {
        if (svc == NULL)
            return plain(res, 404, "not found\n");
        res->service = svc;
        return 0;
    }
    if (!is_get && !is_head) {
        res->extra_headers = "Allow: GET, HEAD, POST\r\n";
        return plain(res, 405, "method not allowed\n");
    }
    res->head_only = is_head;
    hops = ladon__client(&r->proxies, req, peer, NULL, NULL, 0);
    if (strcmp(req->path, "/") == 0)
        return build_page(r, req, hops, fallback_host, NULL, res);
    if (svc == NULL)
        return plain(res, 404, "not found\n");
    if (strcasecmp(req->query, "wsdl") == 0) {
        char addr[ADDRESS_MAX];
        if (ladon__service_address(r, req, hops, fallback_host, svc->name, addr,
                                   sizeof addr) != 0)
            return plain(res, 400, "invalid Host header\n");
        return build_wsdl(res, svc, addr);
    }
    return build_page(r, req, hops, fallback_host, svc, res);
}
