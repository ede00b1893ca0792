/* Pseudo-terminals: /dev/ptmx and /dev/pts (posix_openpt, grantpt,
 * unlockpt, ptsname, TIOCGPTN), the slave as a terminal (termios, OPOST
 * and ONLCR towards the master, canonical editing and echo of what the
 * master writes, raw mode), a session that takes the slave as its
 * controlling terminal (TIOCSCTTY, /dev/tty, the foreground group, VINTR's
 * SIGINT, TIOCSWINSZ's SIGWINCH), poll on both ends, and hangups: the
 * slave's last close (the master reads EIO) and the master's close (the
 * slave reads EOF, its session leader gets SIGHUP).  The pty number differs
 * between hosts: only relations are printed. */
#include "abi.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>

static void show(const char *what, const char *s, long n)
{
	printf("%s: %ld \"", what, n);
	for (long i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r')
			printf("\\r");
		else if (c == '\n')
			printf("\\n");
		else if (c < 32 || c >= 127)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("\"\n");
}

/* Reads what is there (the master, with a short wait for it), and what
 * follows within 200 ms: Linux's pty hands input to the line discipline
 * from a work queue, so an echo may come in two pieces ("part", then
 * "\r\n" after the CR). */
static void drain(const char *what, int fd)
{
	char buf[256];
	long n = 0;
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, 2000) <= 0) {
		printf("%s: nothing\n", what);
		return;
	}
	do {
		long r = read(fd, buf + n, sizeof(buf) - (size_t)n);
		if (r < 0 && n == 0) {
			printf("%s: %s\n", what, errname(errno));
			return;
		}
		if (r <= 0)
			break;
		n += r;
	} while (n < (long)sizeof(buf) && poll(&p, 1, 200) > 0);
	show(what, buf, n);
}

static unsigned revents(int fd, short ev)
{
	struct pollfd p = {fd, ev, 0};
	poll(&p, 1, 0);
	return p.revents;
}

static void show_poll(const char *what, int fd)
{
	unsigned r = revents(fd, POLLIN | POLLOUT);
	printf("%s:%s%s%s%s\n", what, r & POLLIN ? " IN" : "", r & POLLOUT ? " OUT" : "",
	       r & POLLHUP ? " HUP" : "", r & POLLERR ? " ERR" : "");
}

static volatile sig_atomic_t got_int, got_winch, got_hup;
static void on_sig(int sig)
{
	if (sig == SIGINT)
		got_int++;
	if (sig == SIGWINCH)
		got_winch++;
	if (sig == SIGHUP)
		got_hup++;
}

static void report(int fd, const char *s)
{
	write(fd, s, strlen(s));
}

