/* arch_prctl: ARCH_GET_FS is the thread pointer libc set up, ARCH_SET_FS
 * moves it, bad codes are EINVAL. */
#include "abi.h"
#include <asm/prctl.h>

static unsigned long fs_self(void)
{
	unsigned long v;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static __thread int tls_var = 5;

/* The system call without libc's wrapper, which would write errno (TLS). */
static long raw_set_fs(unsigned long base)
{
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "0"((long)SYS_arch_prctl), "D"((long)ARCH_SET_FS), "S"(base)
			 : "rcx", "r11", "memory");
	return r;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	unsigned long fs = 0;
	res("ARCH_GET_FS", syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
	yes("ARCH_GET_FS == %fs:0 (the TCB's self pointer)", fs != 0 && fs == fs_self());
	yes("ARCH_GET_FS == __builtin_thread_pointer",
	    fs == (unsigned long)__builtin_thread_pointer());
	yes("a __thread variable lies below the thread pointer",
	    (unsigned long)&tls_var < fs && fs - (unsigned long)&tls_var < 65536);

	/* A copy of the TCB's first words elsewhere: %fs:0 must follow. */
	static unsigned long other[64] __attribute__((aligned(64)));
	memcpy(other, (void *)fs, sizeof(other));
	other[0] = (unsigned long)other;
	/* Nothing between the two calls may use TLS (errno, stdio): %fs points
	 * at a copy without the TLS block below it. */
	long set = raw_set_fs((unsigned long)other);
	unsigned long seen = fs_self();
	long back = raw_set_fs(fs);
	val("ARCH_SET_FS to a copy", set);
	val("ARCH_SET_FS back", back);
	yes("%fs:0 followed ARCH_SET_FS", seen == (unsigned long)other);
	yes("%fs:0 back to the TCB", fs_self() == fs);
	yes("the __thread variable is intact", tls_var == 5);

	unsigned long gs = 1;
	res("ARCH_GET_GS", syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
	val("GS base of a fresh program", (long)gs);
	err("unknown code 0x1234", syscall(SYS_arch_prctl, 0x1234, &fs));
	err("ARCH_SET_FS to a kernel address",
	    syscall(SYS_arch_prctl, ARCH_SET_FS, 0xffff800000000000UL));
	err("ARCH_SET_FS to a non-canonical address",
	    syscall(SYS_arch_prctl, ARCH_SET_FS, 0x0000800000000000UL));
	yes("fs unchanged by the refused calls", fs_self() == fs);
	return 0;
}
