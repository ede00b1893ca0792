/*
 * The console terminal (kernel/fs/tty*.c): /dev/console and /dev/tty are
 * one terminal, fed by the serial port and written to the consoles, with
 * Linux's line discipline (pallas/tty_ldisc.h) and job control.
 */
#ifndef PALLAS_TTY_H
#define PALLAS_TTY_H

#include <pallas/tty_ldisc.h>
#include <pallas/types.h>

/*
 * Bytes typed at the terminal (a driver's receive interrupt; ktests).  Safe
 * in interrupt context: it only copies into a bounded buffer (TTY_RAW_SIZE)
 * and wakes the terminal's input thread, which runs the line discipline,
 * echoes and raises signals.  Bytes that find the buffer full are dropped
 * and counted (tty_dropped).
 */
#define TTY_RAW_SIZE 1024
void tty_input(const char *buf, size_t n);
/* Input bytes dropped so far: the buffer above full, or a line too long. */
uint64_t tty_dropped(void);

/*
 * Job control.  Process groups and sessions belong to the Linux
 * personality, which registers these callbacks once at boot, before the
 * first process runs; with none registered (kernel-only boots, ktests) the
 * terminal has no job control: no signals, no background checks, and the
 * session and foreground group ioctls only store their values.
 *
 * Ids are the personality's own numbering, handed to and from user space
 * unchanged (TIOCGPGRP, TIOCSPGRP, TIOCGSID); 0 means none.
 *
 * caller_*: about the process of the thread that calls into the terminal
 *   (read, write, ioctl, open).  Called in that thread, with no terminal
 *   lock held; may sleep.  A thread that is no process (a kernel thread)
 *   gets 0 from caller_pgrp and caller_sid, and then is never checked.
 *   caller_ignores(sig): sig is blocked or SIG_IGN for the caller (Linux's
 *   is_ignored, which turns a background read's SIGTTIN into -EIO and lets
 *   a background write through instead of SIGTTOU).
 * pgrp_in_session(pgrp, sid): pgrp exists and is in session sid (TIOCSPGRP).
 * pgrp_orphaned(pgrp): no member has a parent in another group of the same
 *   session (POSIX's orphaned process group): its SIGTTIN/SIGTTOU become -EIO.
 * kill_pgrp(pgrp, sig): send sig to every process of pgrp (pgrp > 0), as
 *   kill(-pgrp, sig) from the kernel.  Called from the terminal's input
 *   thread (VINTR, VQUIT, VSUSP), from the caller's own thread (SIGTTIN,
 *   SIGTTOU, SIGWINCH, SIGHUP) and from tty_session_exit, never from
 *   interrupt context and never with a terminal lock held; may sleep.  When
 *   the caller's own group gets SIGTTIN or SIGTTOU the terminal then returns
 *   -ERESTARTSYS, so kill_pgrp must leave the signal pending on the caller
 *   and interrupt it (thread_interrupt), as for any signal.
 */
struct tty_jobctl {
	int (*caller_pgrp)(void);
	int (*caller_sid)(void);
	bool (*caller_is_session_leader)(void);
	bool (*caller_ignores)(int sig);
	bool (*pgrp_in_session)(int pgrp, int sid);
	bool (*pgrp_orphaned)(int pgrp);
	void (*kill_pgrp)(int pgrp, int sig);
};

/* Registers jc (NULL: none); returns the one registered before. */
const struct tty_jobctl *tty_set_jobctl(const struct tty_jobctl *jc);

/*
 * The personality calls this when the leader of session sid exits: if the
 * terminal is that session's controlling terminal it loses it, and its
 * foreground group gets SIGHUP and SIGCONT, as on Linux.
 */
void tty_session_exit(int sid);

/*
 * The controlling terminal of session sid (/proc/PID/stat's tty_nr and
 * tpgid): its device number (linux_makedev: the console as ttyS0, a pty
 * slave as 136:N) into *rdev and its foreground group into *pgrp, and true;
 * false when the session has none.
 */
bool tty_of_session(int sid, uint64_t *rdev, int *pgrp);

#endif
