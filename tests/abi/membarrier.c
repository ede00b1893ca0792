/* membarrier: QUERY's commands, registration before the private expedited
 * commands (EPERM), GET_REGISTRATIONS, the global ones, flags and unknown
 * commands, registrations kept by fork and threads and dropped by exec.
 * (The RSEQ commands depend on rseq and are left out.) */
#include "abi.h"

#include <pthread.h>
#include <sys/wait.h>

#define Q		  0
#define GLOBAL		  (1 << 0)
#define GLOBAL_EXP	  (1 << 1)
#define REG_GLOBAL_EXP	  (1 << 2)
#define PRIV_EXP	  (1 << 3)
#define REG_PRIV_EXP	  (1 << 4)
#define PRIV_EXP_SYNC	  (1 << 5)
#define REG_PRIV_EXP_SYNC (1 << 6)
#define GET_REG		  (1 << 9)

static long mb(int cmd, unsigned flags)
{
	return syscall(SYS_membarrier, cmd, flags, 0);
}

static volatile int stop;

static void *spin(void *arg)
{
	while (!stop)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[2], "exec") == 0) {
		val("after exec: registrations", mb(GET_REG, 0));
		err("after exec: PRIVATE_EXPEDITED", mb(PRIV_EXP, 0));
		return 0;
	}
	long q = mb(Q, 0);
	need("query", q);
	static const struct {
		int bit;
		const char *name;
	} cmds[] = {
	    {GLOBAL, "GLOBAL"},
	    {GLOBAL_EXP, "GLOBAL_EXPEDITED"},
	    {REG_GLOBAL_EXP, "REGISTER_GLOBAL_EXPEDITED"},
	    {PRIV_EXP, "PRIVATE_EXPEDITED"},
	    {REG_PRIV_EXP, "REGISTER_PRIVATE_EXPEDITED"},
	    {PRIV_EXP_SYNC, "PRIVATE_EXPEDITED_SYNC_CORE"},
	    {REG_PRIV_EXP_SYNC, "REGISTER_PRIVATE_EXPEDITED_SYNC_CORE"},
	    {GET_REG, "GET_REGISTRATIONS"},
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char what[80];
		snprintf(what, sizeof(what), "query has %s", cmds[i].name);
		yes(what, q & cmds[i].bit);
	}
	err("query with flags", mb(Q, 1));
	val("registrations", mb(GET_REG, 0));
	err("PRIVATE_EXPEDITED unregistered", mb(PRIV_EXP, 0));
	err("SYNC_CORE unregistered", mb(PRIV_EXP_SYNC, 0));
	val("GLOBAL", mb(GLOBAL, 0));
	val("GLOBAL_EXPEDITED unregistered", mb(GLOBAL_EXP, 0));

	val("REGISTER_PRIVATE_EXPEDITED", mb(REG_PRIV_EXP, 0));
	val("PRIVATE_EXPEDITED", mb(PRIV_EXP, 0));
	err("SYNC_CORE still unregistered", mb(PRIV_EXP_SYNC, 0));
	val("registrations", mb(GET_REG, 0));
	val("REGISTER_PRIVATE_EXPEDITED again", mb(REG_PRIV_EXP, 0));
	val("REGISTER_GLOBAL_EXPEDITED", mb(REG_GLOBAL_EXP, 0));
	val("GLOBAL_EXPEDITED", mb(GLOBAL_EXP, 0));
	val("REGISTER_PRIVATE_EXPEDITED_SYNC_CORE", mb(REG_PRIV_EXP_SYNC, 0));
	val("PRIVATE_EXPEDITED_SYNC_CORE", mb(PRIV_EXP_SYNC, 0));
	val("registrations", mb(GET_REG, 0));

	err("PRIVATE_EXPEDITED with flags", mb(PRIV_EXP, 1));
	err("GLOBAL with flags", mb(GLOBAL, 2));
	err("command 3", mb(3, 0));
	err("command 1024", mb(1024, 0));
	err("command -1", mb(-1, 0));

	/* With other threads running. */
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, spin, NULL);
	long r = 0;
	for (int i = 0; i < 100 && r == 0; i++)
		r = mb(PRIV_EXP, 0);
	val("100 PRIVATE_EXPEDITED with threads", r);
	val("GLOBAL with threads", mb(GLOBAL, 0));
	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);

	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		val("child: registrations", mb(GET_REG, 0));
		val("child: PRIVATE_EXPEDITED", mb(PRIV_EXP, 0));
		fflush(stdout);
		char *nargv[] = {argv[0], argv[1], "exec", NULL};
		execv("/proc/self/exe", nargv);
		printf("execv: %s\n", errname(errno));
		_exit(1);
	}
	int st;
	waitpid(c, &st, 0);
	printf("child status: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}
