/*
 * Linux x86-64 signal, clone and wait ABI: numbers, flags and the layouts
 * a program and the kernel exchange (sigaction, siginfo, the signal frame).
 */
#ifndef CONTAINERS_UAPI_LINUX_SIGNAL_H
#define CONTAINERS_UAPI_LINUX_SIGNAL_H

#include <pallas/types.h>

#define LINUX_SIGHUP	1
#define LINUX_SIGINT	2
#define LINUX_SIGQUIT	3
#define LINUX_SIGILL	4
#define LINUX_SIGTRAP	5
#define LINUX_SIGABRT	6
#define LINUX_SIGBUS	7
#define LINUX_SIGFPE	8
#define LINUX_SIGKILL	9
#define LINUX_SIGUSR1	10
#define LINUX_SIGSEGV	11
#define LINUX_SIGUSR2	12
#define LINUX_SIGPIPE	13
#define LINUX_SIGALRM	14
#define LINUX_SIGTERM	15
#define LINUX_SIGSTKFLT 16
#define LINUX_SIGCHLD	17
#define LINUX_SIGCONT	18
#define LINUX_SIGSTOP	19
#define LINUX_SIGTSTP	20
#define LINUX_SIGTTIN	21
#define LINUX_SIGTTOU	22
#define LINUX_SIGURG	23
#define LINUX_SIGXCPU	24
#define LINUX_SIGXFSZ	25
#define LINUX_SIGVTALRM 26
#define LINUX_SIGPROF	27
#define LINUX_SIGWINCH	28
#define LINUX_SIGIO	29
#define LINUX_SIGPWR	30
#define LINUX_SIGSYS	31
#define LINUX_SIGRTMIN	32
#define LINUX_NSIG	64

#define LINUX_SIG_DFL 0ull
#define LINUX_SIG_IGN 1ull

#define LINUX_SA_NOCLDSTOP 0x00000001u
#define LINUX_SA_NOCLDWAIT 0x00000002u
#define LINUX_SA_SIGINFO   0x00000004u
#define LINUX_SA_RESTORER  0x04000000u
#define LINUX_SA_ONSTACK   0x08000000u
#define LINUX_SA_RESTART   0x10000000u
#define LINUX_SA_NODEFER   0x40000000u
#define LINUX_SA_RESETHAND 0x80000000u

/* The kernel's struct sigaction on x86-64 (not glibc's). */
struct linux_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

#define LINUX_SIG_BLOCK	  0
#define LINUX_SIG_UNBLOCK 1
#define LINUX_SIG_SETMASK 2

#define LINUX_SS_ONSTACK    1
#define LINUX_SS_DISABLE    2
#define LINUX_SS_AUTODISARM (1u << 31)
#define LINUX_MINSIGSTKSZ   2048

struct linux_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

/* si_code values */
#define LINUX_SI_USER	    0
#define LINUX_SI_KERNEL	    0x80
#define LINUX_SI_QUEUE	    (-1)
#define LINUX_SI_TIMER	    (-2)
#define LINUX_SI_TKILL	    (-6)
#define LINUX_SEGV_MAPERR   1
#define LINUX_SEGV_ACCERR   2
#define LINUX_BUS_ADRALN    1
#define LINUX_BUS_ADRERR    2
#define LINUX_ILL_ILLOPN    2
#define LINUX_FPE_INTDIV    1
#define LINUX_TRAP_BRKPT    1
#define LINUX_CLD_EXITED    1
#define LINUX_CLD_KILLED    2
#define LINUX_CLD_DUMPED    3
#define LINUX_CLD_STOPPED   5
#define LINUX_CLD_CONTINUED 6

/* siginfo_t: 128 bytes; the union's members at offset 16. */
struct linux_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t pad0;
	union {
		struct { /* kill, tkill, sigqueue, SIGCHLD */
			int32_t pid;
			uint32_t uid;
			union {
				struct {
					int32_t status;
					int32_t pad;
					int64_t utime, stime;
				} chld;
				uint64_t value; /* sigqueue's sigval */
			};
		} proc;
		struct { /* faults */
			uint64_t addr;
		} fault;
		struct { /* POSIX timers */
			int32_t tid;
			int32_t overrun;
			uint64_t value;
		} timer;
		uint8_t raw[112];
	};
};
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo_t is 128 bytes");

/* struct sigcontext (x86-64), 256 bytes. */
struct linux_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user pointer to the FXSAVE/XSAVE area */
	uint64_t reserved1[8];
};
_Static_assert(sizeof(struct linux_sigcontext) == 256, "sigcontext is 256 bytes");

