/*
 * The terminal line discipline (kernel/fs/tty_ldisc.c): what a Linux
 * terminal does to the bytes between the wire and read(2)/write(2), as
 * pure logic over one buffer.  It takes no lock and touches no hardware;
 * the caller (kernel/fs/tty.c) serializes every call, and the host unit
 * tests drive it directly.
 *
 * Input: tty_ldisc_receive applies the c_iflag mapping (ISTRIP, IGNCR,
 * ICRNL, INLCR), flow control (IXON, IXANY), the signal characters (ISIG:
 * they are recorded for tty_ldisc_take_signals, and flush the input unless
 * NOFLSH), canonical editing (ICANON: VERASE, VKILL, VWERASE, VLNEXT,
 * VREPRINT, VEOF, VEOL, VEOL2, lines of at most TTY_LINE_MAX bytes before
 * their end) and echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHOCTL, ECHONL).
 * Output, echo included, goes through OPOST (ONLCR, OCRNL, ONOCR, ONLRET)
 * to the out callback, which gets the bytes exactly as the terminal must.
 * A c_cc entry of 0 is disabled, as on Linux.
 */
#ifndef PALLAS_TTY_LDISC_H
#define PALLAS_TTY_LDISC_H

#include <pallas/types.h>
#include <uapi/linux_fs.h>

#define TTY_BUF_SIZE 4096		/* input held, as Linux's N_TTY_BUF_SIZE */
#define TTY_LINE_MAX (TTY_BUF_SIZE - 1) /* characters of a line before its end */

/* The Linux signal numbers the terminal raises. */
#define TTY_SIGHUP   1
#define TTY_SIGINT   2
#define TTY_SIGQUIT  3
#define TTY_SIGCONT  18
#define TTY_SIGTSTP  20
#define TTY_SIGTTIN  21
#define TTY_SIGTTOU  22
#define TTY_SIGWINCH 28

typedef void (*tty_out_fn)(void *arg, const char *s, size_t n);

struct tty_ldisc {
	struct linux_termios tio;
	tty_out_fn out;
	void *out_arg;
	char buf[TTY_BUF_SIZE];
	uint8_t mark[TTY_BUF_SIZE]; /* what ends a line here: LDISC_EOL, LDISC_EOF */
	size_t len;		    /* bytes held */
	size_t committed;	    /* of those, what a read may take */
	unsigned column;	    /* the output's column, for erasing tabs */
	unsigned canon_column;	    /* the column where the line being edited began */
	bool lnext;		    /* the next byte is taken literally */
	bool stopped;		    /* output stopped by VSTOP (IXON) or TCOOFF */
	uint32_t signals;	    /* bit n: signal n raised since the last take */
	uint64_t dropped;	    /* input bytes that found no room */
	char obuf[64];		    /* output not yet handed to out */
	size_t olen;
};

void tty_ldisc_init(struct tty_ldisc *l, const struct linux_termios *tio, tty_out_fn out,
		    void *out_arg);
/* New settings; the data held follows ICANON switching as on Linux. */
void tty_ldisc_set_termios(struct tty_ldisc *l, const struct linux_termios *tio);
/* Bytes from the wire. */
void tty_ldisc_receive(struct tty_ldisc *l, const char *s, size_t n);
/* Bytes a program writes (after the output processing). */
void tty_ldisc_write(struct tty_ldisc *l, const char *s, size_t n);
/* Whether a read would find data now.  poll: as poll(2) sees it, which in
 * non-canonical mode with VTIME 0 waits for VMIN bytes. */
bool tty_ldisc_readable(const struct tty_ldisc *l, bool poll);
/* Takes up to n bytes for a read: in canonical mode at most one line (its
 * VEOF not copied); *line_end is set when a line's end was taken. */
size_t tty_ldisc_read(struct tty_ldisc *l, char *dst, size_t n, bool *line_end);
/* FIONREAD: the bytes reads may take now. */
size_t tty_ldisc_inq(const struct tty_ldisc *l);
void tty_ldisc_flush_input(struct tty_ldisc *l);
/* The signals raised since the last call (bit n: signal n), cleared. */
uint32_t tty_ldisc_take_signals(struct tty_ldisc *l);

#endif
