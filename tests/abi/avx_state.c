/* The AVX registers (YMM upper halves included) are each thread's own: kept
 * across sched_yield with another thread using them on the same CPU, copied
 * into a fork child, and put back by sigreturn after a handler that
 * clobbers them.  The handler's ucontext holds the XSAVE layout: fpstate
 * 64-byte aligned, UC_FP_XSTATE, _fpx_sw_bytes with FP_XSTATE_MAGIC1 and
 * x87|SSE|AVX among its xfeatures, FP_XSTATE_MAGIC2 after the area; a YMM
 * value written into the frame comes back after sigreturn, and a corrupt
 * XSAVE header there ends the program with SIGSEGV.  The registers are set
 * and read in the same asm statement as the system calls (raw, so no libc
 * code runs in between to use them itself). */
#include "abi.h"
#include <cpuid.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <ucontext.h>

#define MAGIC1	     0x46505853u
#define MAGIC2	     0x46505845u
#define UC_FP_XSTATE 0x1
#define SW_BYTES     464
#define XSTATE_BV    512
#define YMM_HI	     576 /* YMM_Hi128 in the standard format */
#define YIELDS	     2000

struct ymm3 {
	uint64_t r0[4], r7[4], r15[4];
};

static void fill(struct ymm3 *v, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		v->r0[i] = seed * 0x0101010101010101ull + i;
		v->r7[i] = seed * 0x0202020202020202ull + i;
		v->r15[i] = seed * 0x0303030303030303ull + i;
	}
}

#define LOAD3(in)                                                     \
	"vmovdqu 0(" in "), %%ymm0\n\tvmovdqu 32(" in "), %%ymm7\n\t" \
	"vmovdqu 64(" in "), %%ymm15\n\t"
#define STORE3(out)                                                     \
	"vmovdqu %%ymm0, 0(" out ")\n\tvmovdqu %%ymm7, 32(" out ")\n\t" \
	"vmovdqu %%ymm15, 64(" out ")\n\t"

/* ymm0/7/15 = *in; n sched_yield calls; *out = ymm0/7/15. */
static void yield_loop(const struct ymm3 *in, struct ymm3 *out, long n)
{
	__asm__ volatile(
	    LOAD3("%0") "1:\n\tmov $24, %%eax\n\tsyscall\n\tdec %2\n\tjnz 1b\n\t" STORE3("%1")
	    : "+r"(in), "+r"(out), "+r"(n)
	    :
	    : "rax", "rcx", "r11", "memory", "xmm0", "xmm7", "xmm15");
}

/* ymm0/7/15 = *in; fork (clone(SIGCHLD)); *out = ymm0/7/15; the result. */
static long fork_regs(const struct ymm3 *in, struct ymm3 *out)
{
	long r;
	__asm__ volatile(
	    LOAD3("%1") "mov $56, %%eax\n\tmov $17, %%edi\n\txor %%esi, %%esi\n\t"
			"xor %%edx, %%edx\n\txor %%r10d, %%r10d\n\txor %%r8d, %%r8d\n\t"
			"syscall\n\t" STORE3("%2")
	    : "=&a"(r)
	    : "r"(in), "r"(out)
	    : "rcx", "rdx", "rsi", "rdi", "r8", "r10", "r11", "memory", "xmm0", "xmm7", "xmm15");
	return r;
}

/* ymm0/7/15 = *in, ymm1 = 0; kill(pid, sig); *out = ymm0/7/15, *y1 = ymm1. */
static long kill_regs(const struct ymm3 *in, struct ymm3 *out, uint64_t y1[4], int pid, int sig)
{
	long r;
	__asm__ volatile(
	    LOAD3("%1") "vpxor %%xmm1, %%xmm1, %%xmm1\n\t"
			"mov $62, %%eax\n\tsyscall\n\t" STORE3("%2") "vmovdqu %%ymm1, (%3)\n\t"
	    : "=&a"(r)
	    : "r"(in), "r"(out), "r"(y1), "D"((long)pid), "S"((long)sig)
	    : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm7", "xmm15");
	return r;
}

static int avx_usable(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & (1u << 27)) || !(c & (1u << 28)))
		return 0;
	unsigned lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static void pin(void)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(0, &s);
	(void)sched_setaffinity(0, sizeof(s), &s);
}

static volatile int other_ok;

static void *other(void *arg)
{
	struct ymm3 in, out;
	pin();
	fill(&in, 9);
	yield_loop(&in, &out, YIELDS);
	other_ok = memcmp(&in, &out, sizeof(in)) == 0;
	return NULL;
}

/* What the handler saw. */
static volatile int h_aligned, h_flags, h_magic1, h_magic2, h_sizes, h_clean;
static volatile unsigned long h_features;
static volatile int corrupt;
static const uint64_t frame_ymm1_hi[2] = {0x1122334455667788ull, 0x99aabbccddeeff00ull};

