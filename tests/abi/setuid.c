/* The set*id calls: root may set any ids; an unprivileged process only
 * moves among its real, effective and saved ones; setgroups needs root. */
#include "abi.h"
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/wait.h>

static void show(const char *what)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("%s: uid %u %u %u gid %u %u %u\n", what, r, e, s, gr, ge, gs);
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	if (getuid() != 0) {
		printf("not root\n");
		return 0;
	}
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		gid_t g[] = {10, 20, 30};
		res("setgroups", setgroups(3, g));
		val("getgroups count", getgroups(0, NULL));
		res("setresgid 100 200 300", setresgid(100, 200, 300));
		res("setresuid 1000 2000 3000", setresuid(1000, 2000, 3000));
		show("after setres");
		err("setuid to a stranger", setuid(5));
		res("seteuid to the saved id", seteuid(3000));
		res("seteuid back to the real id", seteuid(1000));
		show("after seteuid");
		err("setresuid to a stranger", setresuid(-1, 7, -1));
		res("setreuid swapping real and effective", setreuid(1000, 3000));
		show("after setreuid");
		err("setgroups unprivileged", setgroups(1, g));
		printf("setfsuid returns the old fsuid: %d\n", setfsuid(1000) == 3000);
		err("setuid(-1)", setuid((uid_t)-1));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	c = fork();
	if (c == 0) {
		res("root setuid 1234", setuid(1234));
		show("after root setuid");
		err("and back to 0", setuid(0));
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, &st, 0);
	show("parent still");
	return 0;
}
