/* Helpers shared by the unit tests. */
#ifndef DIAG_TEST_UTIL_H
#define DIAG_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Reads a whole file (tests only); aborts the test on failure. Caller frees. */
char *test_read_file(const char *path, size_t *len);
/* Path of a fixture: DIAG_FIXTURES "/" rel, in a static buffer. */
const char *test_fixture(const char *rel);

#endif
