/*
 * Self-test of per-thread FPU state: threads with registers of their own,
 * all on one CPU, each keeps its XMM and x87 control word across switches
 * to the others (and to threads without any), and starts from its image.
 */
#include <pallas/ktest.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/string.h>

#define THREADS 3
#define ROUNDS	200

struct fpu_worker {
	unsigned id;
	volatile bool ok, started_clean;
	volatile unsigned done;
};

static void set_regs(uint64_t v)
{
	__asm__ volatile("movq %0, %%xmm0; movq %0, %%xmm7; movq %0, %%xmm15" ::"r"(v));
}

static bool regs_are(uint64_t v)
{
	uint64_t a, b, c;
	__asm__ volatile("movq %%xmm0, %0; movq %%xmm7, %1; movq %%xmm15, %2"
			 : "=r"(a), "=r"(b), "=r"(c));
	return a == v && b == v && c == v;
}

static uint16_t fcw(void)
{
	uint16_t w;
	__asm__ volatile("fnstcw %0" : "=m"(w));
	return w;
}

static void fpu_worker(void *arg)
{
	struct fpu_worker *w = arg;
	uint8_t image[512] __attribute__((aligned(16)));
	uint64_t mine = 0x1111111111111111ull * (w->id + 1);

	memset(image, 0, sizeof(image));
	image[0] = (uint8_t)(0x40 + w->id); /* FCW: a value of its own */
	image[24] = 0x80;		    /* MXCSR 0x1f80 */
	image[25] = 0x1f;
	w->ok = thread_fpu_enable(image);
	w->started_clean = regs_are(0) && fcw() == 0x40 + w->id;
	set_regs(mine);
	for (unsigned i = 0; i < ROUNDS && w->ok; i++) {
		sched_yield();
		if (!regs_are(mine) || fcw() != 0x40 + w->id)
			w->ok = false;
	}
	w->done = 1;
}

KTEST(fpu_state_per_thread)
{
	struct fpu_worker w[THREADS];
	struct thread *th[THREADS];

	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct fpu_worker){.id = i};
		th[i] = thread_create_on(fpu_worker, &w[i], NULL, "fpu", 0);
		KEXPECT(t, th[i] != NULL);
	}
	for (unsigned i = 0; i < THREADS; i++) {
		if (!th[i])
			continue;
		thread_join(th[i]);
		KEXPECT(t, w[i].done && w[i].started_clean && w[i].ok);
	}
}

/*
 * With AVX the state is an XSAVE area: the upper halves of the YMM
 * registers are each thread's too, across switches to the others (and to
 * threads without any), and start zero.
 */
struct avx_worker {
	unsigned id;
	volatile bool ok, started_clean;
	volatile unsigned done;
};

static void set_ymm(const uint64_t v[4])
{
	__asm__ volatile(
	    "vmovdqu (%0), %%ymm0; vmovdqu (%0), %%ymm8; vmovdqu (%0), %%ymm15" ::"r"(v)
	    : "memory");
}

static bool ymm_are(const uint64_t v[4])
{
	uint64_t a[4], b[4], c[4];
	__asm__ volatile(
	    "vmovdqu %%ymm0, (%0); vmovdqu %%ymm8, (%1); vmovdqu %%ymm15, (%2)" ::"r"(a), "r"(b),
	    "r"(c)
	    : "memory");
	return memcmp(a, v, 32) == 0 && memcmp(b, v, 32) == 0 && memcmp(c, v, 32) == 0;
}