static void handler(int sig, siginfo_t *si, void *ctx)
{
	uint64_t up[2];
	/* Linux starts a handler with the FPU in its initial state. */
	__asm__ volatile("vextractf128 $1, %%ymm0, (%0)" ::"r"(up) : "memory");
	h_clean = up[0] == 0 && up[1] == 0;
	/* Clobber what the interrupted code had. */
	__asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\tvmovdqa %%ymm0, %%ymm7\n\t"
			 "vmovdqa %%ymm0, %%ymm15\n\tvmovdqa %%ymm0, %%ymm1" ::
			     : "xmm0", "xmm1", "xmm7", "xmm15");
	ucontext_t *uc = ctx;
	unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
	uint32_t m1, ext, size, m2;
	uint64_t feat, bv;
	memcpy(&m1, fp + SW_BYTES, 4);
	memcpy(&ext, fp + SW_BYTES + 4, 4);
	memcpy(&feat, fp + SW_BYTES + 8, 8);
	memcpy(&size, fp + SW_BYTES + 16, 4);
	h_aligned = ((uintptr_t)fp & 63) == 0;
	h_flags = (uc->uc_flags & UC_FP_XSTATE) != 0;
	h_magic1 = m1 == MAGIC1;
	h_features = feat & 7;
	h_sizes = size >= 832 && ext == size + 4;
	memcpy(&m2, fp + size, 4);
	h_magic2 = m2 == MAGIC2;
	/* The frame's ymm1 upper half is what sigreturn loads. */
	memcpy(fp + YMM_HI + 16, frame_ymm1_hi, 16);
	memcpy(&bv, fp + XSTATE_BV, 8);
	bv |= 4;
	memcpy(fp + XSTATE_BV, &bv, 8);
	if (corrupt)
		fp[XSTATE_BV + 18] = 1; /* a reserved header byte */
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	int ok = avx_usable();
	yes("avx usable", ok);
	if (!ok)
		return 0;

	/* Two threads on one CPU, each with its own YMM values. */
	pthread_t t;
	struct ymm3 in, out;
	pin();
	pthread_create(&t, NULL, other, NULL);
	fill(&in, 5);
	yield_loop(&in, &out, YIELDS);
	pthread_join(t, NULL);
	yes("ymm kept across sched_yield", memcmp(&in, &out, sizeof(in)) == 0);
	yes("other thread's ymm kept", other_ok);

	/* fork: the child starts with the parent's registers. */
	fflush(stdout);
	fill(&in, 6);
	memset(&out, 0, sizeof(out));
	long c = fork_regs(&in, &out);
	if (c == 0) {
		int same = memcmp(&in, &out, sizeof(in)) == 0;
		printf("child: ymm as the parent had them: %s\n", same ? "yes" : "no");
		fflush(stdout);
		_exit(same ? 0 : 1);
	}
	int st = 0;
	waitpid((pid_t)c, &st, 0);
	yes("fork ok", c > 0);
	yes("parent ymm kept across fork", memcmp(&in, &out, sizeof(in)) == 0);
	yes("child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* A handler that clobbers them: sigreturn puts them back. */
	struct sigaction sa = {0};
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	uint64_t y1[4];
	fill(&in, 7);
	memset(&out, 0, sizeof(out));
	long r = kill_regs(&in, &out, y1, getpid(), SIGUSR1);
	yes("kill ok", r == 0);
	yes("handler: starts with ymm0's upper half zero", h_clean);
	yes("handler: fpstate 64-byte aligned", h_aligned);
	yes("handler: uc_flags has UC_FP_XSTATE", h_flags);
	yes("handler: sw_reserved magic1", h_magic1);
	printf("handler: xfeatures & 7: %lu\n", h_features);
	yes("handler: extended_size = xstate_size + 4", h_sizes);
	yes("handler: magic2 after the xstate area", h_magic2);
	yes("ymm restored after sigreturn", memcmp(&in, &out, sizeof(in)) == 0);
	yes("ymm1's upper half from the frame",
	    y1[0] == 0 && y1[1] == 0 && y1[2] == frame_ymm1_hi[0] && y1[3] == frame_ymm1_hi[1]);

	/* A reserved XSAVE header byte set in the frame: SIGSEGV. */
	fflush(stdout);
	pid_t k = fork();
	if (k == 0) {
		corrupt = 1;
		kill_regs(&in, &out, y1, getpid(), SIGUSR1);
		printf("corrupt header: sigreturn returned\n");
		fflush(stdout);
		_exit(0);
	}
	waitpid(k, &st, 0);
	yes("corrupt header: child killed by SIGSEGV", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	return 0;
}