/* The child: a new session whose controlling terminal is the slave. */
static void child(const char *name, int rep, int go)
{
	char buf[64];
	struct sigaction sa = {0};
	sa.sa_handler = on_sig;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	report(rep, setsid() > 0 ? "setsid ok\n" : "setsid failed\n");
	int fd = open(name, O_RDWR | O_NOCTTY);
	report(rep, fd >= 0 ? "open slave ok\n" : "open slave failed\n");
	int r = open("/dev/tty", O_RDWR);
	report(rep, r < 0 && errno == ENXIO ? "/dev/tty before TIOCSCTTY: ENXIO\n"
					    : "/dev/tty before TIOCSCTTY: other\n");
	report(rep, ioctl(fd, TIOCSCTTY, 0) == 0 ? "TIOCSCTTY ok\n" : "TIOCSCTTY failed\n");
	report(rep, tcgetpgrp(fd) == getpid() ? "foreground group is ours\n"
					      : "foreground group is not ours\n");
	report(rep, tcgetsid(fd) == getpid() ? "tcgetsid is ours\n" : "tcgetsid is not ours\n");
	int t = open("/dev/tty", O_RDWR);
	struct stat a, b;
	fstat(fd, &a);
	report(rep, t >= 0 && fstat(t, &b) == 0 && a.st_rdev == b.st_rdev
			? "/dev/tty is the slave\n"
			: "/dev/tty is not the slave\n");
	report(rep, t >= 0 && tcgetpgrp(t) == getpid()
			? "/dev/tty's foreground group is ours\n"
			: "/dev/tty's foreground group is not ours\n");
	report(rep, t >= 0 && write(t, "via tty\n", 8) == 8 ? "write /dev/tty ok\n"
							    : "write /dev/tty failed\n");
	/* /proc/self/stat's tty_nr (field 7) and tpgid (8). */
	FILE *sf = fopen("/proc/self/stat", "r");
	char sb[512] = {0};
	if (sf) {
		fread(sb, 1, sizeof(sb) - 1, sf);
		fclose(sf);
	}
	char *cp = strrchr(sb, ')');
	unsigned long tty_nr = 0;
	int tpgid = 0;
	if (cp)
		sscanf(cp + 2, "%*c %*d %*d %*d %lu %d", &tty_nr, &tpgid);
	report(rep, tty_nr == a.st_rdev ? "stat tty_nr is the slave\n" : "stat tty_nr differs\n");
	report(rep, tpgid == getpid() ? "stat tpgid is ours\n" : "stat tpgid differs\n");
	const char *tn = ttyname(fd);
	report(rep, tn && strcmp(tn, name) == 0 ? "ttyname is ptsname\n" : "ttyname differs\n");
	report(rep, "ready\n");

	/* The parent types ^C: SIGINT here. */
	read(go, buf, 1);
	for (int i = 0; i < 200 && !got_int; i++)
		usleep(10000);
	report(rep, got_int ? "SIGINT\n" : "no SIGINT\n");
	/* The parent resizes: SIGWINCH. */
	read(go, buf, 1);
	for (int i = 0; i < 200 && !got_winch; i++)
		usleep(10000);
	report(rep, got_winch ? "SIGWINCH\n" : "no SIGWINCH\n");
	struct winsize ws;
	ioctl(fd, TIOCGWINSZ, &ws);
	snprintf(buf, sizeof(buf), "winsize %d x %d\n", ws.ws_row, ws.ws_col);
	report(rep, buf);
	report(rep, "waiting\n");
	/* The parent closes the master: EOF here, SIGHUP to us (the leader). */
	long n = read(fd, buf, sizeof(buf));
	for (int i = 0; i < 200 && !got_hup; i++)
		usleep(10000);
	snprintf(buf, sizeof(buf), "slave read after hangup: %s\n",
		 n == 0	 ? "0"
		 : n < 0 ? errname(errno)
			 : "data");
	report(rep, buf);
	report(rep, got_hup ? "SIGHUP\n" : "no SIGHUP\n");
	n = write(fd, "x", 1);
	snprintf(buf, sizeof(buf), "slave write after hangup: %s\n", n < 0 ? errname(errno) : "ok");
	report(rep, buf);
	struct pollfd p = {fd, POLLIN | POLLOUT, 0};
	poll(&p, 1, 0);
	snprintf(buf, sizeof(buf), "slave poll after hangup:%s%s\n",
		 p.revents & POLLHUP ? " HUP" : "", p.revents & POLLIN ? " IN" : "");
	report(rep, buf);
	_exit(0);
}

/* Copies the child's reports up to and including the line want. */
static void relay(FILE *in, const char *want)
{
	char line[128];
	while (fgets(line, sizeof(line), in)) {
		printf("child: %s", line);
		if (strncmp(line, want, strlen(want)) == 0)
			return;
	}
	printf("child: (gone)\n");
}

