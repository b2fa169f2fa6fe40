#!/usr/bin/python3
"""The WSDL ladon-gen writes describes exactly what soapcpp2's WSDL describes.

ladon-gen writes each service's WSDL itself (codegen/emit_wsdl.c) and runs soapcpp2 with -w.
The wire format is gSOAP's serializers', generated from NAME.gsoap.h, so the contract must stay
what soapcpp2 writes from that same NAME.gsoap.h.  run.sh's `contract` mode runs soapcpp2 without
-w on it and calls this script for each service:

    wsdl_contract.py LADON.wsdl SOAPCPP2.wsdl

Both documents are reduced to a canonical tree: every element with its attributes (QName values
resolved to {namespace}local with the declarations in scope), its text with whitespace collapsed
and its children; the children of <definitions> and of the schema in any order (their order is
no part of the contract), everything else in order; comments dropped.  soapcpp2's tree first gets
exactly the differences ladon-gen means to make:
  - only the schema of the service's own namespace, without its <import>s (of the other
    services of the binding, and of SOAP-ENC, which document/literal never uses);
  - message parts named `parameters` (soapcpp2: `Body`), also in soap:body's parts=;
  - no service <documentation> where soapcpp2 writes its own "gSOAP ... generated service
    definition" (the service has no doc comment).
The trees must then be equal.  Also, LADON.wsdl must declare no namespace but the service's own,
XML Schema's, WSDL's and WSDL's SOAP binding's.  Exit status 0 when all holds, 1 with the
differences printed.
"""

import difflib
import pprint
import re
import sys
import xml.etree.ElementTree as ET

WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"
QNAME_ATTRS = ("type", "base", "element", "message", "binding")
GSOAP_SERVICE_DOC = re.compile(r"^gSOAP [0-9.]+ generated service definition$")


def parse(path):
    """The root element, the namespace declarations in scope of each element, and every URI
    declared anywhere."""
    scopes, stack, pending, declared = {}, [{}], [], set()
    root = None
    for event, item in ET.iterparse(path, events=("start-ns", "start", "end")):
        if event == "start-ns":
            pending.append(item)
            declared.add(item[1])
        elif event == "start":
            scope = dict(stack[-1])
            scope.update(pending)
            pending = []
            stack.append(scope)
            scopes[item] = scope
            if root is None:
                root = item
        else:
            stack.pop()
    return root, scopes, declared


def resolve(value, scope, where):
    prefix, _, local = value.rpartition(":")
    if prefix not in scope:
        raise ValueError("%s: prefix %r of %r is not declared" % (where, prefix, value))
    return "{%s}%s" % (scope[prefix], local)


def canon(el, scopes, unordered=()):
    attrs = []
    for name, value in sorted(el.attrib.items()):
        if name in QNAME_ATTRS:
            value = resolve(value, scopes[el], el.tag)
        attrs.append((name, value))
    children = [canon(c, scopes, unordered) for c in el]
    if el.tag in unordered:
        children.sort(key=repr)
    return (el.tag, tuple(attrs), " ".join((el.text or "").split()), tuple(children))


def as_ladon_means(root):
    """soapcpp2's WSDL with the differences ladon-gen makes on purpose."""
    own = root.get("targetNamespace")
    types = root.find("{%s}types" % WSDL)
    for schema in list(types):
        if schema.get("targetNamespace") != own:
            types.remove(schema)
            continue
        for imp in schema.findall("{%s}import" % XSD):
            schema.remove(imp)
    for part in root.iter("{%s}part" % WSDL):
        if part.get("name") == "Body":
            part.set("name", "parameters")
    for body in root.iter("{%s}body" % WSDL_SOAP):
        if body.get("parts") == "Body":
            body.set("parts", "parameters")
    for service in root.findall("{%s}service" % WSDL):
        for doc in service.findall("{%s}documentation" % WSDL):
            if GSOAP_SERVICE_DOC.match(" ".join((doc.text or "").split())):
                service.remove(doc)
    return root


def main(ours_path, theirs_path):
    problems = []
    ours, ours_scopes, declared = parse(ours_path)
    theirs, theirs_scopes, _ = parse(theirs_path)
    own = ours.get("targetNamespace")
    for uri in sorted(declared - {own, XSD, WSDL, WSDL_SOAP}):
        problems.append("%s declares namespace %r, which it does not need" % (ours_path, uri))
    unordered = ("{%s}definitions" % WSDL, "{%s}schema" % XSD)
    a = canon(ours, ours_scopes, unordered)
    b = canon(as_ladon_means(theirs), theirs_scopes, unordered)
    if a != b:
        diff = difflib.unified_diff(pprint.pformat(b, width=110).splitlines(),
                                    pprint.pformat(a, width=110).splitlines(),
                                    "soapcpp2 (as ladon-gen means it)", "ladon-gen", lineterm="", n=2)
        problems.append("%s does not describe what %s describes:\n%s"
                        % (ours_path, theirs_path, "\n".join(diff)))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: wsdl_contract.py LADON.wsdl SOAPCPP2.wsdl")
    sys.exit(main(sys.argv[1], sys.argv[2]))
