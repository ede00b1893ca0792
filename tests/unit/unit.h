/*
 * Host unit tests (libcheck).  Each test file builds one Suite and registers it:
 *
 *   UNIT_SUITE(buddy_suite) { Suite *s = suite_create("buddy"); ...; return s; }
 *
 * The sources under test are the kernel's and the loader's own files, compiled
 * for the host with ASan and UBSan (see UNIT_UNDER_TEST in each build.mk).
 */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>

void unit_register(Suite *(*make)(void));

#define UNIT_SUITE(fn)                                                    \
	static Suite *fn(void);                                           \
	__attribute__((constructor)) static void unit_register_##fn(void) \
	{                                                                 \
		unit_register(fn);                                        \
	}                                                                 \
	static Suite *fn(void)

#endif
