/* names.c - all naming rules of ladon-gen (see names.h). */
#include "names.h"

#include <ctype.h>
#include <string.h>

char *lg_name_prefix(lg_arena *a, const char *service)
{
    char *p = lg_strdup(a, service);
    for (char *q = p; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    return p;
}

char *lg_name_uscore(lg_arena *a, const char *name)
{
    lg_sb sb = {0};
    for (const char *p = name; *p; p++) {
        if (*p == '_')
            lg_sb_puts(&sb, "_USCORE");
        else
            lg_sb_putc(&sb, *p);
    }
    char *r = lg_strndup(a, lg_sb_str(&sb), sb.len);
    lg_sb_free(&sb);
    return r;
}

char *lg_name_type(lg_arena *a, const lg_type *t)
{
    return lg_printf(a, "%s__%s", t->service->prefix, lg_name_uscore(a, t->name));
}

char *lg_name_op(lg_arena *a, const lg_service *s, const char *op)
{
    return lg_printf(a, "%s__%s", s->prefix, lg_name_uscore(a, op));
}

char *lg_name_response(lg_arena *a, const lg_service *s, const char *op)
{
    return lg_printf(a, "%s__%sResponse", s->prefix, lg_name_uscore(a, op));
}

char *lg_name_op_tag(lg_arena *a, const lg_service *s, const char *op)
{
    return lg_printf(a, "%s:%s", s->prefix, op);
}

char *lg_name_member(lg_arena *a, const char *name)
{
    if (strchr(name, '_') != NULL)
        return lg_printf(a, "%s `%s`", name, name);
    return lg_strdup(a, name);
}

char *lg_name_gsoap_type(lg_arena *a, lg_base b, const lg_type *t)
{
    switch (b) {
    case LG_INT: return lg_strdup(a, "int");
    case LG_INT64: return lg_strdup(a, "xsd__long");
    case LG_DOUBLE: return lg_strdup(a, "double");
    case LG_BOOL: return lg_strdup(a, "bool");
    case LG_STRING: return lg_strdup(a, "char *");
    case LG_TIME: return lg_strdup(a, "xsd__dateTime");
    case LG_BINARY: return lg_strdup(a, "struct xsd__base64Binary");
    case LG_ENUM: return lg_printf(a, "enum %s", lg_name_type(a, t));
    case LG_STRUCT: return lg_printf(a, "struct %s", lg_name_type(a, t));
    }
    return lg_strdup(a, "?");
}

char *lg_name_xml_type(lg_arena *a, lg_base b, const lg_type *t)
{
    switch (b) {
    case LG_INT: return lg_strdup(a, "xsd:int");
    case LG_INT64: return lg_strdup(a, "xsd:long");
    case LG_DOUBLE: return lg_strdup(a, "xsd:double");
    case LG_BOOL: return lg_strdup(a, "xsd:boolean");
    case LG_STRING: return lg_strdup(a, "xsd:string");
    case LG_TIME: return lg_strdup(a, "xsd:dateTime");
    case LG_BINARY: return lg_strdup(a, "xsd:base64Binary");
    case LG_ENUM:
    case LG_STRUCT: return lg_printf(a, "%s:%s", t->service->prefix, t->name);
    }
    return lg_strdup(a, "?");
}

char *lg_name_wsdl_file(lg_arena *a, const lg_service *s)
{
    return lg_printf(a, "%s.wsdl", s->name);
}

char *lg_name_guard(lg_arena *a, const char *name, const char *suffix)
{
    char *g = lg_printf(a, "LADON_GEN_%s_%s", name, suffix);
    for (char *q = g; *q; q++)
        *q = isalnum((unsigned char)*q) ? (char)toupper((unsigned char)*q) : '_';
    return g;
}

char *lg_name_doc_type(lg_arena *a, const lg_type *t)
{
    return lg_name_uscore(a, t->name);
}

char *lg_name_doc_field(lg_arena *a, const lg_type *t, const char *field)
{
    return lg_printf(a, "%s::%s", t->name, field);
}

char *lg_name_doc_enumerator(lg_arena *a, const lg_type *t, const char *e)
{
    return lg_printf(a, "%s::%s", t->name, lg_name_uscore(a, e));
}

char *lg_name_doc_op(lg_arena *a, const char *op)
{
    return lg_name_uscore(a, op);
}

char *lg_name_doc_param(lg_arena *a, const char *op, const char *param)
{
    return lg_printf(a, "%s::%s", op, param);
}

bool lg_name_is_ident(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return false;
    return true;
}

/* C and C++ keywords (soapcpp2 reads C++) and soapcpp2's own words. */
static const char *const reserved_words[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char16_t", "char32_t", "class", "compl", "const", "constexpr",
    "const_cast", "continue", "decltype", "default", "delete", "do", "double", "dynamic_cast",
    "else", "enum", "explicit", "export", "extern", "false", "final", "float", "for", "friend",
    "goto", "if", "import", "inline", "int", "long", "mutable", "namespace", "new", "noexcept",
    "not", "not_eq", "nullptr", "operator", "or", "or_eq", "override", "private", "protected",
    "public", "register", "reinterpret_cast", "restrict", "return", "short", "signed", "sizeof",
    "static", "static_assert", "static_cast", "struct", "switch", "template", "this",
    "thread_local", "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned",
    "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    "size_t", "time_t", "LONG64", "ULONG64", "mustUnderstand", "soap", "std",
};

bool lg_name_is_reserved(const char *s, const char **why)
{
    if (s[0] == '_') {
        *why = "names starting with '_' are reserved by gSOAP";
        return true;
    }
    if (strstr(s, "__") != NULL) {
        *why = "names containing '__' are reserved by gSOAP";
        return true;
    }
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == '_') {
        *why = "gSOAP drops a trailing '_' from XML names";
        return true;
    }
    for (size_t i = 0; i < sizeof reserved_words / sizeof reserved_words[0]; i++) {
        if (strcmp(s, reserved_words[i]) == 0) {
            *why = "it is a C/C++ keyword or a name soapcpp2 reserves";
            return true;
        }
    }
    return false;
}

bool lg_name_service_ok(const char *s)
{
    if (!isalpha((unsigned char)*s))
        return false;
    for (s++; *s; s++)
        if (!isalnum((unsigned char)*s))
            return false;
    return true;
}

bool lg_name_prefix_reserved(const char *prefix)
{
    static const char *const taken[] = {"xsd", "xsi", "xml", "xmlns", "soap", "soap-env", "soap-enc",
                                        "wsdl", "http", "mime", "dime", "tns", "c14n", "ds", "wsa",
                                        "wsse", "wsu", "xop", "xmime", "chan"};
    for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
        if (strcmp(prefix, taken[i]) == 0)
            return true;
    return false;
}
