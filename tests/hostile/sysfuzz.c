/*
 * sysfuzz: a seeded system-call fuzzer against the Linux personality
 * (tests/hostile/README.md).
 *
 *   sysfuzz SEED CALLS [PROGRESS [NRLO NRHI]]   or   sysfuzz SCRATCH
 *   (abitest's argv: then the same numbers come from /abi/sysfuzz.conf)
 *
 * The parent forks a fuzzing child that makes random system calls (numbers
 * 0..460, arguments from a mix of small numbers, -1, huge values, random
 * bits, its own buffers, NULL, unmapped, kernel and non-canonical
 * addresses) and a storm process that sends it random signals.  A child
 * that dies (rt_sigreturn with garbage, a signal, its own munmap) is
 * replaced by the next one, with the next chunk of the seed, until CALLS
 * calls have been made.  A child that makes no progress for STALL_MS (a
 * call that blocks with every signal masked) is killed and counted as a
 * stall.  Only what would end the fuzzing without being a kernel bug is
 * steered: exit, killing anyone else, unmounting, the kernel log, and
 * memory calls on the fuzzer's own code and state (sent to a sacrificial
 * region instead).
 *
 * Output: `fuzz: N calls done` every PROGRESS calls (deterministic), the
 * deaths by signal and stalls (timing-dependent), MemFree before and after
 * in pages, and `fuzz: memfree returned: yes|no`.  Exit status 0 when all
 * calls were made and the free memory came back.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_NR	    460
#define CHUNK	    10000	     /* calls per child at most: fresh state often */
#define STALL_MS    2000	     /* no call finished for this long: a stall */
#define NPROC_LIMIT 48		     /* the bound on everything the fuzz forks */
#define SAC_BASE    0x500000000000ul /* the sacrificial region of memory calls */
#define SAC_SIZE    (64ul << 20)
#define BUF_SIZE    (64u << 10)
/*
 * MemFree may differ after the run by what the kernel keeps for reuse: the
 * PID table's radix nodes (PIDs go up to 32768 before wrapping) and the
 * kmalloc caches' partly used pages.  Measured: see tests/hostile/README.md.
 */
#define MEMFREE_SLACK_PAGES 256
/* Kernel objects the fuzzing leaves behind: caches settle within a few
 * dozen pages, while a leak of one small object per child (a radix node
 * once) grows the slab by hundreds of pages in the short run already. */
#define SLAB_SLACK_PAGES 32

struct shared {
	volatile uint64_t count; /* calls the current child has started */
	volatile int pid;	 /* the current child, for the storm */
	volatile int stop;
};

static struct shared *sh;
static unsigned char buf[BUF_SIZE] __attribute__((aligned(4096)));
static char scratch[256];
/* Only numbers in [nr_lo, nr_hi] are made (the others are drawn and
 * skipped, so the seed gives the same calls): to bisect a finding by
 * system-call family. */
static long nr_lo = 0, nr_hi = MAX_NR;

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1Dull;
}

static uint64_t mix(uint64_t seed, uint64_t chunk)
{
	uint64_t z = seed + 0x9E3779B97F4A7C15ull * (chunk + 1);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (z ^ (z >> 31)) | 1;
}

static const char *const paths[] = {
    "a",
    "b",
    "b/c",
    "d/e/f",
    ".",
    "/proc/meminfo",
    "/proc/self/status",
    "/proc/self/maps",
    "/proc",
    "/nonexistent/x",
    "/tmp",
    "",
    "a/../b",
};

static uint64_t arg(void)
{
	uint64_t r = next();
	switch (r % 14) {
	case 0:
		return (r >> 8) % 17;
	case 1:
		return (uint64_t)-1;
	case 2: {
		static const uint64_t huge[] = {1ull << 63, ~0ull >> 1, 0x7fffffff, 0xffffffff,
						1ull << 32, 0x80000000, 4096,	    1ull << 40};
		return huge[(r >> 8) % 8];
	}
	case 3:
		return next();
	case 4:
	case 5:
		return (uint64_t)(buf + (r >> 8) % BUF_SIZE);
	case 6:
		return 0;
	case 7:
		return 0x600000000000ull + ((r >> 8) & 0xffffffffull) * 8;
	case 8:
		return 0xffff800000000000ull + ((r >> 8) & 0xfffffffffffull);
	case 9:
		return 0xffffffff80000000ull + ((r >> 8) & 0x3fffffff);
	case 10:
		return 0x0000800000000000ull + ((r >> 8) & 0xffffffffffffull);
	case 11:
		return (uint64_t)paths[(r >> 8) % (sizeof(paths) / sizeof(paths[0]))];
	case 12:
		return (r >> 8) % 24; /* descriptors */
	default:
		return (uint64_t)(buf + ((r >> 8) % (BUF_SIZE / 4096)) * 4096);
	}
}

