/* Resource limits: the runner starts every program with RLIMIT_STACK 8 MiB
 * and RLIMIT_NOFILE 1024 (soft); prlimit64 and getrlimit agree. */
#include "abi.h"
#include <sys/resource.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct rlimit st, nf;
	res("getrlimit RLIMIT_STACK", getrlimit(RLIMIT_STACK, &st));
	val("RLIMIT_STACK soft", (long)st.rlim_cur);
	yes("RLIMIT_STACK hard >= soft", st.rlim_max >= st.rlim_cur);
	struct rlimit pr;
	res("prlimit64 RLIMIT_STACK", syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &pr));
	yes("prlimit64 == getrlimit", pr.rlim_cur == st.rlim_cur && pr.rlim_max == st.rlim_max);
	res("getrlimit RLIMIT_NOFILE", getrlimit(RLIMIT_NOFILE, &nf));
	val("RLIMIT_NOFILE soft", (long)nf.rlim_cur);
	yes("RLIMIT_NOFILE hard >= soft", nf.rlim_max >= nf.rlim_cur);

	struct rlimit lower = {nf.rlim_cur / 2, nf.rlim_max};
	res("setrlimit RLIMIT_NOFILE to half", setrlimit(RLIMIT_NOFILE, &lower));
	struct rlimit back;
	getrlimit(RLIMIT_NOFILE, &back);
	yes("the new soft limit reads back", back.rlim_cur == nf.rlim_cur / 2);
	struct rlimit old;
	res("prlimit64 set and get old", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &nf, &old));
	yes("old value returned", old.rlim_cur == nf.rlim_cur / 2);
	struct rlimit inverted = {nf.rlim_max, nf.rlim_max - 1};
	err("soft above hard", setrlimit(RLIMIT_NOFILE, &inverted));
	err("unknown resource", syscall(SYS_prlimit64, 0, 1000, NULL, &old));
	err("getrlimit unknown resource", getrlimit(1000, &old));
	err("prlimit64 of a missing pid",
	    syscall(SYS_prlimit64, 0x3fffffff, RLIMIT_STACK, NULL, &old));
	return 0;
}