struct linux_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct linux_stack uc_stack;
	struct linux_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

/* The frame a handler starts on: its return address is sa_restorer, which
 * calls rt_sigreturn with the stack pointer just past it. */
struct linux_rt_sigframe {
	uint64_t pretcode;
	struct linux_ucontext uc;
	struct linux_siginfo info;
};

#define LINUX_UC_FP_XSTATE	   0x1
#define LINUX_UC_SIGCONTEXT_SS	   0x2
#define LINUX_UC_STRICT_RESTORE_SS 0x4

/* struct _fpx_sw_bytes: the legacy FXSAVE area's bytes 464..511 in a signal
 * frame with XSAVE data (UC_FP_XSTATE), which ends with FP_XSTATE_MAGIC2 at
 * fpstate + xstate_size (sigcontext.h). */
struct linux_fpx_sw_bytes {
	uint32_t magic1;	/* LINUX_FP_XSTATE_MAGIC1 */
	uint32_t extended_size; /* xstate_size + the trailing magic2 */
	uint64_t xfeatures;	/* the features the frame's XSAVE area may hold */
	uint32_t xstate_size;	/* the XSAVE area's bytes */
	uint32_t padding[7];
};
_Static_assert(sizeof(struct linux_fpx_sw_bytes) == 48, "_fpx_sw_bytes is 48 bytes");
#define LINUX_FP_XSTATE_MAGIC1	    0x46505853u
#define LINUX_FP_XSTATE_MAGIC2	    0x46505845u
#define LINUX_FP_XSTATE_MAGIC2_SIZE 4u

/* clone flags */
#define LINUX_CSIGNAL		   0x000000ffull
#define LINUX_CLONE_VM		   0x00000100ull
#define LINUX_CLONE_FS		   0x00000200ull
#define LINUX_CLONE_FILES	   0x00000400ull
#define LINUX_CLONE_SIGHAND	   0x00000800ull
#define LINUX_CLONE_PIDFD	   0x00001000ull
#define LINUX_CLONE_PTRACE	   0x00002000ull
#define LINUX_CLONE_VFORK	   0x00004000ull
#define LINUX_CLONE_PARENT	   0x00008000ull
#define LINUX_CLONE_THREAD	   0x00010000ull
#define LINUX_CLONE_NEWNS	   0x00020000ull
#define LINUX_CLONE_SYSVSEM	   0x00040000ull
#define LINUX_CLONE_SETTLS	   0x00080000ull
#define LINUX_CLONE_PARENT_SETTID  0x00100000ull
#define LINUX_CLONE_CHILD_CLEARTID 0x00200000ull
#define LINUX_CLONE_DETACHED	   0x00400000ull
#define LINUX_CLONE_UNTRACED	   0x00800000ull
#define LINUX_CLONE_CHILD_SETTID   0x01000000ull
#define LINUX_CLONE_NEWCGROUP	   0x02000000ull
#define LINUX_CLONE_NEWUTS	   0x04000000ull
#define LINUX_CLONE_NEWIPC	   0x08000000ull
#define LINUX_CLONE_NEWUSER	   0x10000000ull
#define LINUX_CLONE_NEWPID	   0x20000000ull
#define LINUX_CLONE_NEWNET	   0x40000000ull
#define LINUX_CLONE_IO		   0x80000000ull
#define LINUX_CLONE_CLEAR_SIGHAND  0x100000000ull
#define LINUX_CLONE_INTO_CGROUP	   0x200000000ull

struct linux_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

/* wait options */
#define LINUX_WNOHANG	 0x00000001
#define LINUX_WUNTRACED	 0x00000002
#define LINUX_WSTOPPED	 LINUX_WUNTRACED
#define LINUX_WEXITED	 0x00000004
#define LINUX_WCONTINUED 0x00000008
#define LINUX_WNOWAIT	 0x01000000
#define LINUX_WNOTHREAD	 0x20000000
#define LINUX_WALL	 0x40000000
#define LINUX_WCLONE	 0x80000000
#define LINUX_P_ALL	 0
#define LINUX_P_PID	 1
#define LINUX_P_PGID	 2
#define LINUX_P_PIDFD	 3

struct linux_rusage {
	struct {
		int64_t tv_sec, tv_usec;
	} ru_utime, ru_stime;
	int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap, ru_inblock,
	    ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

#endif
