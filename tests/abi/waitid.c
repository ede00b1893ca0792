/* waitid: P_PID, P_PGID and P_ALL; WEXITED, WSTOPPED, WCONTINUED and
 * WNOWAIT (the child stays waitable); the siginfo it fills (si_signo
 * SIGCHLD, si_code CLD_*, si_pid, si_uid, si_status); WNOHANG with
 * nothing ready zeroes si_pid; the option errors. */
#include "abi.h"
#include <signal.h>
#include <sys/wait.h>

static const char *code(int c)
{
	switch (c) {
	case CLD_EXITED:
		return "CLD_EXITED";
	case CLD_KILLED:
		return "CLD_KILLED";
	case CLD_DUMPED:
		return "CLD_DUMPED";
	case CLD_STOPPED:
		return "CLD_STOPPED";
	case CLD_CONTINUED:
		return "CLD_CONTINUED";
	}
	return "other";
}

static void show(const char *what, int r, siginfo_t *si, pid_t want)
{
	int e = errno;
	if (r < 0) {
		printf("%s: %s\n", what, errname(e));
		return;
	}
	printf("%s: signo %s code %s status %d pid %s uid %s\n", what,
	       si->si_signo == SIGCHLD ? "SIGCHLD" : "other", code(si->si_code), si->si_status,
	       si->si_pid == want ? "right" : "wrong", si->si_uid == getuid() ? "ours" : "other");
}

static pid_t child(int how)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		if (how == 0)
			_exit(7);
		if (how == 1)
			for (;;)
				pause();
		if (how == 2) {
			setpgid(0, 0);
			_exit(9);
		}
		_exit(0);
	}
	return c;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	siginfo_t si;

	pid_t a = child(0);
	memset(&si, 0, sizeof(si));
	int r = waitid(P_PID, a, &si, WEXITED | WNOWAIT);
	show("P_PID WNOWAIT", r, &si, a);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, a, &si, WEXITED);
	show("P_PID again (still there)", r, &si, a);
	memset(&si, 0, sizeof(si));
	err("P_PID after it was reaped", waitid(P_PID, a, &si, WEXITED));

	/* Stop, continue, kill. */
	pid_t b = child(1);
	kill(b, SIGSTOP);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, b, &si, WSTOPPED);
	show("WSTOPPED", r, &si, b);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, b, &si, WSTOPPED | WNOHANG);
	printf("WSTOPPED again: %s, si_pid %s\n", r < 0 ? errname(errno) : "0",
	       si.si_pid == 0 ? "0" : "set");
	kill(b, SIGCONT);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, b, &si, WCONTINUED);
	show("WCONTINUED", r, &si, b);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, b, &si, WEXITED | WNOHANG);
	printf("WNOHANG while running: %s, si_pid %s\n", r < 0 ? errname(errno) : "0",
	       si.si_pid == 0 ? "0" : "set");
	kill(b, SIGTERM);
	memset(&si, 0, sizeof(si));
	r = waitid(P_ALL, 0, &si, WEXITED);
	show("P_ALL killed", r, &si, b);

	/* A child in a group of its own, found by P_PGID. */
	pid_t c = child(2);
	setpgid(c, c); /* either side may win the race; both ask for the same */
	memset(&si, 0, sizeof(si));
	r = waitid(P_PGID, c, &si, WEXITED);
	show("P_PGID", r, &si, c);

	err("P_ALL with no children", waitid(P_ALL, 0, &si, WEXITED));
	err("no WEXITED/WSTOPPED/WCONTINUED", waitid(P_ALL, 0, &si, WNOHANG));
	err("unknown option bit", waitid(P_ALL, 0, &si, WEXITED | 0x100));
	err("unknown idtype", waitid((idtype_t)77, 0, &si, WEXITED));
	err("P_PID of no one", waitid(P_PID, 0x3ffffff0, &si, WEXITED));
	pid_t d = child(0);
	err("bad siginfo pointer", syscall(SYS_waitid, P_PID, d, (void *)8, WEXITED, NULL));
	err("then the child is gone", waitid(P_PID, d, &si, WEXITED | WNOHANG));
	return 0;
}
