/* fuzz_router.c - libFuzzer harness: what the router makes of a request
 * head (framework/src/router.c): the X-Forwarded-* walk through trusted
 * proxies, Host checks, the WSDL address, the answers it writes itself.
 *
 * The input is a request head.  The peer is a trusted proxy, so every
 * X-Forwarded-* header is believed.  Invariants: no crash or sanitizer
 * report; the served WSDL's address (between the fake WSDL's head and
 * tail) holds no raw markup character; a service browser page
 * (text/html) holds exactly the script elements the renderer writes (none
 * on the home page, the model and the script on a service's), whatever the
 * forwarded host and prefix; the client address is a NUL-terminated string
 * within its buffer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "router.h"

/* one operation and one type, so that a service page renders every part */
static const ladon_member_info fields[] = {
    {"x", "xsd:int", LADON_VALUE_INT, LADON_OCCURS_MANY, NULL, "<doc>"}};
static const ladon_type_info type = {"T", "a <type>", LADON_VALUE_STRUCT, fields, 1, NULL, 0};
static const ladon_type_info *const types[] = {&type};
static const ladon_member_info params[] = {
    {"t", "svc:T", LADON_VALUE_STRUCT, LADON_OCCURS_OPTIONAL, &type, ""}};
static const ladon_op_info info = {"op", params, 1,
                                   {"result", "xsd:string", LADON_VALUE_STRING, LADON_OCCURS_OPTIONAL, NULL, ""}};
static const ladon_operation ops[] = {{"op", "svc:op", NULL, LADON_OP_METHOD, NULL, &info}};
static const ladon_service svc = {
    .name = "Svc", .prefix = "svc", .namespace_uri = "urn:svc", .documentation = "<b>",
    .wsdl_head = "<w>", .wsdl_tail = "</w>", .operations = ops, .n_operations = 1,
    .types = types, .n_types = 1};

static size_t count(const char *p, size_t n, const char *needle)
{
    size_t k = 0, m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(p + i, needle, m) == 0)
            k++;
    return k;
}
static const ladon_service *const services[] = {&svc};
static const ladon_binding binding = {.abi = LADON_SERVICE_ABI, .name = "fuzz",
                                      .namespaces = NULL, .services = services,
                                      .n_services = 1};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ladon__router r;
    static int ready;
    ladon__http_req req;
    struct sockaddr_in peer;
    ladon__route_result res;
    char client[128];
    char err[128];

    if (!ready) {
        r.binding = &binding;
        r.public_url = "";
        if (ladon__proxies_parse(&r.proxies, "127.0.0.1,10.0.0.0/8,::1", err, sizeof err) != 0)
            abort();
        ready = 1;
    }
    if (ladon__http_parse_head((const char *)data, size, &req) <= 0)
        return 0;
    memset(&peer, 0, sizeof peer);
    peer.sin_family = AF_INET;
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ladon__client(&r.proxies, &req, (const struct sockaddr *)&peer, "127.0.0.1", client,
                  sizeof client);
    if (memchr(client, '\0', sizeof client) == NULL)
        abort();
    (void)ladon__host_valid(req.host);
    memset(&res, 0, sizeof res);
    if (ladon__route(&r, &req, (const struct sockaddr *)&peer, "127.0.0.1:8080", &res) == 0) {
        if (res.status == 200 && res.body != NULL && res.body_len >= 7 &&
            memcmp(res.body, "<w>", 3) == 0) {
            for (size_t i = 3; i + 4 < res.body_len; i++)
                if (res.body[i] == '<' || res.body[i] == '>' || res.body[i] == '"')
                    abort();
        }
        if (res.status == 200 && res.body != NULL && strncmp(res.content_type, "text/html", 9) == 0) {
            size_t scripts = count(res.body, res.body_len, "<script");
            if (scripts != 0 && scripts != 2)
                abort();
            if (count(res.body, res.body_len, "<b>") != 0)
                abort();
        }
        free(res.body);
    }
    /* the proxy list parser on arbitrary text */
    {
        ladon__proxies p;
        char *s = malloc(size + 1);
        if (s != NULL) {
            memcpy(s, data, size);
            s[size] = '\0';
            (void)ladon__proxies_parse(&p, s, err, sizeof err);
            free(s);
        }
    }
    return 0;
}
