/* rseq(2): glibc registered every thread at start (its __rseq_offset and
 * __rseq_size), the CPU number in the area agrees with getcpu (also in
 * threads that compete for the CPUs), each thread has an area of its own; the
 * errors (EBUSY for the same registration again, EINVAL for another
 * address or length, EPERM for another signature, EINVAL for misaligned
 * or short areas and unknown flags, EFAULT for an unmapped one); what
 * unregistering writes; the auxiliary vector's AT_RSEQ_FEATURE_SIZE and
 * AT_RSEQ_ALIGN; a fork child keeps the registration, an exec'd
 * image starts without one (glibc registers again); and a hand-written
 * critical section (a load, a delay, a store as the commit) that adds to
 * a per-CPU counter from 4 threads at once, interrupted by preemption and
 * by signals whose handler adds to the same counters: the total is exact
 * only if every interrupted section was aborted. */
#include "abi.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/rseq.h>
#include <sys/wait.h>

#define NPROC_MAX 1024
#define WORKERS	  4
#define ADDS	  300000L

static long nprocs;

static struct rseq *area(void)
{
	return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

static long sys_rseq(void *a, unsigned len, int flags, unsigned sig)
{
	return syscall(SYS_rseq, a, len, flags, sig);
}

static int cpu_valid(uint32_t c)
{
	return (long)c >= 0 && (long)c < nprocs;
}

/* The area's cpu_id against getcpu, read twice around it: wherever the
 * thread did not move in between, they agree. */
static int agrees_with_getcpu(void)
{
	int compared = 0;
	for (int i = 0; i < 1000 && compared < 20; i++) {
		uint32_t a = __atomic_load_n(&area()->cpu_id, __ATOMIC_RELAXED);
		unsigned g = 9999;
		syscall(SYS_getcpu, &g, NULL, NULL);
		uint32_t b = __atomic_load_n(&area()->cpu_id, __ATOMIC_RELAXED);
		if (a != b)
			continue;
		if (a != g)
			return 0;
		compared++;
	}
	return compared > 0;
}

/* --- the critical section --- */

struct slot {
	long v;
	char pad[56];
};
static struct slot work[NPROC_MAX];
static long aborts; /* atomic */

/* One try at counter[cpu] += 1 on the CPU the area names: 0 when it
 * committed, -1 when it was aborted or the CPU was not the one it read. */
static int percpu_inc(struct slot *counter)
{
	struct rseq *rs = area();
	uint32_t cpu = __atomic_load_n(&rs->cpu_id_start, __ATOMIC_RELAXED);

	if (cpu >= NPROC_MAX)
		return -1;
	__asm__ __volatile__ goto(
	    ".pushsection __rseq_cs, \"aw\"\n\t"
	    ".balign 32\n\t"
	    "3:\n\t"
	    ".long 0x0, 0x0\n\t"	  /* version, flags */
	    ".quad 1f, (2f - 1f), 4f\n\t" /* start_ip, post_commit_offset, abort_ip */
	    ".popsection\n\t"
	    "leaq 3b(%%rip), %%rax\n\t"
	    "movq %%rax, %[rseq_cs]\n\t"
	    "1:\n\t"
	    "cmpl %[cpu], %[cpu_id]\n\t"
	    "jnz %l[abort]\n\t"
	    "movq %[v], %%rdx\n\t"
	    "movl $200, %%eax\n\t"
	    "5:\n\t" /* a delay inside: preemption and signals land here */
	    "decl %%eax\n\t"
	    "jnz 5b\n\t"
	    "addq $1, %%rdx\n\t"
	    "movq %%rdx, %[v]\n\t" /* the commit */
	    "2:\n\t"
	    ".pushsection __rseq_failure, \"ax\"\n\t"
	    ".byte 0x0f, 0xb9, 0x3d\n\t" /* ud1 with the signature as its operand */
	    ".long 0x53053053\n\t"
	    "4:\n\t"
	    "jmp %l[abort]\n\t"
	    ".popsection\n\t"
	    :
	    : [cpu] "r"(cpu), [cpu_id] "m"(rs->cpu_id), [rseq_cs] "m"(rs->rseq_cs),
	      [v] "m"(counter[cpu].v)
	    : "memory", "cc", "rax", "rdx"
	    : abort);
	return 0;
abort:
	__atomic_fetch_add(&aborts, 1, __ATOMIC_RELAXED);
	return -1;
}

static void inc(struct slot *counter)
{
	while (percpu_inc(counter))
		;
}

static long handled; /* atomic */
static volatile int stop;

/* The handler adds to the same counters: a section it interrupted must
 * not commit a value loaded before the handler's add. */
static void on_usr1(int sig)
{
	(void)sig;
	inc(work);
	__atomic_fetch_add(&handled, 1, __ATOMIC_RELAXED);
}

static long done;     /* atomic */
static int disagreed; /* atomic */

/* Its adds, then it waits (still taking signals) until the pester stops:
 * pthread_kill never sees a thread that has ended. */
static void *worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < ADDS; i++)
		inc(work);
	if (!agrees_with_getcpu())
		__atomic_store_n(&disagreed, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&done, 1, __ATOMIC_RELAXED);
	while (!stop)
		sched_yield();
	return NULL;
}