static void avx_worker(void *arg)
{
	struct avx_worker *w = arg;
	uint8_t image[512] __attribute__((aligned(16)));
	static const uint64_t zero[4];
	uint64_t mine[4];

	for (unsigned i = 0; i < 4; i++)
		mine[i] = 0x0101010101010101ull * (w->id * 4 + i + 1);
	memset(image, 0, sizeof(image));
	image[0] = 0x7f;
	image[1] = 0x03;
	image[24] = 0x80;
	image[25] = 0x1f;
	w->ok = thread_fpu_enable(image);
	w->started_clean = w->ok && ymm_are(zero);
	if (w->ok)
		set_ymm(mine);
	for (unsigned i = 0; i < ROUNDS && w->ok; i++) {
		sched_yield();
		if (!ymm_are(mine))
			w->ok = false;
	}
	/* A saved image holds the upper halves; restoring it brings them back. */
	uint8_t *img = kmalloc(thread_fpu_size());
	if (w->ok && img) {
		thread_fpu_save(img);
		set_ymm(zero);
		w->ok = thread_fpu_restore(img) && ymm_are(mine);
	} else {
		w->ok = false;
	}
	kfree(img);
	w->done = 1;
}

KTEST(fpu_avx_per_thread)
{
	struct avx_worker w[THREADS];
	struct thread *th[THREADS];

	if (!(thread_fpu_features() & 4)) {
		ktest_skip(t, "no AVX (XCR0 without YMM state)");
		return;
	}
	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct avx_worker){.id = i};
		th[i] = thread_create_on(avx_worker, &w[i], NULL, "fpu-avx", 0);
		KEXPECT(t, th[i] != NULL);
	}
	/* and one with only SSE state between them */
	struct fpu_worker s = {.id = THREADS};
	struct thread *sse = thread_create_on(fpu_worker, &s, NULL, "fpu", 0);
	KEXPECT(t, sse != NULL);
	for (unsigned i = 0; i < THREADS; i++) {
		if (!th[i])
			continue;
		thread_join(th[i]);
		KEXPECT(t, w[i].done && w[i].started_clean && w[i].ok);
	}
	if (sse) {
		thread_join(sse);
		KEXPECT(t, s.done && s.started_clean && s.ok);
	}
}

/*
 * thread_fpu_restore refuses, changing nothing, an image XRSTOR (FXRSTOR)
 * would fault on: MXCSR bits the CPU lacks and, with XSAVE, a feature off in
 * XCR0, XCOMP_BV or a reserved header byte set.  What signal frames and
 * sigreturn hand it is the program's to forge.
 */
struct check_worker {
	volatile bool ok, done;
};

static void check_worker(void *arg)
{
	struct check_worker *w = arg;
	size_t n = thread_fpu_size();
	uint8_t *good = kmalloc(n), *bad = kmalloc(n);
	uint8_t legacy[512] __attribute__((aligned(16)));
	uint64_t mine = 0x5a5a5a5a12345678ull;

	memset(legacy, 0, sizeof(legacy));
	legacy[0] = 0x7f;
	legacy[1] = 0x03;
	legacy[24] = 0x80;
	legacy[25] = 0x1f;
	bool ok = good && bad && thread_fpu_enable(legacy);
	if (ok) {
		set_regs(mine);
		thread_fpu_save(good);
		ok = regs_are(mine);
	}
	/* each corruption on its own; offsets of the standard format */
	static const unsigned at[] = {27, 512 + 7, 520, 528, 575};
	static const uint8_t val[] = {0x80, 0x80, 1, 1, 1};
	unsigned cases = thread_fpu_features() ? 5 : 1;
	for (unsigned i = 0; ok && i < cases; i++) {
		memcpy(bad, good, n);
		bad[at[i]] |= val[i];
		if (thread_fpu_restore(bad) || !regs_are(mine))
			ok = false;
	}
	if (ok) {
		set_regs(0);
		ok = thread_fpu_restore(good) && regs_are(mine);
	}
	kfree(good);
	kfree(bad);
	w->ok = ok;
	w->done = true;
}

KTEST(fpu_restore_refuses_bad_images)
{
	struct check_worker w = {0};
	struct thread *th = thread_create_on(check_worker, &w, NULL, "fpu-check", 0);

	KEXPECT(t, th != NULL);
	if (!th)
		return;
	thread_join(th);
	KEXPECT(t, w.done && w.ok);
}
