/* signalfd and signalfd4: records of blocked pending signals (kill,
 * sigqueue, tgkill), several per read, EAGAIN, short buffers, flags,
 * updating the mask through the descriptor, poll and epoll readiness, a
 * blocking read and an epoll_wait woken by another process's kill, the
 * old call, and the errors. */
#include "abi.h"

#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

static int readable(int fd)
{
	struct pollfd p = {fd, POLLIN | POLLOUT, 0};
	int r = poll(&p, 1, 0);
	if (r < 0)
		return -1;
	return p.revents;
}

static void show_poll(const char *what, int fd)
{
	printf("%s: %#x\n", what, readable(fd));
}

static void rd(const char *what, int fd)
{
	struct signalfd_siginfo si[3];
	memset(si, 0x55, sizeof(si));
	long r = read(fd, si, sizeof(si));
	if (r < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	printf("%s: %ld bytes\n", what, r);
	for (long i = 0; i < r / (long)sizeof(si[0]); i++) {
		struct signalfd_siginfo *s = &si[i];
		printf("  signo %u code %d errno %d pid self %s uid %u", s->ssi_signo, s->ssi_code,
		       s->ssi_errno, s->ssi_pid == (uint32_t)getpid() ? "yes" : "no", s->ssi_uid);
		if (s->ssi_code == SI_QUEUE)
			printf(" int %d ptr %llu", s->ssi_int, (unsigned long long)s->ssi_ptr);
		printf("\n");
	}
}

static sigset_t set_of(int a, int b)
{
	sigset_t s;
	sigemptyset(&s);
	if (a)
		sigaddset(&s, a);
	if (b)
		sigaddset(&s, b);
	return s;
}

int main(void)
{
	sigset_t blk = set_of(SIGUSR1, SIGUSR2);
	sigaddset(&blk, SIGRTMIN + 4);
	sigaddset(&blk, SIGTERM);
	need("sigprocmask", sigprocmask(SIG_BLOCK, &blk, NULL));

	sigset_t m = set_of(SIGUSR1, 0);
	int fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
	need("signalfd4", fd);
	printf("FD_CLOEXEC: %d\n", fcntl(fd, F_GETFD));
	yes("O_NONBLOCK", fcntl(fd, F_GETFL) & O_NONBLOCK);
	printf("access: %d\n", fcntl(fd, F_GETFL) & O_ACCMODE);
	rd("empty read", fd);
	show_poll("poll empty", fd);

	kill(getpid(), SIGUSR1);
	show_poll("poll after kill", fd);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7}, out;
	need("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	int n = epoll_wait(ep, &out, 1, 0);
	printf("epoll ready: %d events %#x data %u\n", n, n > 0 ? out.events : 0,
	       n > 0 ? out.data.u32 : 0);
	char small[64];
	err("short read", read(fd, small, sizeof(small)));
	rd("kill read", fd);
	rd("read again", fd);
	show_poll("poll after read", fd);
	printf("epoll after read: %d\n", epoll_wait(ep, &out, 1, 0));
	sigset_t pend;
	sigpending(&pend);
	yes("USR1 still pending", sigismember(&pend, SIGUSR1));

	/* A signal outside the mask stays pending; adding it to the mask
	 * through the descriptor makes it readable. */
	kill(getpid(), SIGUSR2);
	show_poll("poll USR2, mask USR1", fd);
	m = set_of(SIGUSR1, SIGUSR2);
	printf("update returns fd: %s\n", signalfd(fd, &m, 0) == fd ? "yes" : "no");
	yes("update keeps O_NONBLOCK", fcntl(fd, F_GETFL) & O_NONBLOCK);
	show_poll("poll after update", fd);
	printf("epoll after update: %d\n", epoll_wait(ep, &out, 1, 0));
	rd("USR2 read", fd);

	/* Several at once, lowest number first.  (sigqueue's SI_QUEUE
	 * records wait for rt_sigqueueinfo.) */
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGUSR1);
	rd("two pending", fd);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	rd("tgkill read", fd);

	/* Real-time and other signals through a second descriptor; SIGKILL
	 * and SIGSTOP in a mask are dropped silently. */
	m = set_of(SIGRTMIN + 4, SIGKILL);
	sigaddset(&m, SIGSTOP);
	int fd2 = signalfd(-1, &m, SFD_NONBLOCK);
	need("signalfd rt", fd2);
	kill(getpid(), SIGRTMIN + 4);
	show_poll("rt poll on first fd", fd);
	rd("rt read", fd2);
	close(fd2);

	/* Errors. */
	err("bad flags", signalfd(-1, &m, 0x10));
	err("bad size", syscall(SYS_signalfd4, -1, &m, 4, 0));
	err("size 16", syscall(SYS_signalfd4, -1, &m, 16, 0));
	err("bad mask pointer", syscall(SYS_signalfd4, -1, (void *)8, 8, 0));
	err("fd not a signalfd", signalfd(ep, &m, 0));
	err("closed fd", signalfd(900, &m, 0));
	err("fd -2", signalfd(-2, &m, 0));
	err("write", write(fd, small, sizeof(small)));
	err("lseek", lseek(fd, 0, SEEK_SET));

	/* The old call: no flags, blocking. */
	m = set_of(SIGTERM, 0);
	int old = syscall(SYS_signalfd, -1, &m, 8);
	need("signalfd (old call)", old);
	yes("old call O_NONBLOCK", fcntl(old, F_GETFL) & O_NONBLOCK);
	printf("old call FD_CLOEXEC: %d\n", fcntl(old, F_GETFD));

	/* A blocking read woken by another process's kill. */
	pid_t parent = getpid();
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		usleep(100000);
		kill(parent, SIGTERM);
		_exit(0);
	}
	struct signalfd_siginfo si;
	long r = read(old, &si, sizeof(si));
	printf("blocking read: %ld signo %u code %d from child %s\n", r, si.ssi_signo, si.ssi_code,
	       si.ssi_pid == (uint32_t)c ? "yes" : "no");
	waitpid(c, NULL, 0);

	/* epoll_wait sleeping until another process's kill. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		usleep(100000);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	n = epoll_wait(ep, &out, 1, 5000);
	printf("epoll_wait woken: %d events %#x\n", n, n > 0 ? out.events : 0);
	rd("after epoll_wait", fd);
	waitpid(c, NULL, 0);

	/* A child reads its own pending signals, not its parent's. */
	kill(getpid(), SIGUSR2);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		show_poll("child poll", fd);
		rd("child read", fd);
		kill(getpid(), SIGUSR1);
		rd("child own read", fd);
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	rd("parent read", fd);
	close(old);
	close(ep);
	close(fd);
	return 0;
}
