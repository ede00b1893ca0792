/* The system-call handlers, one file per area (see syscall.h for their contract). */
#ifndef CONTAINERS_SYS_H
#define CONTAINERS_SYS_H

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
SYS(arch_prctl);
SYS(uname);
SYS(prlimit64);
SYS(getrlimit);
SYS(setrlimit);
SYS(sched_yield);
SYS(sched_getaffinity);
SYS(getcpu);
SYS(sysinfo);

/* sys_time.c */
SYS(clock_gettime);
SYS(clock_getres);
SYS(gettimeofday);
SYS(time);
SYS(nanosleep);
SYS(clock_nanosleep);

/* sys_mem.c */
SYS(brk);
SYS(mmap);
SYS(munmap);
SYS(mprotect);
SYS(madvise);

/* sys_file.c */
SYS(openat);
SYS(open);
SYS(close);
SYS(read);
SYS(write);
SYS(pread64);
SYS(pwrite64);
SYS(readv);
SYS(writev);
SYS(lseek);
SYS(ioctl);
SYS(getdents64);
SYS(fstat);
SYS(newfstatat);
SYS(stat);
SYS(lstat);
SYS(readlinkat);
SYS(readlink);
SYS(mkdirat);
SYS(mkdir);
SYS(unlinkat);
SYS(unlink);
SYS(rmdir);
SYS(faccessat2);
SYS(faccessat);
SYS(access);
SYS(dup);
SYS(dup3);
SYS(dup2);
SYS(fcntl);
SYS(getcwd);
SYS(chdir);
SYS(umask);
SYS(ftruncate);

#undef SYS
#endif
