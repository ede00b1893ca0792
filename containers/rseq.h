/*
 * Restartable sequences (rseq(2)), as Linux has them (kernel/rseq.c): a
 * thread registers a struct linux_rseq in its own memory; on every way out
 * to ring 3 after it was switched out (preempted, asleep, moved to another
 * CPU) or when a signal handler's frame is built, the kernel aborts a
 * critical section the thread was inside (its return address goes to the
 * section's abort_ip) and writes the CPU number it runs on.
 *
 * rseq.c: the system call and those hooks.  rseq_cs.c: the pure checks of
 * a critical-section descriptor and the abort decision (host-tested).
 */
#ifndef CONTAINERS_RSEQ_H
#define CONTAINERS_RSEQ_H

#include <asm/trap.h>
#include <pallas/types.h>

/* Linux's struct rseq (uapi/linux/rseq.h): the original 32 bytes. */
struct linux_rseq {
	uint32_t cpu_id_start;
	uint32_t cpu_id;
	uint64_t rseq_cs; /* a struct linux_rseq_cs in user memory, or 0 */
	uint32_t flags;
	uint32_t node_id;
	uint32_t mm_cid;
	uint32_t pad;
} __attribute__((aligned(32)));

/* Linux's struct rseq_cs: one critical section. */
struct linux_rseq_cs {
	uint32_t version;
	uint32_t flags;
	uint64_t start_ip;
	uint64_t post_commit_offset;
	uint64_t abort_ip;
} __attribute__((aligned(32)));

#define LINUX_RSEQ_ORIG_SIZE		32u
#define LINUX_RSEQ_FLAG_UNREGISTER	1
#define LINUX_RSEQ_CPU_ID_UNINITIALIZED ((uint32_t)-1)
/* The part of struct rseq Linux 6.3+ knows (offsetof(struct rseq, end)),
 * its AT_RSEQ_FEATURE_SIZE, and AT_RSEQ_ALIGN. */
#define LINUX_RSEQ_FEATURE_SIZE 28u
#define LINUX_RSEQ_ALIGN	32u

/* --- rseq_cs.c: no user memory here, only values already read --- */

/* Linux's rseq_get_rseq_cs checks of a descriptor read from user memory,
 * before its signature is looked at: 0, or -EINVAL for a version other
 * than 0, an address at or past top (TASK_SIZE), a range that wraps, or an
 * abort_ip inside [start_ip, start_ip + post_commit_offset). */
int rseq_cs_check(const struct linux_rseq_cs *cs, uint64_t top);

/* Whether ip is inside the section: start_ip <= ip < start_ip +
 * post_commit_offset (one unsigned comparison, as Linux's in_rseq_cs). */
bool rseq_cs_contains(const struct linux_rseq_cs *cs, uint64_t ip);

enum rseq_verdict {
	RSEQ_LEAVE = 0, /* not inside a section: rseq_cs is cleared, ip stays */
	RSEQ_ABORT = 1, /* inside: rseq_cs is cleared and ip becomes abort_ip */
};

/* What the way out does with the interrupted ip, for a descriptor that
 * passed rseq_cs_check: found is the 32-bit word before abort_ip, sig the
 * thread's registered signature, thread_flags struct rseq's flags.
 * -EINVAL (the thread gets SIGSEGV) for a signature that differs, or for
 * any flags bit (Linux's deprecated NO_RESTART flags included) of a
 * section ip is inside. */
int rseq_cs_verdict(const struct linux_rseq_cs *cs, uint64_t ip, uint32_t found, uint32_t sig,
		    uint32_t thread_flags);

/* --- rseq.c --- */

struct task;

/* The way out to ring 3 of the calling task (personality.c, after signal
 * delivery): when it was switched out since its last look, or has just
 * registered, the section fixup and the CPU numbers.  true when that
 * failed and a SIGSEGV is now pending (to be delivered before ring 3). */
bool rseq_exit_to_user(struct trap_frame *f);
/* signal.c, before a handler's frame for sig is built: the same fixup, so
 * the frame saves the abort address. */
void rseq_signal_deliver(struct trap_frame *f, int sig);
/* clone without CLONE_VM (fork, vfork excluded): the child keeps parent's
 * registration; a thread or vfork child starts with none (and the parent's
 * mm_cid is written again). */
void rseq_fork(struct task *child, struct task *parent, uint64_t clone_flags);
/* execve's point of no return: the new image has none. */
void rseq_exec(struct task *k);

#endif
