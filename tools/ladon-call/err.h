/* err.h - how ladon-call reports a failure: one message and the exit status it leads to
 * (0 success, 1 SOAP fault or failed task, 2 usage or WSDL error, 3 transport error,
 * 130 interrupted).  Errors are recorded where they happen and returned upward.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_ERR_H
#define LC_ERR_H

enum {
    LC_EXIT_OK = 0,
    LC_EXIT_FAULT = 1,
    LC_EXIT_USAGE = 2,
    LC_EXIT_TRANSPORT = 3,
    LC_EXIT_INTERRUPTED = 130,
};

typedef struct lc_err {
    int code;       /* an LC_EXIT_* status; 0 while no error was recorded */
    char msg[2048]; /* what went wrong, without a trailing newline */
} lc_err;

/* Records the error (replacing an earlier one) and returns -1, so that a failing function can
 * `return lc_err_set(err, LC_EXIT_USAGE, "...")`. */
int lc_err_set(lc_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Records "out of memory" (exit status 3: not the user's fault) and returns -1. */
int lc_err_nomem(lc_err *err);

#endif
