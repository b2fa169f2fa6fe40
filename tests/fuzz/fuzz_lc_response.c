/* fuzz_lc_response.c - libFuzzer harness: ladon-call's response reader
 * (tools/ladon-call/soapmsg.c, xmlsafe.c) and its output (output.c), on any bytes, as the
 * response of Calculator.inspect (every supported type, nested structs, arrays) read from the
 * WSDL embedded below (as ladon-gen writes it, shortened).
 *
 * Invariants: no crash, leak or sanitizer report; the HTTP status decides nothing but the
 * error kind; a response either gives a value or an error with exit status 1 (a fault) or 3,
 * never another; a value prints as a tree and as JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "soapmsg.h"
#include "wsdl.h"

static const char wsdl[] =
    "<definitions targetNamespace=\"urn:c\" xmlns:tns=\"urn:c\""
    " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
    " xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\" xmlns=\"http://schemas.xmlsoap.org/wsdl/\">"
    "<types><xsd:schema targetNamespace=\"urn:c\">"
    "<xsd:simpleType name=\"Level\"><xsd:restriction base=\"xsd:string\">"
    "<xsd:enumeration value=\"LOW\"/><xsd:enumeration value=\"HIGH\"/></xsd:restriction>"
    "</xsd:simpleType>"
    "<xsd:complexType name=\"Point\"><xsd:sequence><xsd:element name=\"x\" type=\"xsd:int\"/>"
    "<xsd:element name=\"y\" type=\"xsd:int\"/><xsd:element name=\"next\" type=\"tns:Point\""
    " minOccurs=\"0\"/></xsd:sequence></xsd:complexType>"
    "<xsd:complexType name=\"Inspection\"><xsd:sequence>"
    "<xsd:element name=\"title\" type=\"xsd:string\"/>"
    "<xsd:element name=\"big\" type=\"xsd:long\"/>"
    "<xsd:element name=\"half\" type=\"xsd:double\"/>"
    "<xsd:element name=\"flag\" type=\"xsd:boolean\"/>"
    "<xsd:element name=\"level\" type=\"tns:Level\"/>"
    "<xsd:element name=\"when\" type=\"xsd:dateTime\"/>"
    "<xsd:element name=\"bytes\" type=\"xsd:base64Binary\"/>"
    "<xsd:element name=\"moved\" type=\"tns:Point\"/>"
    "<xsd:element name=\"tags\" type=\"xsd:string\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>"
    "<xsd:element name=\"points\" type=\"tns:Point\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>"
    "</xsd:sequence></xsd:complexType>"
    "<xsd:element name=\"inspect\"><xsd:complexType><xsd:sequence/></xsd:complexType></xsd:element>"
    "<xsd:element name=\"inspectResponse\"><xsd:complexType><xsd:sequence>"
    "<xsd:element name=\"result\" type=\"tns:Inspection\"/></xsd:sequence></xsd:complexType>"
    "</xsd:element></xsd:schema></types>"
    "<message name=\"i\"><part name=\"p\" element=\"tns:inspect\"/></message>"
    "<message name=\"o\"><part name=\"p\" element=\"tns:inspectResponse\"/></message>"
    "<portType name=\"P\"><operation name=\"inspect\"><input message=\"tns:i\"/>"
    "<output message=\"tns:o\"/></operation></portType>"
    "<binding name=\"B\" type=\"tns:P\"><soap:binding style=\"document\""
    " transport=\"http://schemas.xmlsoap.org/soap/http\"/><operation name=\"inspect\">"
    "<input><soap:body use=\"literal\"/></input><output><soap:body use=\"literal\"/></output>"
    "</operation></binding>"
    "<service name=\"C\"><port name=\"p\" binding=\"tns:B\"><soap:address location=\"http://h/\"/>"
    "</port></service></definitions>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lc_arena *model;
    static const lc_op *op;
    static FILE *null;
    if (op == NULL) {
        lc_err err = {0};
        model = lc_arena_new();
        lc_wsdl *w = model != NULL ? lc_wsdl_read(model, wsdl, sizeof wsdl - 1, "embedded", &err)
                                   : NULL;
        if (w == NULL || (op = lc_service_op(&w->services[0], "inspect")) == NULL ||
            op->unsupported != NULL || (null = fopen("/dev/null", "w")) == NULL)
            abort();
    }
    lc_arena *a = lc_arena_new();
    if (a == NULL)
        return 0;
    long status = size > 0 && data[0] == 'F' ? 500 : 200;
    lc_err err = {0};
    lc_value *v = NULL;
    if (lc_soap_response(a, op, (const char *)data, size, status, &v, &err) == 0) {
        lc_print_tree(null, v);
        if (lc_print_json(null, v, &err) != 0)
            abort();
    } else if (err.code != LC_EXIT_FAULT && err.code != LC_EXIT_TRANSPORT) {
        abort();
    }
    lc_arena_free(a);
    return 0;
}
