/* Raw clone's sharing flags: CLONE_PARENT_SETTID and CLONE_CHILD_SETTID
 * store the TID; CLONE_CHILD_CLEARTID clears it and wakes a futex at exit;
 * CLONE_VFORK holds the parent until the child exits; CLONE_FILES shares
 * the descriptor table and CLONE_FS the cwd and umask (and without them
 * each side has its own); the flag combinations Linux refuses. */
#include "abi.h"
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

static char stack[4][65536] __attribute__((aligned(16)));
static volatile pid_t ptid, ctid_store;
static volatile int child_fd = -1;
static const char *dir;

/* The child of a raw clone with its own stack runs fn and exits with its
 * value, never returning into the caller's frame. */
static long raw_clone(unsigned long flags, void *stk, volatile pid_t *pt, volatile pid_t *ct,
		      int (*fn)(void))
{
	long r;
	register long r10 asm("r10") = (long)ct;
	register long r8 asm("r8") = 0;
	asm volatile("syscall"
		     : "=a"(r)
		     : "0"(SYS_clone), "D"(flags), "S"(stk), "d"(pt), "r"(r10), "r"(r8)
		     : "rcx", "r11", "memory");
	if (r == 0) {
		int v = fn();
		syscall(SYS_exit, v);
		for (;;)
			;
	}
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

static int opener(void)
{
	child_fd = open("/dev/null", O_RDONLY);
	return 0;
}

static int chdirer(void)
{
	chdir(dir);
	umask(077);
	return 0;
}

static volatile int vfork_child_done;
static int vforker(void)
{
	usleep(50000);
	vfork_child_done = 1;
	return 0;
}

static int quick(void)
{
	return 3;
}

static void run_files(const char *what, unsigned long share)
{
	child_fd = -1;
	long c =
	    raw_clone(share | CLONE_VM | SIGCHLD, stack[0] + sizeof(stack[0]), NULL, NULL, opener);
	int st;
	waitpid(c, &st, __WALL);
	int shared = child_fd >= 0 && fcntl(child_fd, F_GETFD) >= 0;
	printf("%s: the child's new fd %s in the parent\n", what, shared ? "open" : "not open");
	if (shared)
		close(child_fd);
}

static void run_fs(const char *what, unsigned long share)
{
	char before[4096], after[4096];
	getcwd(before, sizeof(before));
	mode_t m0 = umask(022);
	umask(022);
	long c =
	    raw_clone(share | CLONE_VM | SIGCHLD, stack[1] + sizeof(stack[1]), NULL, NULL, chdirer);
	int st;
	waitpid(c, &st, __WALL);
	getcwd(after, sizeof(after));
	mode_t m1 = umask(022);
	printf("%s: cwd %s, umask %s\n", what, strcmp(before, after) ? "changed" : "kept",
	       m1 == 077 ? "changed" : "kept");
	chdir(before);
	umask(m0);
}

int main(int argc, char **argv)
{
	dir = scratch(argc, argv);
	fflush(stdout);

	ptid = 0;
	ctid_store = 0;
	long c = raw_clone(CLONE_VM | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD,
			   stack[2] + sizeof(stack[2]), &ptid, &ctid_store, quick);
	int st;
	waitpid(c, &st, __WALL);
	yes("PARENT_SETTID stored the tid", ptid == c);
	yes("CHILD_SETTID stored the tid", ctid_store == c);
	yes("exit code 3", WIFEXITED(st) && WEXITSTATUS(st) == 3);

	/* CLEARTID: zero and a futex wake at the child's exit. */
	ctid_store = 1;
	c = raw_clone(CLONE_VM | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,
		      stack[2] + sizeof(stack[2]), NULL, &ctid_store, vforker);
	int woke = 0;
	for (int i = 0; i < 100 && ctid_store; i++) {
		pid_t v = ctid_store;
		if (v && syscall(SYS_futex, &ctid_store, FUTEX_WAIT, v, NULL) == 0)
			woke = 1;
	}
	yes("CLEARTID zeroed the word", ctid_store == 0);
	waitpid(c, &st, __WALL);
	yes("exited normally", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	(void)woke;

	vfork_child_done = 0;
	c = raw_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, stack[3] + sizeof(stack[3]), NULL, NULL,
		      vforker);
	yes("CLONE_VFORK: the child was done before clone returned", vfork_child_done);
	waitpid(c, &st, __WALL);

	run_files("CLONE_FILES", CLONE_FILES);
	run_files("no CLONE_FILES", 0);
	run_fs("CLONE_FS", CLONE_FS);
	run_fs("no CLONE_FS", 0);

	err("CLONE_SIGHAND without CLONE_VM",
	    syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0));
	err("CLONE_THREAD without CLONE_SIGHAND",
	    syscall(SYS_clone, CLONE_THREAD | CLONE_VM | SIGCHLD, 0, 0, 0, 0));
	err("CLONE_FS with CLONE_NEWNS",
	    syscall(SYS_clone, CLONE_FS | CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0));
	err("CLONE_PARENT_SETTID to a bad pointer (Linux ignores it)",
	    raw_clone(CLONE_VM | CLONE_PARENT_SETTID | SIGCHLD, stack[2] + sizeof(stack[2]),
		      (pid_t *)8, NULL, quick));
	while (waitpid(-1, &st, __WALL) > 0)
		;
	return 0;
}