static long raw6(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		 uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* fork, vfork, clone, clone3: a new child exits at once, touching no
 * memory (it may share the stack, or have a random one). */
static long raw_forky(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	long ret;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "1:"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

static uint64_t sac(uint64_t a)
{
	return SAC_BASE + (a % SAC_SIZE & ~0xfffull);
}

static uint64_t sac_len(uint64_t addr, uint64_t len)
{
	uint64_t room = SAC_BASE + SAC_SIZE - addr;
	return len > room ? room : len;
}

/* Steers what would end the fuzzing without being a kernel bug; false:
 * skip this call. */
static bool steer(long nr, uint64_t *a, int self)
{
	switch (nr) {
	case 60:  /* exit */
	case 231: /* exit_group */
	case 169: /* reboot */
	case 103: /* syslog: the console is the harness's */
	case 165: /* mount */
	case 166: /* umount2 */
	case 155: /* pivot_root */
	case 167: /* swapon */
	case 168: /* swapoff */
	case 172: /* iopl: port I/O could power the machine off */
	case 173: /* ioperm */
	case 246: /* kexec_load */
	case 320: /* kexec_file_load */
		return false;
	case 62:  /* kill */
	case 129: /* rt_sigqueueinfo */
	case 434: /* pidfd_open */
	case 101: /* ptrace: the pid is a[1] */
	case 302: /* prlimit64 */
	case 310: /* process_vm_readv */
	case 311: /* process_vm_writev */
	case 279: /* move_pages */
	case 256: /* migrate_pages */
		if (nr == 101)
			a[1] = (uint64_t)self;
		else if (nr == 302)
			a[0] = 0;
		else
			a[0] = (uint64_t)self;
		return true;
	case 200: /* tkill */
		a[0] = (uint64_t)self;
		return true;
	case 234: /* tgkill */
	case 297: /* rt_tgsigqueueinfo */
		a[0] = a[1] = (uint64_t)self;
		return true;
	case 56: /* clone: CLONE_PARENT's child would signal the fuzzer's parent
		  * with its exit signal (SIGSTOP even); it gets SIGCHLD */
		if (a[0] & CLONE_PARENT)
			a[0] = (a[0] & ~0xfful) | SIGCHLD;
		return true;
	case 435: /* clone3: the same, in its arguments */
		if (a[0] >= (uint64_t)buf && a[0] + 64 <= (uint64_t)buf + BUF_SIZE &&
		    a[0] % 8 == 0) {
			uint64_t *ca = (uint64_t *)a[0];
			if (ca[0] & CLONE_PARENT)
				ca[4] = SIGCHLD; /* exit_signal */
		} else if (a[0] >= (uint64_t)buf && a[0] < (uint64_t)buf + BUF_SIZE) {
			a[0] = (uint64_t)buf; /* aligned, so the check above holds */
			((uint64_t *)buf)[4] = SIGCHLD;
		}
		return true;
	case 72: /* fcntl F_SETOWN: SIGIO to someone else */
		if (a[1] == 8)
			a[2] = (uint64_t)self;
		return true;
	case 9: /* mmap: fixed ones only in the sacrificial region */
		if (a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
			if (a[0] < 0x800000000000ull)
				a[0] = sac(a[0]);
			if (a[0] >= SAC_BASE && a[0] < SAC_BASE + SAC_SIZE)
				a[1] = sac_len(a[0], a[1]);
		}
		return true;
	case 10:  /* mprotect */
	case 11:  /* munmap */
	case 25:  /* mremap */
	case 28:  /* madvise */
	case 149: /* mlock */
	case 150: /* munlock */
	case 26:  /* msync */
	case 12:  /* brk: only up; the fuzzer has no heap in use, but stay away */
		if (nr == 12)
			return a[0] == 0 || a[0] >= 0x800000000000ull;
		if (a[0] < 0x800000000000ull)
			a[0] = sac(a[0]);
		if (a[0] >= SAC_BASE && a[0] < SAC_BASE + SAC_SIZE)
			a[1] = sac_len(a[0], a[1]);
		if (nr == 25 && a[2] > SAC_SIZE)
			a[2] = a[2] % SAC_SIZE;
		if (nr == 25 && a[4] < 0x800000000000ull) {
			a[4] = sac(a[4]);
			if (a[2] > SAC_BASE + SAC_SIZE - a[4])
				a[2] = SAC_BASE + SAC_SIZE - a[4];
		}
		return true;
	}
	return true;
}

static void nop(int sig)
{
	(void)sig;
}

static void child_setup(void)
{
	int null = open("/dev/null", O_RDWR);

	/* Nothing it writes may reach the console the harness reads. */
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	if (null > 2)
		close(null);
	for (int fd = 3; fd < 64; fd++)
		close(fd);
	/* The storm's signals interrupt blocking calls instead of ending it. */
	struct sigaction sa = {.sa_handler = nop};
	for (int s = 1; s < 65; s++)
		if (s != SIGSEGV && s != SIGBUS && s != SIGILL && s != SIGFPE && s != SIGKILL &&
		    s != SIGSTOP && s != SIGTRAP && s != SIGSYS && s != 32 && s != 33)
			sigaction(s, &sa, NULL);
	mmap((void *)SAC_BASE, SAC_SIZE, PROT_READ | PROT_WRITE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	mkdir("b", 0755);
}

static __attribute__((noreturn)) void child(uint64_t seed, uint64_t calls)
{
	int self = getpid();

	child_setup();
	rng = seed;
	for (size_t i = 0; i < BUF_SIZE; i += 8)
		*(uint64_t *)(buf + i) = next();
	for (uint64_t n = 0; n < calls; n++) {
		long nr = (long)(next() % (MAX_NR + 1));
		uint64_t a[6];
		for (int i = 0; i < 6; i++)
			a[i] = arg();
		sh->count = n + 1;
		if (nr < nr_lo || nr > nr_hi || !steer(nr, a, self))
			continue;
		if ((a[5] & 0xfff) == 0x80) /* 1 in 4096: Linux's 32-bit entry */
			__asm__ volatile("int $0x80"
					 : "+a"(nr)
					 : "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
					 : "memory");
		else if (nr == 56 || nr == 57 || nr == 58 || nr == 435)
			raw_forky(nr, a[0], a[1], a[2], a[3], a[4]);
		else
			raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	raw6(231, 0, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

static int storm_sigs[] = {SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, SIGWINCH, SIGCONT, SIGSTOP,
			   SIGTSTP, SIGTERM, SIGHUP,  SIGINT,  SIGPIPE,	 SIGURG,  SIGIO,
			   SIGPROF, 34,	     40,      50,      64,	 SIGKILL};

static __attribute__((noreturn)) void storm(uint64_t seed, int parent)
{
	rng = seed;
	while (!sh->stop && getppid() == parent) {
		struct timespec ts = {0, (long)(next() % 4000000)};
		nanosleep(&ts, NULL);
		int pid = sh->pid;
		if (pid <= 1 || pid == parent)
			continue;
		uint64_t r = next();
		int sig = storm_sigs[r % (sizeof(storm_sigs) / sizeof(storm_sigs[0]))];
		if (sig == SIGKILL && (r >> 32) % 16)
			continue; /* rarely: each one costs a child */
		kill(pid, sig);
		if (sig == SIGSTOP || sig == SIGTSTP) {
			ts.tv_nsec = 1000000;
			nanosleep(&ts, NULL);
			kill(pid, SIGCONT);
		}
	}
	_exit(0);
}

static long meminfo_pages(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':' &&
		    sscanf(line + strlen(key) + 1, "%ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb / 4;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Empties the scratch directory: what the fuzz created there holds pages. */
static void clean_scratch(void)
{
	DIR *d = opendir(scratch);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", scratch, e->d_name);
			nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		}
	closedir(d);
}

struct tally {
	uint64_t done, next_report, progress;
	unsigned deaths[65], exits, stalls, children;
};

static void report(struct tally *t, uint64_t now_done)
{
	while (t->next_report <= now_done) {
		printf("fuzz: %llu calls done\n", (unsigned long long)t->next_report);
		fflush(stdout);
		t->next_report += t->progress;
	}
}

/* Runs one child for up to want calls; the calls it made. */
static uint64_t run_child(struct tally *t, uint64_t seed, uint64_t want)
{
	sh->count = 0;
	pid_t pid = fork();
	if (pid < 0) {
		sleep_ms(10); /* its own forks still count against NPROC */
		return 0;
	}
	if (pid == 0)
		child(seed, want);
	sh->pid = pid;
	t->children++;
	uint64_t last = 0, since = now_ms();
	int st;
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		uint64_t c = sh->count;
		if (c > want)
			c = want;
		report(t, t->done + c);
		if (c != last) {
			last = c;
			since = now_ms();
		} else if (now_ms() - since > STALL_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			t->stalls++;
			st = 0;
			break;
		}
		sleep_ms(20);
	}
	sh->pid = 0;
	if (WIFSIGNALED(st))
		t->deaths[WTERMSIG(st) & 63]++;
	else
		t->exits++;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		; /* CLONE_PARENT's children are ours */
	uint64_t c = sh->count;
	return c > want ? want : c;
}

static int fuzz(uint64_t seed, uint64_t calls, uint64_t progress)
{
	struct tally t = {.next_report = progress, .progress = progress};
	struct rlimit nproc = {NPROC_LIMIT, NPROC_LIMIT};
	int parent = getpid();

	setvbuf(stdout, NULL, _IOLBF, 0);
	long before = meminfo_pages("MemFree"), slab_before = meminfo_pages("Slab");
	printf("fuzz: seed %llu, %llu calls\n", (unsigned long long)seed,
	       (unsigned long long)calls);
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || setrlimit(RLIMIT_NPROC, &nproc)) {
		printf("fuzz: cannot set up: %s\n", strerror(errno));
		return 1;
	}
	/* Anything that still reaches the parent (a stray exit signal) must
	 * not end the count; calls it is in restart. */
	struct sigaction sa = {.sa_handler = nop, .sa_flags = SA_RESTART};
	for (int s = 1; s < 65; s++)
		if (s != SIGSEGV && s != SIGBUS && s != SIGILL && s != SIGFPE && s != SIGKILL &&
		    s != SIGSTOP && s != SIGTRAP && s != SIGSYS && s != 32 && s != 33 &&
		    s != SIGCHLD)
			sigaction(s, &sa, NULL);
	pid_t st_pid = fork();
	if (st_pid == 0)
		storm(mix(seed, ~0ull), parent);
	uint64_t chunk = 0, idle = 0;
	while (t.done < calls && idle < 1000) {
		uint64_t want = calls - t.done < CHUNK ? calls - t.done : CHUNK;
		uint64_t c = run_child(&t, mix(seed, chunk++), want);
		t.done += c;
		idle = c ? 0 : idle + 1;
		report(&t, t.done);
	}
	sh->stop = 1;
	if (st_pid > 0) {
		kill(st_pid, SIGKILL);
		waitpid(st_pid, NULL, 0);
	}
	while (waitpid(-1, NULL, 0) > 0)
		;
	clean_scratch();
	sleep_ms(1000); /* exits finish on other CPUs */
	long after = meminfo_pages("MemFree"), slab_after = meminfo_pages("Slab");
	munmap((void *)sh, 4096);
	printf("fuzz: total %llu calls, %s\n", (unsigned long long)t.done,
	       t.done == calls ? "complete" : "INCOMPLETE");
	printf("fuzz: children %u, exited %u, stalls %u\n", t.children, t.exits, t.stalls);
	for (int s = 1; s < 65; s++)
		if (t.deaths[s])
			printf("fuzz: deaths by signal %d: %u\n", s, t.deaths[s]);
	long diff = before - after;
	printf("fuzz: memfree pages before %ld after %ld (diff %ld, slack %d)\n", before, after,
	       diff, MEMFREE_SLACK_PAGES);
	printf("fuzz: slab pages before %ld after %ld (slack %d)\n", slab_before, slab_after,
	       SLAB_SLACK_PAGES);
	bool ok = before > 0 && after > 0 && diff <= MEMFREE_SLACK_PAGES;
	bool slab_ok =
	    slab_before > 0 && slab_after > 0 && slab_after - slab_before <= SLAB_SLACK_PAGES;
	printf("fuzz: memfree returned: %s\n", ok ? "yes" : "no");
	printf("fuzz: slab returned: %s\n", slab_ok ? "yes" : "no");
	return t.done == calls && ok && slab_ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1, calls = 1000, progress = 5000;

	if (argc >= 3) {
		seed = strtoull(argv[1], NULL, 0);
		calls = strtoull(argv[2], NULL, 0);
		if (argc >= 4)
			progress = strtoull(argv[3], NULL, 0);
		if (argc >= 6) {
			nr_lo = strtol(argv[4], NULL, 0);
			nr_hi = strtol(argv[5], NULL, 0);
		}
		snprintf(scratch, sizeof(scratch), ".");
	} else {
		FILE *f = fopen("/abi/sysfuzz.conf", "r");
		if (!f || fscanf(f, "%llu %llu %llu %ld %ld", &seed, &calls, &progress, &nr_lo,
				 &nr_hi) < 2) {
			printf("fuzz: no /abi/sysfuzz.conf\n");
			return 2;
		}
		fclose(f);
		snprintf(scratch, sizeof(scratch), "%s", argc >= 2 ? argv[1] : ".");
	}
	if (chdir(scratch)) {
		printf("fuzz: chdir %s: %s\n", scratch, strerror(errno));
		return 2;
	}
	snprintf(scratch, sizeof(scratch), ".");
	if (!progress)
		progress = 5000;
	return fuzz(seed, calls, progress);
}
