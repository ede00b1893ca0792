/* The root credentials (pallas/cred.h): what CT0's init and the kernel's
 * own file operations (initrd unpacking) act as. */
#include <pallas/cred.h>

const struct cred cred_root = {0};
