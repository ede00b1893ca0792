/* What the console terminal's files share (tty.c, tty_input.c, tty_jobctl.c). */
#ifndef KERNEL_FS_TTY_INTERNAL_H
#define KERNEL_FS_TTY_INTERNAL_H

#include <pallas/tty.h>
#include <pallas/waitqueue.h>

struct file;

struct tty {
	/* Readers and pollers sleep here; its lock guards everything below. */
	struct waitqueue read_wq;
	/* Writers (and pollers) waiting for stopped output to start again. */
	struct waitqueue write_wq;
	struct tty_ldisc ld;
	struct linux_winsize ws;
	int session; /* whose controlling terminal it is (0: nobody's) */
	int pgrp;    /* its foreground process group (0: none) */
};

extern struct tty tty_console;
extern const struct tty_jobctl *tty_jc;

/* Runs the line discipline over bytes typed (the input thread, tty.c). */
void tty_receive(struct tty *tty, const char *s, size_t n);
/* Starts the input thread (tty_input.c). */
void tty_input_init(void);
/* Signals to a group (bit n: signal n), when job control is there. */
void tty_signal_pgrp(int pgrp, uint32_t sigs);

/* tty_jobctl.c: Linux's tty_check_change: 0, -EIO or -ERESTARTSYS (sig
 * sent to the caller's group, which is in the background). */
long tty_job_check(struct tty *tty, int sig);
/* The session and foreground group ioctls; TTY_NOT_JOBCTL for the others. */
#define TTY_NOT_JOBCTL 1
long tty_jobctl_ioctl(struct tty *tty, struct file *f, unsigned cmd, uintptr_t arg);
/* Whether opening /dev/tty is allowed: the caller has this controlling terminal. */
int tty_open_check(struct tty *tty, unsigned minor);

#endif
