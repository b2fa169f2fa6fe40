/* bar.h - the one-line progress bar ladon-call draws on a terminal while it follows a task:
 * percent, a bar, the state, the time elapsed, an estimate of the time left (once progress
 * is above 0) and the task's status message, cut to the terminal's width.  Pure formatting,
 * so the unit tests can reach it; task.c draws it.
 * Copyright (C) 2026 the Ladon-C authors. GPL-2.0-or-later. */
#ifndef LC_BAR_H
#define LC_BAR_H

#include <stddef.h>

/* "0:07", "12:34", "1:02:03" for s seconds (negative or not finite: "--:--"). */
void lc_format_seconds(char *buf, size_t size, double s);
/* The bar line for a terminal columns wide (it uses at most columns - 1 columns, so the
 * cursor never wraps; columns < 20 counts as 20), e.g.
 *   " 42% [########            ] running  0:12 elapsed  ~0:17 left  step 25 of 60"
 * progress is clamped to 0..1; message may be NULL; it is cut at a character boundary
 * (each UTF-8 character counted as one column) and control characters become spaces. */
void lc_bar_format(char *buf, size_t size, int columns, double progress, const char *state,
                   const char *message, double elapsed);

#endif
