/* wait's status words: exit codes, deaths by signal, WNOHANG on a child
 * still running, waiting for one PID among several, ECHILD. */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static pid_t child_exit(int code)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0)
		_exit(code);
	return c;
}

static pid_t child_sleeper(void)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		struct timespec ts = {5, 0};
		nanosleep(&ts, NULL);
		_exit(99);
	}
	return c;
}

static void report(const char *what, pid_t c)
{
	int st;
	pid_t w = waitpid(c, &st, 0);
	printf("%s: %s", what, w == c ? "reaped" : "wrong pid");
	if (WIFEXITED(st))
		printf(" exited %d\n", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf(" killed by %d core %d\n", WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
	else
		printf(" status %#x\n", st);
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	pid_t a = child_exit(0), b = child_exit(1), c = child_exit(255);
	report("b", b);
	report("c", c);
	report("a", a);
	pid_t s = child_sleeper();
	int st;
	val("WNOHANG on a running child", waitpid(s, &st, WNOHANG));
	val("WNOHANG any", waitpid(-1, &st, WNOHANG));
	need("kill", kill(s, SIGKILL));
	report("killed", s);
	s = child_sleeper();
	kill(s, SIGTERM);
	report("terminated", s);
	s = child_sleeper();
	kill(s, SIGSEGV);
	report("segv", s);
	err("waitpid on a non-child", waitpid(1, &st, 0));
	err("waitpid any, none left", waitpid(-1, &st, 0));
	err("bad options", waitpid(-1, &st, 0x4000));
	return 0;
}
