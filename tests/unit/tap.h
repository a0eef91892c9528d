/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP-style reporter for the userspace unit tests: one line per
 * test, `ok N - what` or `not ok N - what`, and a closing `N passed, N failed`
 * line that `make check` sums over every suite.
 */
#ifndef _LDWATCH_TAP_H
#define _LDWATCH_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static unsigned int tap_passed, tap_failed;

__attribute__((format(printf, 2, 3)))
static bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %u - ", cond ? "" : "not ", tap_passed + tap_failed + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (cond)
		tap_passed++;
	else
		tap_failed++;
	return cond;
}

/* Detail for the test just reported, as a TAP comment. */
__attribute__((format(printf, 1, 2)))
static void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("#   ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int tap_done(void)
{
	printf("%u passed, %u failed\n", tap_passed, tap_failed);
	return tap_failed ? 1 : 0;
}

#endif /* _LDWATCH_TAP_H */
