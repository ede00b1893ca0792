/* What the console terminal's files share (tty.c, tty_input.c, tty_jobctl.c). */
#ifndef KERNEL_FS_TTY_INTERNAL_H
#define KERNEL_FS_TTY_INTERNAL_H

#include <pallas/tty.h>
#include <pallas/waitqueue.h>

struct file;
struct uio;
struct poll_table;
struct vfs_context;
struct inode;

struct tty {
	/* Readers and pollers sleep here; its lock guards everything below. */
	struct waitqueue read_wq;
	/* Writers (and pollers) waiting for stopped output to start again. */
	struct waitqueue write_wq;
	struct tty_ldisc ld;
	struct linux_winsize ws;
	int session; /* whose controlling terminal it is (0: nobody's) */
	int pgrp;    /* its foreground process group (0: none) */
	/* A pty slave (devpts.c): the master is gone; reads started after
	 * give 0, reads waiting then -EIO, writes and ioctls -EIO. */
	bool hung_up;
	/* Bytes the output may take now (a pty's master buffer); NULL: any. */
	size_t (*out_room)(struct tty *tty);
};

/* The open file ops over a struct tty in f->priv (tty.c): a pty slave's too. */
long tty_file_read(struct file *f, struct uio *u, uint64_t *pos);
long tty_file_write(struct file *f, struct uio *u, uint64_t *pos);
unsigned tty_file_poll(struct file *f, struct poll_table *pt);
long tty_do_ioctl(struct tty *tty, struct file *f, unsigned cmd, uintptr_t arg);
/* devpts.c: a pty slave's terminal whose session is sid, or NULL. */
struct tty *pty_of_session(int sid);
/* devpts.c: opening /dev/tty whose controlling terminal is a pty (the
 * session's): f becomes a file of that slave; 1 when sid has none. */
int pty_open_ctty(int sid, struct file *f);
/* devpts.c: tty_of_session for the ptys. */
bool pty_session_dev(int sid, uint64_t *rdev, int *pgrp);
/* devpts.c: tty_session_exit for the ptys. */
void pty_session_exit(int sid);
/* tty_jobctl.c: tty stops being session sid's; its foreground group hangs up. */
void tty_disassociate(struct tty *tty, int sid);
/* An open without O_NOCTTY (a pty slave's): a session leader without a
 * controlling terminal takes tty when it is nobody's, as Linux's tty_open. */
void tty_open_acquire(struct tty *tty);
/* devpts.c: /dev/ptmx and /dev/pts in devfs (ctx: rooted at devfs's root). */
void devpts_init(struct vfs_context *ctx, struct inode *root);

extern struct tty tty_console;
/* Linux's defaults for a new terminal (tty.c). */
extern const struct linux_termios tty_default_termios;
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
