/*
 * signalfd (kernel/fs/signalfd.c): a file that reads the signals of a
 * mask pending for the reading task, 128 bytes each.  The signals belong
 * to the personality, so it gives the file system the two things it
 * needs (signalfd_set_source): whether one of a mask is pending for the
 * calling task, and taking the lowest one.  The personality calls
 * signalfd_notify whenever a signal becomes pending; readers and pollers
 * of every signalfd then look again (one queue for all: a spurious wakeup
 * costs a look, and no queue outlives the file waiting on it).
 */
#ifndef PALLAS_SIGNALFD_H
#define PALLAS_SIGNALFD_H

#include <pallas/types.h>

#define SFD_CLOEXEC  02000000 /* O_CLOEXEC */
#define SFD_NONBLOCK 00004000 /* O_NONBLOCK */

#define SIGNALFD_INFO_SIZE 128 /* struct signalfd_siginfo */

struct file;

struct signalfd_source {
	/* Whether a signal of mask is pending for the calling task. */
	bool (*pending)(uint64_t mask);
	/* Takes the lowest one into out (SIGNALFD_INFO_SIZE bytes, Linux's
	 * struct signalfd_siginfo): its number, or 0 when there is none. */
	int (*take)(uint64_t mask, void *out);
};

void signalfd_set_source(const struct signalfd_source *src);
/* Any signal became pending somewhere; callable with any lock held that
 * is not taken inside a signalfd's queue (proc_tree_lock is fine). */
void signalfd_notify(void);

/* flags: SFD_NONBLOCK (SFD_CLOEXEC is the descriptor's). */
int signalfd_create(uint64_t mask, unsigned flags, struct file **out);
bool file_is_signalfd(const struct file *f);
void signalfd_set_mask(struct file *f, uint64_t mask);

#endif
