#include <libdiag/version.h>

DIAG_API const char *diag_version(void) { return DIAG_VERSION_STRING; }

DIAG_API unsigned diag_version_number(void) { return DIAG_VERSION_NUMBER; }
