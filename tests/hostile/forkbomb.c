/*
 * forkbomb: a fork bomb held by RLIMIT_NPROC (tests/hostile/README.md).
 * Each process forks as fast as it can; every child does the same, until
 * fork fails.  All of them then wait on a pipe the first process holds;
 * closing it ends them all, and every one is reaped by its parent.
 * Pallas applies RLIMIT_NPROC to root too (containers/rlimit.h), Linux does
 * not, so this runs in Pallas only; FORK_CAP bounds it if the limit is not
 * enforced (then it reports `hit EAGAIN: no`).
 *
 * Output, independent of timing: whether fork failed with EAGAIN, whether
 * the number of processes stayed within the limit, whether every child was
 * reaped, and whether fork works again afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIMIT	 40
#define FORK_CAP 400

struct counts {
	int forks, eagain, other_err, reaped, bad_status;
};

static struct counts *cnt;

/* Forks until refused; returns how many children this process has. */
static int bomb(int *kids, int max)
{
	int n = 0;

	while (n < max) {
		if (__atomic_load_n(&cnt->forks, __ATOMIC_RELAXED) >= FORK_CAP)
			break;
		pid_t pid = fork();
		if (pid < 0) {
			if (errno == EAGAIN)
				__atomic_add_fetch(&cnt->eagain, 1, __ATOMIC_RELAXED);
			else
				__atomic_add_fetch(&cnt->other_err, 1, __ATOMIC_RELAXED);
			break;
		}
		if (pid == 0) {
			n = 0; /* the child starts its own bomb */
			continue;
		}
		__atomic_add_fetch(&cnt->forks, 1, __ATOMIC_RELAXED);
		kids[n++] = pid;
	}
	return n;
}

static void reap(const int *kids, int n)
{
	for (int i = 0; i < n; i++) {
		int st;
		if (waitpid(kids[i], &st, 0) == kids[i]) {
			__atomic_add_fetch(&cnt->reaped, 1, __ATOMIC_RELAXED);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				__atomic_add_fetch(&cnt->bad_status, 1, __ATOMIC_RELAXED);
		}
	}
}

int main(void)
{
	struct rlimit lim = {LIMIT, LIMIT};
	int p[2], kids[FORK_CAP];
	int top = getpid();

	setvbuf(stdout, NULL, _IONBF, 0);
	cnt = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cnt == MAP_FAILED || pipe(p) || setrlimit(RLIMIT_NPROC, &lim)) {
		perror("forkbomb: set up");
		return 1;
	}
	printf("forkbomb: limit %d\n", LIMIT);
	int n = bomb(kids, FORK_CAP);
	if (getpid() != top) {
		close(p[1]);
		char c;
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		reap(kids, n);
		_exit(0);
	}
	/* Give the others time to run into the limit too, then release them. */
	for (int i = 0; i < 50 && __atomic_load_n(&cnt->eagain, __ATOMIC_RELAXED) < 4; i++)
		usleep(20000);
	close(p[0]);
	close(p[1]);
	reap(kids, n);
	int forks = __atomic_load_n(&cnt->forks, __ATOMIC_RELAXED);
	printf("hit EAGAIN: %s\n", cnt->eagain > 0 ? "yes" : "no");
	printf("other errors: %s\n", cnt->other_err ? "yes" : "no");
	printf("processes within the limit: %s\n", forks + 1 <= LIMIT ? "yes" : "no");
	printf("all reaped: %s\n", cnt->reaped == forks && !cnt->bad_status ? "yes" : "no");
	printf("no children left: %s\n",
	       waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD ? "yes" : "no");
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	int st = 0;
	waitpid(pid, &st, 0);
	printf("fork after: %s\n",
	       pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7 ? "ok" : "failed");
	return 0;
}
