/*
 * The initial stack of a new program (containers/exec_stack.c), laid out
 * byte for byte as Linux's exec lays it out on x86-64, from the top down:
 *
 *   8 zero bytes                               <- stack_top
 *   the execfn string (AT_EXECFN)
 *   envp strings, argv strings (argv[0] lowest) <- these bound mm->arg/env_*
 *   pad bytes, then down to a 16-byte boundary (Linux's arch_align_stack)
 *   "x86_64" (AT_PLATFORM), 16 random bytes (AT_RANDOM)
 *   down to a 16-byte boundary
 *   auxv pairs up to AT_NULL, NULL, envp[], NULL, argv[], argc <- rsp
 *
 * Pure: it fills a kernel buffer standing for [stack_top - size, stack_top)
 * of the new address space, and says where everything landed; exec copies
 * it in (or builds it straight in the stack's pages).
 */
#ifndef CONTAINERS_EXEC_STACK_H
#define CONTAINERS_EXEC_STACK_H

#include <pallas/types.h>

#define EXEC_MAX_ARG_STRLEN  (32 * 4096)  /* one string, NUL included: Linux's MAX_ARG_STRLEN */
#define EXEC_MAX_ARG_STRINGS 0x7fffffff	  /* argc, envc: Linux's MAX_ARG_STRINGS */
#define EXEC_ARG_MAX	     (32 * 4096)  /* the least room strings get: Linux's ARG_MAX */
#define EXEC_STK_LIM	     (8ull << 20) /* Linux's _STK_LIM */
#define EXEC_PLATFORM	     "x86_64"
#define EXEC_RANDOM_BYTES    16
#define EXEC_CLKTCK	     100 /* AT_CLKTCK: Linux's USER_HZ */
#define EXEC_PAGESZ	     4096

/* The auxv keys Linux x86-64 passes (include/uapi/linux/auxvec.h). */
#define AT_NULL		     0
#define AT_PHDR		     3
#define AT_PHENT	     4
#define AT_PHNUM	     5
#define AT_PAGESZ	     6
#define AT_BASE		     7
#define AT_FLAGS	     8
#define AT_ENTRY	     9
#define AT_UID		     11
#define AT_EUID		     12
#define AT_GID		     13
#define AT_EGID		     14
#define AT_PLATFORM	     15
#define AT_HWCAP	     16
#define AT_CLKTCK	     17
#define AT_SECURE	     23
#define AT_RANDOM	     25
#define AT_HWCAP2	     26
#define AT_RSEQ_FEATURE_SIZE 27
#define AT_RSEQ_ALIGN	     28
#define AT_EXECFN	     31
#define AT_SYSINFO_EHDR	     33
#define AT_MINSIGSTKSZ	     51
#define EXEC_AUXV_MAX	     23 /* pairs, AT_NULL included: 19 always, 4 optional */

struct exec_stack_args {
	const char *const *argv; /* argc kernel strings; argc 0 gets argv {""}, as Linux */
	size_t argc;
	const char *const *envp;
	size_t envc;
	const char *execfn;    /* the path execve was given */
	const uint8_t *random; /* EXEC_RANDOM_BYTES for AT_RANDOM */
	uint64_t rlimit_stack; /* RLIMIT_STACK's soft limit: bounds the strings */
	uint32_t pad;	       /* bytes left under the strings (Linux: random, < 8192) */
	/* The auxv values; for the first three, and the rseq pair, 0 leaves
	 * the entry out. */
	uint64_t sysinfo_ehdr; /* the vDSO's address */
	uint64_t minsigstksz;  /* the signal frame's size */
	uint64_t rseq_feature_size, rseq_align;
	uint64_t hwcap, hwcap2;	     /* CPUID.1:EDX; HWCAP2_* (bit 1: FSGSBASE) */
	uint64_t phdr, phent, phnum; /* of the program, biased */
	uint64_t base;		     /* the interpreter's load address, 0 without one */
	uint64_t flags;		     /* AT_FLAGS */
	uint64_t entry;		     /* the program's entry, biased (not the interpreter's) */
	uint32_t uid, euid, gid, egid;
	bool secure;
};

/* Where things landed, in user addresses. */
struct exec_stack_layout {
	uint64_t rsp;				/* argc is here; 16-byte aligned */
	uint64_t argv, envp, auxv;		/* the arrays */
	uint64_t arg_start, arg_end;		/* argv strings (mm->arg_start/arg_end) */
	uint64_t env_start, env_end;		/* envp strings */
	uint64_t execfn, platform, random;	/* AT_EXECFN, AT_PLATFORM, AT_RANDOM */
	size_t argc;				/* 1 when the caller's was 0 */
	size_t nauxv;				/* pairs, AT_NULL included */
	uint64_t auxv_saved[2 * EXEC_AUXV_MAX]; /* a copy, for /proc/PID/auxv */
};

/*
 * Bytes the stack image needs below a 16-byte-aligned stack_top, or -E2BIG
 * when the strings break Linux's limits (a string over EXEC_MAX_ARG_STRLEN,
 * more than EXEC_MAX_ARG_STRINGS of them, or more bytes of strings and
 * pointers than a quarter of rlimit_stack, at least EXEC_ARG_MAX and at most
 * 6 MiB), -EINVAL for a missing argv, envp, execfn or random.
 */
long exec_stack_size(const struct exec_stack_args *a);

/*
 * Builds the image into buf, which stands for [stack_top - size, stack_top),
 * and fills *out.  Returns 0, exec_stack_size()'s errors, -EINVAL for a
 * stack_top not 16-byte aligned or above USER_TOP, or -ENOMEM when size is
 * too small.  Bytes of buf below out->rsp are left alone.
 */
int exec_stack_build(const struct exec_stack_args *a, void *buf, size_t size, uint64_t stack_top,
		     struct exec_stack_layout *out);

#endif
