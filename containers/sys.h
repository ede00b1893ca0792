/* The system-call handlers, one file per area (see syscall.h for their contract). */
#ifndef CONTAINERS_SYS_H
#define CONTAINERS_SYS_H

#include "sys_fs.h"
#include "syscall.h"

#define SYS(name) long sys_##name(const struct syscall_args *a)

/* sys_proc.c */
__attribute__((noreturn)) SYS(exit);
__attribute__((noreturn)) SYS(exit_group);
SYS(getpid);
SYS(gettid);
SYS(getppid);
SYS(getuid);
SYS(geteuid);
SYS(getgid);
SYS(getegid);
SYS(getresuid);
SYS(getresgid);
SYS(getgroups);
SYS(set_tid_address);
SYS(set_robust_list);
SYS(get_robust_list);
SYS(arch_prctl);
SYS(uname);
SYS(prlimit64);
SYS(getrlimit);
SYS(setrlimit);
SYS(sched_yield);
SYS(sched_getaffinity);
SYS(sched_setaffinity);
SYS(getcpu);
SYS(sysinfo);

/* sys_time.c */
SYS(clock_gettime);
SYS(clock_getres);
SYS(gettimeofday);
SYS(time);
SYS(nanosleep);
SYS(clock_nanosleep);

/* sys_itimer.c, sys_posix_timer.c, sys_timerfd.c, sys_rusage.c */
SYS(alarm);
SYS(getitimer);
SYS(setitimer);
SYS(timer_create);
SYS(timer_settime);
SYS(timer_gettime);
SYS(timer_getoverrun);
SYS(timer_delete);
SYS(timerfd_create);
SYS(timerfd_settime);
SYS(timerfd_gettime);
SYS(getrusage);
SYS(times);

/* sys_mem.c */
SYS(brk);
SYS(mmap);
SYS(munmap);
SYS(mprotect);
SYS(madvise);
SYS(mremap);
SYS(mincore);
SYS(msync);

/* sys_legacy.c */
SYS(open);
SYS(creat);
SYS(stat);
SYS(lstat);
SYS(access);
SYS(mkdir);
SYS(rmdir);
SYS(unlink);
SYS(rename);
SYS(link);
SYS(symlink);
SYS(readlink);
SYS(chmod);
SYS(chown);
SYS(lchown);
SYS(mknod);
SYS(getrandom);

/* clone.c, sys_exec.c, wait.c */
SYS(clone);
SYS(clone3);
SYS(fork);
SYS(vfork);
SYS(execve);
SYS(execveat);
SYS(wait4);
SYS(waitid);

/* sys_signal.c */
SYS(rt_sigaction);
SYS(rt_sigprocmask);
SYS(rt_sigpending);
SYS(rt_sigsuspend);
SYS(rt_sigtimedwait);
SYS(rt_sigreturn);
SYS(sigaltstack);
SYS(pause);
SYS(kill);
SYS(tkill);
SYS(tgkill);
SYS(rt_sigqueueinfo);
SYS(rt_tgsigqueueinfo);

/* sys_pgrp.c */
SYS(setpgid);
SYS(getpgid);
SYS(getpgrp);
SYS(getsid);
SYS(setsid);

/* futex.c */
SYS(futex);

/* sys_cred.c */
SYS(setuid);
SYS(setgid);
SYS(setreuid);
SYS(setregid);
SYS(setresuid);
SYS(setresgid);
SYS(setfsuid);
SYS(setfsgid);
SYS(setgroups);

/* sys_prctl.c, sys_reboot.c, sys_sched.c */
SYS(prctl);
SYS(reboot);
SYS(getpriority);
SYS(setpriority);
SYS(sched_getscheduler);
SYS(sched_getparam);
SYS(sched_setscheduler);
SYS(sched_setparam);
SYS(sched_get_priority_max);
SYS(sched_get_priority_min);
SYS(sched_rr_get_interval);

/* sys_fadvise.c */
SYS(fadvise64);

/* rseq.c */
SYS(rseq);
/* sys_membarrier.c */
SYS(membarrier);

#undef SYS
#endif
