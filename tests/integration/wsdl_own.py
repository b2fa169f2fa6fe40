"""What one service's WSDL may contain: its own contract and nothing of another service.

problems(text) lists what is wrong with one WSDL, as strings (empty: it stands alone):
  - every namespace it declares or imports is the service's own (its targetNamespace) or one of
    the XML Schema / SOAP / WSDL namespaces; no import of SOAP-ENC (document/literal never uses it);
  - it has exactly one schema, of the service's namespace;
  - every QName it uses (type=, element=, base=, message=, binding=) has a prefix bound to the
    service's namespace or to XML Schema;
  - every message part is named `parameters` (the WS-I wrapped convention).
Used by test_service_contracts.py on the example server's WSDLs and on ladon-gen's golden
WSDLs of the multi-service case.
"""

import re
import xml.etree.ElementTree as ET

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XSD = "http://www.w3.org/2001/XMLSchema"
SOAP_ENC = "http://schemas.xmlsoap.org/soap/encoding/"
STANDARD = {
    WSDL, XSD, SOAP_ENC,
    "http://schemas.xmlsoap.org/soap/envelope/",
    "http://www.w3.org/2001/XMLSchema-instance",
    "http://schemas.xmlsoap.org/wsdl/soap/",
    "http://schemas.xmlsoap.org/wsdl/http/",
    "http://schemas.xmlsoap.org/wsdl/mime/",
    "http://schemas.xmlsoap.org/ws/2002/04/dime/wsdl/",
}
QNAME_ATTRS = ("type", "element", "base", "message", "binding")


def problems(text):
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    out = []
    root = ET.fromstring(text)
    own = root.get("targetNamespace")
    if not own:
        return ["definitions has no targetNamespace"]
    # every xmlns:P="URI" anywhere (ElementTree drops declarations, so read the text)
    prefixes = {}
    for prefix, uri in re.findall(r'xmlns:([A-Za-z_][\w.-]*)="([^"]*)"', text):
        prefixes.setdefault(prefix, set()).add(uri)
        if uri != own and uri not in STANDARD:
            out.append("declares xmlns:%s=%r, a namespace of another service" % (prefix, uri))
    for prefix, uris in prefixes.items():
        if len(uris) > 1:
            out.append("prefix %s is bound to several namespaces: %s" % (prefix, sorted(uris)))
    schemas = root.findall("{%s}types/{%s}schema" % (WSDL, XSD))
    names = [s.get("targetNamespace") for s in schemas]
    if names != [own]:
        out.append("schemas %r, expected exactly one of %r" % (names, own))
    for imp in root.iter("{%s}import" % XSD):
        out.append("schema imports %r" % imp.get("namespace"))
    allowed = {p for p, uris in prefixes.items() if uris <= {own, XSD}}
    for el in root.iter():
        for attr in QNAME_ATTRS:
            value = el.get(attr)
            if value is None or ":" not in value:
                continue
            prefix = value.split(":", 1)[0]
            if prefix not in allowed:
                out.append("%s=%r uses a prefix not of this service" % (attr, value))
    for part in root.iter("{%s}part" % WSDL):
        if part.get("name") != "parameters":
            out.append("message part named %r, not 'parameters'" % part.get("name"))
    return out
