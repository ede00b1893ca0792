/* Credentials: real and effective ids agree (no set-id program), whatever
 * user runs the test. */
#include "abi.h"

int main(int argc, char **argv)
{
	scratch(argc, argv);
	yes("getuid == geteuid", getuid() == geteuid());
	yes("getgid == getegid", getgid() == getegid());
	yes("raw getuid == getuid", syscall(SYS_getuid) == getuid());
	yes("raw geteuid == geteuid", syscall(SYS_geteuid) == geteuid());
	yes("raw getgid == getgid", syscall(SYS_getgid) == getgid());
	yes("raw getegid == getegid", syscall(SYS_getegid) == getegid());
	yes("uid stable", getuid() == getuid());
	return 0;
}
