/* The credentials of root, which CT0's init starts with (pallas/cred.h). */
#include <pallas/cred.h>

const struct cred cred_root;
