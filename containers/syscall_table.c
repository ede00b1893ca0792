/*
 * Linux x86-64 system-call numbers to handlers.  A number with no entry is
 * ENOSYS (personality.c counts it).  Kept in number order, one line each,
 * so what is there and what is not reads straight off the table.
 */
#include "sys.h"
#include "uapi/unistd.h"

static const syscall_fn table[SYSCALL_MAX] = {
    [NR_mmap] = sys_mmap,
    [NR_mprotect] = sys_mprotect,
    [NR_munmap] = sys_munmap,
    [NR_brk] = sys_brk,
    [NR_sched_yield] = sys_sched_yield,
    [NR_madvise] = sys_madvise,
    [NR_nanosleep] = sys_nanosleep,
    [NR_getpid] = sys_getpid,
    [NR_exit] = sys_exit,
    [NR_uname] = sys_uname,
    [NR_gettimeofday] = sys_gettimeofday,
    [NR_getrlimit] = sys_getrlimit,
    [NR_sysinfo] = sys_sysinfo,
    [NR_getuid] = sys_getuid,
    [NR_getgid] = sys_getgid,
    [NR_geteuid] = sys_geteuid,
    [NR_getegid] = sys_getegid,
    [NR_getppid] = sys_getppid,
    [NR_getgroups] = sys_getgroups,
    [NR_getresuid] = sys_getresuid,
    [NR_getresgid] = sys_getresgid,
    [NR_arch_prctl] = sys_arch_prctl,
    [NR_setrlimit] = sys_setrlimit,
    [NR_gettid] = sys_gettid,
    [NR_time] = sys_time,
    [NR_sched_getaffinity] = sys_sched_getaffinity,
    [NR_set_tid_address] = sys_set_tid_address,
    [NR_clock_gettime] = sys_clock_gettime,
    [NR_clock_getres] = sys_clock_getres,
    [NR_clock_nanosleep] = sys_clock_nanosleep,
    [NR_exit_group] = sys_exit_group,
    [NR_set_robust_list] = sys_set_robust_list,
    [NR_prlimit64] = sys_prlimit64,
    [NR_getcpu] = sys_getcpu,
};

syscall_fn syscall_lookup(unsigned long nr)
{
	return nr < SYSCALL_MAX ? table[nr] : NULL;
}
