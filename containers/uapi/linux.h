/*
 * Linux x86-64 ABI constants and layouts the personality speaks, with
 * Linux's values and names (prefixed LINUX_ where the kernel's own headers
 * could collide).  Only what the handlers use.
 */
#ifndef CONTAINERS_UAPI_LINUX_H
#define CONTAINERS_UAPI_LINUX_H

#include <pallas/types.h>
#include <uapi/linux_fs.h>

#include "linux_signal.h"

/* arch_prctl */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

/* Clocks. */
#define LINUX_CLOCK_REALTIME	       0
#define LINUX_CLOCK_MONOTONIC	       1
#define LINUX_CLOCK_PROCESS_CPUTIME_ID 2
#define LINUX_CLOCK_THREAD_CPUTIME_ID  3
#define LINUX_CLOCK_MONOTONIC_RAW      4
#define LINUX_CLOCK_REALTIME_COARSE    5
#define LINUX_CLOCK_MONOTONIC_COARSE   6
#define LINUX_CLOCK_BOOTTIME	       7
#define LINUX_CLOCK_TAI		       11
#define LINUX_TIMER_ABSTIME	       1

/* struct linux_timespec is the VFS's (uapi/linux_fs.h). */

struct linux_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

/* Resource limits. */
#define LINUX_RLIMIT_CPU     0
#define LINUX_RLIMIT_FSIZE   1
#define LINUX_RLIMIT_DATA    2
#define LINUX_RLIMIT_STACK   3
#define LINUX_RLIMIT_CORE    4
#define LINUX_RLIMIT_RSS     5
#define LINUX_RLIMIT_NPROC   6
#define LINUX_RLIMIT_NOFILE  7
#define LINUX_RLIMIT_MEMLOCK 8
#define LINUX_RLIMIT_AS	     9
#define LINUX_RLIM_NLIMITS   16
#define LINUX_RLIM_INFINITY  (~0ull)

struct linux_rlimit {
	uint64_t rlim_cur, rlim_max;
};

struct linux_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct linux_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};

/* wait status words */
static inline int linux_status_exited(int code)
{
	return (code & 0xff) << 8;
}

static inline int linux_status_signaled(int sig)
{
	return sig & 0x7f;
}

#endif
