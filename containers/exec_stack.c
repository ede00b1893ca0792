/*
 * The initial stack of a program, in Linux's x86-64 layout (see
 * exec_stack.h).  Built top-down in a kernel buffer that stands for the
 * top of the new stack: every address written into it is the user address
 * its bytes will have once copied in.
 */
#include <pallas/errno.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#include "exec_stack.h"

#define STRINGS_CAP (6ull << 20) /* Linux caps argument room at 3/4 of 8 MiB */

static size_t strings_bytes(const char *const *v, size_t n, long *err)
{
	size_t total = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len = strnlen(v[i], EXEC_MAX_ARG_STRLEN);
		if (len >= EXEC_MAX_ARG_STRLEN)
			*err = -E2BIG;
		total += len + 1;
	}
	return total;
}

static size_t argc_of(const struct exec_stack_args *a)
{
	return a->argc ? a->argc : 1;
}

static size_t auxv_pairs(const struct exec_stack_args *a)
{
	return 19 + (a->sysinfo_ehdr != 0) + (a->minsigstksz != 0) +
	       2 * (a->rseq_feature_size != 0);
}

long exec_stack_size(const struct exec_stack_args *a)
{
	long err = 0;

	if (!a->argv || !a->envp || !a->execfn || !a->random)
		return -EINVAL;
	if (a->argc > EXEC_MAX_ARG_STRINGS || a->envc > EXEC_MAX_ARG_STRINGS)
		return -E2BIG;
	size_t strs = (a->argc ? strings_bytes(a->argv, a->argc, &err) : 1) +
		      strings_bytes(a->envp, a->envc, &err);
	if (err)
		return err;
	size_t execfn = strnlen(a->execfn, EXEC_MAX_ARG_STRLEN) + 1;
	if (execfn > EXEC_MAX_ARG_STRLEN)
		return -E2BIG;
	size_t ptrs = (argc_of(a) + a->envc + 2) * sizeof(uint64_t);
	uint64_t room = a->rlimit_stack / 4;
	if (room < EXEC_ARG_MAX)
		room = EXEC_ARG_MAX;
	if (room > STRINGS_CAP)
		room = STRINGS_CAP;
	if (strs + ptrs > room)
		return -E2BIG;
	size_t total = 8 + execfn + strs + a->pad + 16 + sizeof(EXEC_PLATFORM) + EXEC_RANDOM_BYTES +
		       16 + auxv_pairs(a) * 16 + ptrs + 8 + 16;
	return (long)((total + 15) & ~(size_t)15);
}

struct builder {
	uint8_t *buf;
	uint64_t top, base, sp; /* user addresses: buf stands for [base, top) */
};

static uint64_t push_bytes(struct builder *b, const void *src, size_t n)
{
	b->sp -= n;
	memcpy(b->buf + (b->sp - b->base), src, n);
	return b->sp;
}

static uint64_t push_string(struct builder *b, const char *s)
{
	return push_bytes(b, s, strlen(s) + 1);
}

static void put_word(struct builder *b, uint64_t at, uint64_t v)
{
	memcpy(b->buf + (at - b->base), &v, sizeof(v));
}

int exec_stack_build(const struct exec_stack_args *a, void *buf, size_t size, uint64_t stack_top,
		     struct exec_stack_layout *out)
{
	long need = exec_stack_size(a);

	if (need < 0)
		return (int)need;
	if (stack_top % 16 || stack_top > USER_TOP || stack_top < size)
		return -EINVAL;
	if ((size_t)need > size)
		return -ENOMEM;
	struct builder b = {buf, stack_top, stack_top - size, stack_top};
	static const char empty[] = "";
	static const uint64_t zero = 0;
	size_t argc = argc_of(a);

	memset(out, 0, sizeof(*out));
	push_bytes(&b, &zero, 8);
	out->execfn = push_string(&b, a->execfn);
	/* envp strings above argv strings, each array's first string lowest. */
	uint64_t env_end = b.sp;
	for (size_t i = a->envc; i-- > 0;)
		push_string(&b, a->envp[i]);
	out->env_start = b.sp;
	out->env_end = env_end;
	out->arg_end = b.sp;
	if (a->argc == 0)
		push_string(&b, empty);
	for (size_t i = a->argc; i-- > 0;)
		push_string(&b, a->argv[i]);
	out->arg_start = b.sp;
	b.sp -= a->pad;
	b.sp &= ~15ull;
	out->platform = push_string(&b, EXEC_PLATFORM);
	out->random = push_bytes(&b, a->random, EXEC_RANDOM_BYTES);
	b.sp &= ~15ull;

	uint64_t aux[2 * EXEC_AUXV_MAX];
	size_t n = 0;
#define AUX(k, v)                         \
	do {                              \
		aux[n++] = (k);           \
		aux[n++] = (uint64_t)(v); \
	} while (0)
	if (a->sysinfo_ehdr)
		AUX(AT_SYSINFO_EHDR, a->sysinfo_ehdr);
	if (a->minsigstksz)
		AUX(AT_MINSIGSTKSZ, a->minsigstksz);
	AUX(AT_HWCAP, a->hwcap);
	AUX(AT_PAGESZ, EXEC_PAGESZ);
	AUX(AT_CLKTCK, EXEC_CLKTCK);
	AUX(AT_PHDR, a->phdr);
	AUX(AT_PHENT, a->phent);
	AUX(AT_PHNUM, a->phnum);
	AUX(AT_BASE, a->base);
	AUX(AT_FLAGS, a->flags);
	AUX(AT_ENTRY, a->entry);
	AUX(AT_UID, a->uid);
	AUX(AT_EUID, a->euid);
	AUX(AT_GID, a->gid);
	AUX(AT_EGID, a->egid);
	AUX(AT_SECURE, a->secure);
	AUX(AT_RANDOM, out->random);
	AUX(AT_HWCAP2, a->hwcap2);
	AUX(AT_EXECFN, out->execfn);
	AUX(AT_PLATFORM, out->platform);
	if (a->rseq_feature_size) {
		AUX(AT_RSEQ_FEATURE_SIZE, a->rseq_feature_size);
		AUX(AT_RSEQ_ALIGN, a->rseq_align);
	}
	AUX(AT_NULL, 0);
#undef AUX
	/* argc, argv[], NULL, envp[], NULL, auxv: rsp 16-byte aligned at argc. */
	size_t words = 1 + argc + 1 + a->envc + 1 + n;
	b.sp = (b.sp - words * 8) & ~15ull;
	uint64_t at = b.sp;
	out->rsp = at;
	put_word(&b, at, argc);
	at += 8;
	out->argv = at;
	uint64_t s = out->arg_start;
	for (size_t i = 0; i < argc; i++, at += 8) {
		put_word(&b, at, s);
		s += strlen(a->argc ? a->argv[i] : empty) + 1;
	}
	put_word(&b, at, 0);
	at += 8;
	out->envp = at;
	s = out->env_start;
	for (size_t i = 0; i < a->envc; i++, at += 8) {
		put_word(&b, at, s);
		s += strlen(a->envp[i]) + 1;
	}
	put_word(&b, at, 0);
	at += 8;
	out->auxv = at;
	for (size_t i = 0; i < n; i++, at += 8)
		put_word(&b, at, aux[i]);
	out->argc = argc;
	out->nauxv = n / 2;
	memcpy(out->auxv_saved, aux, n * sizeof(uint64_t));
	return 0;
}