static pthread_t workers[WORKERS];

static void *pester(void *arg)
{
	(void)arg;
	for (unsigned i = 0; !stop; i++) {
		pthread_kill(workers[i % WORKERS], SIGUSR1);
		for (volatile int d = 0; d < 20000; d++)
			;
	}
	return NULL;
}

static long sum(const struct slot *s)
{
	long t = 0;
	for (int i = 0; i < NPROC_MAX; i++)
		t += s[i].v;
	return t;
}

/* --- a thread of its own for the registration errors --- */

static struct rseq mine __attribute__((aligned(64)));
static char buf[256] __attribute__((aligned(64)));

static void *errors(void *arg)
{
	(void)arg;
	struct rseq *g = area();
	res("thread: unregister glibc's area",
	    sys_rseq(g, sizeof(*g), RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	yes("thread: cpu_id is RSEQ_CPU_ID_UNINITIALIZED after",
	    (int32_t)g->cpu_id == RSEQ_CPU_ID_UNINITIALIZED);
	yes("thread: cpu_id_start is 0 after", g->cpu_id_start == 0);
	err("thread: unregister again", sys_rseq(g, sizeof(*g), RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	err("thread: misaligned by 8", sys_rseq(buf + 8, 32, 0, RSEQ_SIG));
	err("thread: misaligned by 4, length 64", sys_rseq(buf + 4, 64, 0, RSEQ_SIG));
	err("thread: length 16", sys_rseq(buf, 16, 0, RSEQ_SIG));
	err("thread: length 0", sys_rseq(buf, 0, 0, RSEQ_SIG));
	err("thread: flags 2", sys_rseq(buf, 32, 2, RSEQ_SIG));
	err("thread: unregister with flags 3", sys_rseq(buf, 32, 3, RSEQ_SIG));
	void *none = mmap(NULL, ABI_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	err("thread: an area in a PROT_NONE page", sys_rseq(none, 32, 0, RSEQ_SIG));
	munmap(none, ABI_PAGE);
	err("thread: an area at a kernel address",
	    sys_rseq((void *)0xffffffffff600000ul, 32, 0, RSEQ_SIG));

	mine.cpu_id = 12345;
	mine.rseq_cs = 1; /* stale: the kernel clears it at registration */
	res("thread: register an area of its own", sys_rseq(&mine, 32, 0, 0x12345678));
	yes("thread: stale rseq_cs cleared", mine.rseq_cs == 0);
	yes("thread: cpu_id written", cpu_valid(mine.cpu_id));
	yes("thread: cpu_id_start written", cpu_valid(mine.cpu_id_start));
	err("thread: the same again", sys_rseq(&mine, 32, 0, 0x12345678));
	err("thread: another signature", sys_rseq(&mine, 32, 0, RSEQ_SIG));
	err("thread: unregister with another signature",
	    sys_rseq(&mine, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	err("thread: unregister with length 64",
	    sys_rseq(&mine, 64, RSEQ_FLAG_UNREGISTER, 0x12345678));
	res("thread: unregister it", sys_rseq(&mine, 32, RSEQ_FLAG_UNREGISTER, 0x12345678));
	res("thread: register length 64", sys_rseq(buf, 64, 0, RSEQ_SIG));
	yes("thread: cpu_id written in it", cpu_valid(((struct rseq *)buf)->cpu_id));
	err("thread: unregister with length 32", sys_rseq(buf, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	res("thread: unregister length 64", sys_rseq(buf, 64, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	res("thread: glibc's area back", sys_rseq(g, 32, 0, RSEQ_SIG));
	yes("thread: cpu_id back", cpu_valid(g->cpu_id));
	return NULL;
}

static uintptr_t thread_area;
static int thread_ok;

static void *plain(void *arg)
{
	(void)arg;
	thread_area = (uintptr_t)area();
	thread_ok = cpu_valid(area()->cpu_id) && agrees_with_getcpu() &&
		    cpu_valid(((volatile uint32_t *)area())[6]) && /* mm_cid */
		    sys_rseq(area(), 32, 0, RSEQ_SIG) < 0 && errno == EBUSY;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[2], "exec") == 0) {
		nprocs = sysconf(_SC_NPROCESSORS_CONF);
		yes("after exec: glibc registered", __rseq_size > 0);
		yes("after exec: cpu_id valid", __rseq_size > 0 && cpu_valid(area()->cpu_id));
		return 0;
	}
	scratch(argc, argv);
	nprocs = sysconf(_SC_NPROCESSORS_CONF);
	if (nprocs < 1 || nprocs > NPROC_MAX)
		nprocs = NPROC_MAX;
	yes("glibc registered rseq", __rseq_size > 0);
	val("__rseq_size", __rseq_size);
	yes("__rseq_offset is 32-byte aligned in the TCB", (__rseq_offset & 31) == 0);
	/* Linux 6.3+: offsetof(struct rseq, end) and its alignment. */
	val("AT_RSEQ_FEATURE_SIZE", (long)getauxval(27));
	val("AT_RSEQ_ALIGN", (long)getauxval(28));
	if (__rseq_size == 0) {
		printf("no rseq: cannot go on\n");
		return 3;
	}
	struct rseq *rs = area();
	yes("area is 32-byte aligned", ((uintptr_t)rs & 31) == 0);
	yes("cpu_id valid", cpu_valid(rs->cpu_id));
	yes("cpu_id_start valid", cpu_valid(rs->cpu_id_start));
	/* node_id and mm_cid (Linux 6.3+) follow flags; glibc 2.36's struct
	 * rseq does not name them. */
	yes("node_id 0", ((volatile uint32_t *)rs)[5] == 0);
	yes("mm_cid 0 (one thread)", ((volatile uint32_t *)rs)[6] == 0);
	yes("rseq_cs 0", rs->rseq_cs == 0);
	yes("cpu_id agrees with getcpu", agrees_with_getcpu());
	yes("sched_getcpu valid", cpu_valid((uint32_t)sched_getcpu()));

	err("register the same area again", sys_rseq(rs, 32, 0, RSEQ_SIG));
	err("register another area", sys_rseq(&mine, 32, 0, RSEQ_SIG));
	err("register with another length", sys_rseq(rs, 64, 0, RSEQ_SIG));
	err("register with another signature", sys_rseq(rs, 32, 0, RSEQ_SIG + 1));
	err("unregister with another signature",
	    sys_rseq(rs, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1));
	err("unregister another area", sys_rseq(&mine, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	err("unregister with length 64", sys_rseq(rs, 64, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));

	pthread_t t;
	pthread_create(&t, NULL, plain, NULL);
	pthread_join(t, NULL);
	yes("a thread: own area, valid cpu_id, EBUSY", thread_ok);
	yes("a thread's area differs from main's", thread_area && thread_area != (uintptr_t)rs);
	pthread_create(&t, NULL, errors, NULL);
	pthread_join(t, NULL);

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		long r = sys_rseq(area(), 32, 0, RSEQ_SIG);
		int e = errno;
		printf("fork child: register again: %s\n", r < 0 ? errname(e) : "ok");
		yes("fork child: cpu_id valid", cpu_valid(area()->cpu_id));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	yes("fork child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *nargv[] = {argv[0], argv[1], "exec", NULL};
		char *nenv[] = {"PATH=/bin:/usr/bin", NULL};
		execve("/proc/self/exe", nargv, nenv);
		printf("execve: %s\n", errname(errno));
		_exit(1);
	}
	waitpid(pid, &st, 0);
	yes("exec child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* The critical sections. */
	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&workers[i], NULL, worker, NULL);
	pthread_t p;
	pthread_create(&p, NULL, pester, NULL);
	while (__atomic_load_n(&done, __ATOMIC_RELAXED) < WORKERS)
		sched_yield();
	stop = 1;
	pthread_join(p, NULL);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(workers[i], NULL);
	val("per-CPU total less the signals handled", sum(work) - handled);
	yes("some signals were handled", handled > 0);
	yes("some sections were aborted", aborts > 0);
	yes("cpu_id agreed with getcpu in every worker", !disagreed);
	yes("rseq_cs 0 again in main", rs->rseq_cs == 0);
	return 0;
}