int main(int argc, char **argv)
{
	struct stat st;
	char buf[256], name[64];
	struct termios tio;

	res("stat /dev/ptmx", stat("/dev/ptmx", &st));
	yes("/dev/ptmx is a character device", S_ISCHR(st.st_mode));
	res("stat /dev/pts", stat("/dev/pts", &st));
	yes("/dev/pts is a directory", S_ISDIR(st.st_mode));

	int m = posix_openpt(O_RDWR | O_NOCTTY);
	need("posix_openpt", m);
	unsigned ptn = 999999;
	res("TIOCGPTN", ioctl(m, TIOCGPTN, &ptn));
	snprintf(name, sizeof(name), "/dev/pts/%u", ptn);
	const char *pn = ptsname(m);
	yes("ptsname is /dev/pts/ + TIOCGPTN", pn && strcmp(pn, name) == 0);
	int lock = -1;
	res("TIOCGPTLCK", ioctl(m, TIOCGPTLCK, &lock));
	printf("locked: %d\n", lock);
	err("open the locked slave", open(name, O_RDWR | O_NOCTTY));
	res("grantpt", grantpt(m));
	res("unlockpt", unlockpt(m));
	ioctl(m, TIOCGPTLCK, &lock);
	printf("locked: %d\n", lock);
	yes("isatty(master)", isatty(m));
	err("TIOCGPTN on a non-pty", ioctl(0, TIOCGPTN, &ptn));

	res("stat the slave", stat(name, &st));
	yes("slave is a character device", S_ISCHR(st.st_mode));
	printf("slave major: %u\n", major(st.st_rdev));
	yes("slave minor is the pty number", minor(st.st_rdev) == ptn);
	err("master read before any output", fcntl(m, F_SETFL, O_NONBLOCK) | read(m, buf, 1));
	show_poll("master poll before the slave opens", m);

	int s = open(name, O_RDWR | O_NOCTTY);
	need("open the slave", s);
	yes("isatty(slave)", isatty(s));
	const char *tn = ttyname(s);
	yes("ttyname(slave) is ptsname", tn && strcmp(tn, name) == 0);
	res("tcgetattr(slave)", tcgetattr(s, &tio));
	yes("ICANON", tio.c_lflag & ICANON);
	yes("ECHO", tio.c_lflag & ECHO);
	yes("ISIG", tio.c_lflag & ISIG);
	yes("OPOST|ONLCR", (tio.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
	yes("ICRNL", tio.c_iflag & ICRNL);
	printf("VINTR VERASE VEOF: %d %d %d\n", tio.c_cc[VINTR], tio.c_cc[VERASE], tio.c_cc[VEOF]);
	struct termios mt;
	res("tcgetattr(master)", tcgetattr(m, &mt));
	yes("the master shows the slave's termios",
	    mt.c_lflag == tio.c_lflag && mt.c_oflag == tio.c_oflag);
	struct winsize ws = {0};
	res("TIOCGWINSZ", ioctl(s, TIOCGWINSZ, &ws));
	printf("initial winsize: %d x %d\n", ws.ws_row, ws.ws_col);
	show_poll("master poll, nothing written", m);
	show_poll("slave poll, nothing written", s);

	/* Output: ONLCR. */
	val("slave write", write(s, "hello\nworld\n", 12));
	show_poll("master poll after output", m);
	drain("master reads", m);
	/* Input: a line, echoed. */
	val("master write", write(m, "abc\n", 4));
	show_poll("slave poll, a line typed", s);
	val("slave read", read(s, buf, sizeof(buf)));
	drain("echo", m);
	/* Editing: erase and kill. */
	val("master write", write(m,
				  "ab\x7f"
				  "c\n",
				  5));
	long n = read(s, buf, sizeof(buf));
	show("slave reads", buf, n);
	drain("echo", m);
	val("master write", write(m, "junk\x15ok\n", 8));
	n = read(s, buf, sizeof(buf));
	show("slave reads", buf, n);
	drain("echo", m);
	/* No line yet: the slave has nothing to read. */
	val("master write", write(m, "part", 4));
	show_poll("slave poll, half a line", s);
	fcntl(s, F_SETFL, O_NONBLOCK);
	err("slave read, half a line", read(s, buf, sizeof(buf)));
	val("master write", write(m, "\r", 1)); /* ICRNL ends it */
	n = read(s, buf, sizeof(buf));
	show("slave reads", buf, n);
	drain("echo", m);
	/* VEOF on an empty line: a read of 0. */
	val("master write ^D", write(m, "\x04", 1));
	val("slave read at ^D", read(s, buf, sizeof(buf)));
	fcntl(s, F_SETFL, 0);

	/* Raw mode. */
	struct termios raw = tio;
	cfmakeraw(&raw);
	res("tcsetattr raw", tcsetattr(s, TCSANOW, &raw));
	val("master write", write(m, "xy\x03z", 4));
	n = read(s, buf, sizeof(buf));
	show("slave reads raw", buf, n);
	err("no echo", read(m, buf, sizeof(buf)));
	val("slave write", write(s, "a\nb", 3));
	drain("master reads, no ONLCR", m);
	/* Bulk both ways: writers wait for the readers, nothing is lost. */
	fflush(stdout);
	pid_t bulk = fork();
	if (bulk == 0) {
		static char big[20000];
		memset(big, 'q', sizeof(big));
		fcntl(m, F_SETFL, 0);
		long put = 0;
		while (put < (long)sizeof(big)) {
			long k = write(m, big + put, sizeof(big) - put);
			if (k <= 0)
				_exit(1);
			put += k;
		}
		fcntl(s, F_SETFL, 0);
		for (int i = 0; i < 4; i++)
			if (write(s, big, sizeof(big)) != (long)sizeof(big))
				_exit(2);
		_exit(0);
	}
	long total = 0, qs = 0;
	fcntl(s, F_SETFL, 0);
	while (total < 20000) {
		n = read(s, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (long i = 0; i < n; i++)
			qs += buf[i] == 'q';
		total += n;
	}
	printf("slave read in raw mode: %ld bytes, %ld right\n", total, qs);
	total = 0;
	fcntl(m, F_SETFL, 0);
	while (total < 80000) {
		n = read(m, buf, sizeof(buf));
		if (n <= 0)
			break;
		total += n;
	}
	printf("master read: %ld bytes\n", total);
	int bst;
	waitpid(bulk, &bst, 0);
	printf("bulk writer exit: %d\n", WIFEXITED(bst) ? WEXITSTATUS(bst) : -1);
	fcntl(m, F_SETFL, O_NONBLOCK);
	res("tcsetattr back", tcsetattr(s, TCSANOW, &tio));
	/* ECHO off. */
	struct termios noecho = tio;
	noecho.c_lflag &= ~ECHO;
	tcsetattr(s, TCSANOW, &noecho);
	write(m, "secret\n", 7);
	n = read(s, buf, sizeof(buf));
	show("slave reads without echo", buf, n);
	err("master finds no echo", read(m, buf, sizeof(buf)));
	tcsetattr(s, TCSANOW, &tio);
	val("FIONREAD on master, empty", (ioctl(m, FIONREAD, &lock), lock));
	write(s, "12345", 5);
	usleep(10000);
	val("FIONREAD on master", (ioctl(m, FIONREAD, &lock), lock));
	drain("master reads", m);

	/* The slave's last close: the master reads EIO and polls HUP. */
	close(s);
	show_poll("master poll after the slave closed", m);
	err("master read after the slave closed", read(m, buf, sizeof(buf)));
	s = open(name, O_RDWR | O_NOCTTY);
	need("open the slave again", s);
	show_poll("master poll, slave open again", m);
	fcntl(m, F_SETFL, 0);
	close(s);

	/* Poll waits woken from the other end (another process). */
	s = open(name, O_RDWR | O_NOCTTY);
	need("open the slave", s);
	fflush(stdout);
	pid_t w = fork();
	if (w == 0) {
		usleep(100000);
		write(s, "late\n", 5);
		usleep(100000);
		write(m, "typed\n", 6);
		_exit(0);
	}
	struct pollfd pm = {m, POLLIN, 0};
	int pr = poll(&pm, 1, 5000);
	printf("master poll woken: %d %s\n", pr, pm.revents & POLLIN ? "IN" : "-");
	drain("master reads", m);
	struct pollfd ps = {s, POLLIN, 0};
	pr = poll(&ps, 1, 5000);
	printf("slave poll woken: %d %s\n", pr, ps.revents & POLLIN ? "IN" : "-");
	n = read(s, buf, sizeof(buf));
	show("slave reads", buf, n);
	drain("echo", m);
	waitpid(w, NULL, 0);
	/* A blocking master read woken by the slave's last close. */
	fflush(stdout);
	w = fork();
	if (w == 0) {
		usleep(100000);
		_exit(0);
	}
	close(s); /* the child's copy is the last */
	printf("blocking master read at the last close: %s\n",
	       read(m, buf, sizeof(buf)) < 0 ? errname(errno) : "data");
	waitpid(w, NULL, 0);

	/* A session leader opening the slave without O_NOCTTY takes it as its
	 * controlling terminal (not with O_NOCTTY, not a second one); its
	 * exit frees the slave for the next session's TIOCSCTTY. */
	int m3 = posix_openpt(O_RDWR | O_NOCTTY);
	need("posix_openpt", m3);
	unlockpt(m3);
	char name3[64];
	snprintf(name3, sizeof(name3), "%s", ptsname(m3));
	fflush(stdout);
	w = fork();
	if (w == 0) {
		setsid();
		int a = open(name, O_RDWR | O_NOCTTY);
		int e1 = tcgetsid(a) < 0 ? errno : 0;
		int b = open(name, O_RDWR);
		int ok2 = tcgetsid(b) == getpid();
		int c = open(name3, O_RDWR);
		int e3 = tcgetsid(c) < 0 ? errno : 0;
		printf("O_NOCTTY open: tcgetsid %s\n", e1 ? errname(e1) : "ok");
		printf("plain open by a session leader: controlling terminal: %s\n",
		       ok2 ? "yes" : "no");
		printf("a second pty opened: tcgetsid %s\n", e3 ? errname(e3) : "ok");
		fflush(stdout);
		_exit(0);
	}
	waitpid(w, NULL, 0);
	fflush(stdout);
	w = fork();
	if (w == 0) {
		setsid();
		int a = open(name, O_RDWR | O_NOCTTY);
		printf("TIOCSCTTY after the last session's leader exited: %s\n",
		       ioctl(a, TIOCSCTTY, 0) == 0 ? "ok" : errname(errno));
		fflush(stdout);
		_exit(0);
	}
	waitpid(w, NULL, 0);
	close(m3);

	/* A session on the slave. */
	int rep[2], go[2];
	need("pipe", pipe(rep));
	need("pipe", pipe(go));
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(rep[0]);
		close(go[1]);
		close(m);
		child(name, rep[1], go[0]);
	}
	close(rep[1]);
	close(go[0]);
	FILE *in = fdopen(rep[0], "r");
	relay(in, "ready");
	drain("master reads the child's /dev/tty write", m);
	val("master writes ^C", write(m, "\x03", 1));
	write(go[1], "g", 1);
	relay(in, "SIGINT");
	drain("echo of ^C", m);
	ws.ws_row = 33;
	ws.ws_col = 101;
	res("TIOCSWINSZ on the master", ioctl(m, TIOCSWINSZ, &ws));
	write(go[1], "g", 1);
	relay(in, "waiting");
	usleep(50000);
	close(m);
	relay(in, "slave poll after hangup");
	int status;
	waitpid(pid, &status, 0);
	printf("child exit: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	err("open the slave after the master closed", open(name, O_RDWR | O_NOCTTY));

	/* Numbers are reused; two at once differ. */
	int m1 = posix_openpt(O_RDWR | O_NOCTTY), m2 = posix_openpt(O_RDWR | O_NOCTTY);
	unsigned n1 = 0, n2 = 0;
	ioctl(m1, TIOCGPTN, &n1);
	ioctl(m2, TIOCGPTN, &n2);
	yes("two ptys differ", n1 != n2);
	close(m1);
	close(m2);
	return 0;
}
