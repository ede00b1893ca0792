/* uname: what a Linux x86-64 program may rely on. */
#include "abi.h"
#include <ctype.h>
#include <sys/utsname.h>

static int terminated(const char *s)
{
	return memchr(s, 0, sizeof(((struct utsname *)0)->sysname)) != NULL;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct utsname u;
	memset(&u, 0xff, sizeof(u));
	res("uname", uname(&u));
	printf("sysname: %s\n", u.sysname);
	printf("machine: %s\n", u.machine);
	yes("release starts with a digit", isdigit((unsigned char)u.release[0]));
	int major = atoi(u.release);
	yes("release is at least 3.2 (glibc's minimum)",
	    major > 3 || (major == 3 &&
			  atoi(strchr(u.release, '.') ? strchr(u.release, '.') + 1 : "0") >= 2));
	yes("nodename non-empty", u.nodename[0] != 0);
	yes("version non-empty", u.version[0] != 0);
	yes("every field NUL-terminated", terminated(u.sysname) && terminated(u.nodename) &&
					      terminated(u.release) && terminated(u.version) &&
					      terminated(u.machine) && terminated(u.domainname));
	char host[256];
	res("gethostname", gethostname(host, sizeof(host)));
	yes("gethostname == nodename", strcmp(host, u.nodename) == 0);
	return 0;
}
