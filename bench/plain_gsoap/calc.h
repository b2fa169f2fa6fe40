/* calc.h - soapcpp2 input of the plain gSOAP baseline server (bench/README.md):
 * Calculator.add with the same namespace, style and element names as the
 * example service of ladon-examples (services/calculator/calculator.h), so
 * the same request gets the same answer from both servers. */
//gsoap calc service name: Calculator
//gsoap calc service namespace: urn:ladon:examples:calculator
//gsoap calc service style: document
//gsoap calc service encoding: literal
//gsoap calc schema form: unqualified
int calc__add(int a, int b, int *result);
