/* run_soapcpp2.h - runs soapcpp2 on the generated gSOAP header.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LG_RUN_SOAPCPP2_H
#define LG_RUN_SOAPCPP2_H

#include "util.h"

/* Runs `soapcpp2 -c -S -L -x -w -d . [-I import_dir] input` in dir (input is a
 * file name inside dir), with its output going to dir/soapcpp2.log.
 * soapcpp2 is a path or a name looked up in PATH; it writes the C code and
 * no WSDL (-w: ladon-gen writes each service's own).  Returns 0 when it exited
 * with status 0, or -1 with the reason (and soapcpp2's output) in d. */
int lg_run_soapcpp2(const char *soapcpp2, const char *dir, const char *input, const char *import_dir, lg_diag *d);

/* Removes the SOAP_SOURCE_STAMP("... date ...") line soapcpp2 writes into
 * soapC.c / soapServer.c, so the output is deterministic.  0 or -1. */
int lg_strip_stamp(const char *path, lg_diag *d);

/* Makes soapServer.c's operations end reading a request with the runtime's
 * ladon_end_recv() (ladon/service.h: soap_end_recv without its walk of an
 * id table the runtime knows is empty) instead of soap_end_recv(), and
 * includes ladon/service.h for it.  Checks that soapcpp2 wrote what this
 * expects: one call per operation.  0 or -1 with the reason in d. */
int lg_use_ladon_end_recv(const char *path, lg_diag *d);

#endif /* LG_RUN_SOAPCPP2_H */
