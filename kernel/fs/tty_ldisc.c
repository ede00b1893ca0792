/*
 * The line discipline (pallas/tty_ldisc.h): Linux's n_tty behaviour, over
 * one linear buffer.  buf[0..committed) is what reads may take; in
 * canonical mode buf[committed..len) is the line being edited.  A read
 * moves the rest down: at most 4 KiB, which keeps the code plain.
 */
#include <pallas/string.h>
#include <pallas/tty_ldisc.h>

#define LDISC_EOL 1 /* a line ends with this byte, which reads return */
#define LDISC_EOF 2 /* a line ends before this byte (VEOF), which reads drop */

#define IFLAG(l, f) (((l)->tio.c_iflag & (f)) != 0)
#define OFLAG(l, f) (((l)->tio.c_oflag & (f)) != 0)
#define LFLAG(l, f) (((l)->tio.c_lflag & (f)) != 0)

enum erase_kind { ERASE, WERASE, KILL };

static bool is_cntrl(uint8_t c)
{
	return c < 32 || c == 127;
}

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_continuation(const struct tty_ldisc *l, uint8_t c)
{
	return IFLAG(l, 040000 /* IUTF8 */) && (c & 0xc0) == 0x80;
}

/* c_cc[i] when it is c and enabled (0 disables a function). */
static bool is_cc(const struct tty_ldisc *l, int i, uint8_t c)
{
	return l->tio.c_cc[i] != 0 && l->tio.c_cc[i] == c;
}

static void flush_out(struct tty_ldisc *l)
{
	if (l->olen && l->out)
		l->out(l->out_arg, l->obuf, l->olen);
	l->olen = 0;
}

static void emit(struct tty_ldisc *l, char c)
{
	if (l->olen == sizeof(l->obuf))
		flush_out(l);
	l->obuf[l->olen++] = c;
}

/* One byte through OPOST, keeping the column. */
static void opost(struct tty_ldisc *l, uint8_t c)
{
	if (!OFLAG(l, TTY_OPOST)) {
		emit(l, (char)c);
		return;
	}
	switch (c) {
	case '\n':
		if (OFLAG(l, TTY_ONLRET))
			l->column = 0;
		if (OFLAG(l, TTY_ONLCR)) {
			l->column = 0;
			emit(l, '\r');
		}
		break;
	case '\r':
		if (OFLAG(l, TTY_ONOCR) && l->column == 0)
			return;
		if (OFLAG(l, TTY_OCRNL)) {
			c = '\n';
			if (OFLAG(l, TTY_ONLRET))
				l->column = 0;
			break;
		}
		l->column = 0;
		break;
	case '\t':
		l->column = (l->column | 7) + 1;
		break;
	case '\b':
		if (l->column > 0)
			l->column--;
		break;
	default:
		if (!is_cntrl(c) && !is_continuation(l, c))
			l->column++;
	}
	emit(l, (char)c);
}

/* Echo of an input byte: a control character as ^X under ECHOCTL. */
static void echo_char(struct tty_ldisc *l, uint8_t c)
{
	if (LFLAG(l, TTY_ECHOCTL) && is_cntrl(c) && c != '\t') {
		opost(l, '^');
		opost(l, c == 127 ? '?' : c ^ 0100);
		return;
	}
	opost(l, c);
}

static void echo_str(struct tty_ldisc *l, const char *s)
{
	while (*s)
		opost(l, (uint8_t)*s++);
}

void tty_ldisc_init(struct tty_ldisc *l, const struct linux_termios *tio, tty_out_fn out,
		    void *out_arg)
{
	memset(l, 0, sizeof(*l));
	l->tio = *tio;
	l->out = out;
	l->out_arg = out_arg;
}

void tty_ldisc_set_termios(struct tty_ldisc *l, const struct linux_termios *tio)
{
	uint32_t old_lflag = l->tio.c_lflag;

	l->tio = *tio;
	if ((old_lflag ^ tio->c_lflag) & TTY_ICANON) {
		/* Linux: entering canonical mode makes what is held one line. */
		memset(l->mark, 0, l->len);
		if (LFLAG(l, TTY_ICANON) && l->len)
			l->mark[l->len - 1] = LDISC_EOL;
		l->committed = l->len;
		l->lnext = false;
	}
	if (!IFLAG(l, TTY_IXON))
		l->stopped = false;
}

void tty_ldisc_flush_input(struct tty_ldisc *l)
{
	l->len = l->committed = 0;
	l->lnext = false;
}

uint32_t tty_ldisc_take_signals(struct tty_ldisc *l)
{
	uint32_t s = l->signals;

	l->signals = 0;
	return s;
}

/* Whether one more byte fits: a line's end always may, up to the buffer. */
static bool room(const struct tty_ldisc *l, bool ends_line)
{
	if (ends_line)
		return l->len < TTY_BUF_SIZE;
	if (LFLAG(l, TTY_ICANON))
		return l->len - l->committed < TTY_LINE_MAX && l->len < TTY_BUF_SIZE - 1;
	return l->len < TTY_BUF_SIZE - 1;
}

static bool put(struct tty_ldisc *l, uint8_t c, uint8_t mark)
{
	if (!room(l, mark != 0)) {
		l->dropped++;
		return false;
	}
	if (l->len == l->committed)
		l->canon_column = l->column;
	l->buf[l->len] = (char)c;
	l->mark[l->len] = mark;
	l->len++;
	if (mark || !LFLAG(l, TTY_ICANON))
		l->committed = l->len;
	return true;
}

/* An ordinary byte: held, and echoed. */
static void receive_plain(struct tty_ldisc *l, uint8_t c)
{
	if (!put(l, c, 0))
		return;
	if (!LFLAG(l, TTY_ECHO))
		return;
	if (c == '\n')
		opost(l, '\n');
	else
		echo_char(l, c);
}

/* Backspaces that take the cursor back over a tab: its width is what the
 * line shows between the previous tab (or the line's start) and it. */
static void erase_tab(struct tty_ldisc *l)
{
	unsigned width = 0;
	bool after_tab = false;

	for (size_t i = l->len; i > l->committed; i--) {
		uint8_t c = (uint8_t)l->buf[i - 1];
		if (c == '\t') {
			after_tab = true;
			break;
		}
		if (is_cntrl(c))
			width += LFLAG(l, TTY_ECHOCTL) ? 2 : 0;
		else if (!is_continuation(l, c))
			width++;
	}
	if (!after_tab)
		width += l->canon_column;
	unsigned bs = 8 - (width & 7);
	if (bs > l->column)
		bs = l->column;
	while (bs--)
		opost(l, '\b');
}

static void erase_echo(struct tty_ldisc *l, enum erase_kind kind, uint8_t c)
{
	if (kind == ERASE && !LFLAG(l, TTY_ECHOE)) {
		echo_char(l, l->tio.c_cc[TTY_VERASE]);
	} else if (c == '\t') {
		erase_tab(l);
	} else {
		if (is_cntrl(c) && LFLAG(l, TTY_ECHOCTL))
			echo_str(l, "\b \b");
		if (!is_cntrl(c) || LFLAG(l, TTY_ECHOCTL))
			echo_str(l, "\b \b");
	}
}

/* VERASE, VWERASE and VKILL on the line being edited. */
static void eraser(struct tty_ldisc *l, enum erase_kind kind, uint8_t key)
{
	unsigned alnums = 0;

	if (l->len == l->committed)
		return;
	if (kind == KILL) {
		if (!LFLAG(l, TTY_ECHO)) {
			l->len = l->committed;
			return;
		}
		if (!LFLAG(l, TTY_ECHOK) || !LFLAG(l, TTY_ECHOKE) || !LFLAG(l, TTY_ECHOE)) {
			l->len = l->committed;
			echo_char(l, key);
			if (LFLAG(l, TTY_ECHOK))
				opost(l, '\n');
			return;
		}
	}
	while (l->len > l->committed) {
		size_t head = l->len;
		uint8_t c;
		do /* a whole UTF-8 character, never part of one */
			c = (uint8_t)l->buf[--head];
		while (is_continuation(l, c) && head > l->committed);
		if (is_continuation(l, c))
			break;
		if (kind == WERASE) {
			if (is_alnum(c) || c == '_')
				alnums++;
			else if (alnums)
				break;
		}
		l->len = head;
		if (LFLAG(l, TTY_ECHO))
			erase_echo(l, kind, c);
		if (kind == ERASE)
			break;
	}
}

static void reprint(struct tty_ldisc *l, uint8_t key)
{
	echo_char(l, key);
	opost(l, '\n');
	l->canon_column = l->column;
	for (size_t i = l->committed; i < l->len; i++)
		echo_char(l, (uint8_t)l->buf[i]);
}

/* Canonical mode's special characters; false for an ordinary one. */
static bool receive_canon(struct tty_ldisc *l, uint8_t c)
{
	bool iexten = LFLAG(l, TTY_IEXTEN);

	if (is_cc(l, TTY_VERASE, c) || is_cc(l, TTY_VKILL, c) ||
	    (iexten && is_cc(l, TTY_VWERASE, c))) {
		eraser(l,
		       is_cc(l, TTY_VERASE, c)	? ERASE
		       : is_cc(l, TTY_VKILL, c) ? KILL
						: WERASE,
		       c);
		return true;
	}
	if (iexten && is_cc(l, TTY_VLNEXT, c)) {
		l->lnext = true;
		if (LFLAG(l, TTY_ECHO) && LFLAG(l, TTY_ECHOCTL))
			echo_str(l, "^\b");
		return true;
	}
	if (iexten && LFLAG(l, TTY_ECHO) && is_cc(l, TTY_VREPRINT, c)) {
		reprint(l, c);
		return true;
	}
	if (c == '\n') {
		if (put(l, c, LDISC_EOL) && (LFLAG(l, TTY_ECHO) || LFLAG(l, TTY_ECHONL)))
			opost(l, '\n');
		return true;
	}
	if (is_cc(l, TTY_VEOF, c)) {
		put(l, c, LDISC_EOF);
		return true;
	}
	if (is_cc(l, TTY_VEOL, c) || (iexten && is_cc(l, TTY_VEOL2, c))) {
		if (put(l, c, LDISC_EOL) && LFLAG(l, TTY_ECHO))
			echo_char(l, c);
		return true;
	}
	return false;
}

/* VINTR, VQUIT, VSUSP: the signal, a flush unless NOFLSH, the echo. */
static bool receive_signal(struct tty_ldisc *l, uint8_t c)
{
	int sig = is_cc(l, TTY_VINTR, c)   ? TTY_SIGINT
		  : is_cc(l, TTY_VQUIT, c) ? TTY_SIGQUIT
		  : is_cc(l, TTY_VSUSP, c) ? TTY_SIGTSTP
					   : 0;
	if (!sig)
		return false;
	l->signals |= 1u << sig;
	if (!LFLAG(l, TTY_NOFLSH))
		tty_ldisc_flush_input(l);
	if (IFLAG(l, TTY_IXON))
		l->stopped = false;
	if (LFLAG(l, TTY_ECHO))
		echo_char(l, c);
	return true;
}

static void receive_char(struct tty_ldisc *l, uint8_t c)
{
	if (IFLAG(l, TTY_ISTRIP))
		c &= 0x7f;
	if (l->lnext) {
		l->lnext = false;
		receive_plain(l, c);
		return;
	}
	if (IFLAG(l, TTY_IXON)) {
		if (is_cc(l, TTY_VSTART, c)) {
			l->stopped = false;
			return;
		}
		if (is_cc(l, TTY_VSTOP, c)) {
			l->stopped = true;
			return;
		}
	}
	if (LFLAG(l, TTY_ISIG) && receive_signal(l, c))
		return;
	if (l->stopped && IFLAG(l, TTY_IXON) && IFLAG(l, TTY_IXANY))
		l->stopped = false;
	if (c == '\r') {
		if (IFLAG(l, TTY_IGNCR))
			return;
		if (IFLAG(l, TTY_ICRNL))
			c = '\n';
	} else if (c == '\n' && IFLAG(l, TTY_INLCR)) {
		c = '\r';
	}
	if (LFLAG(l, TTY_ICANON) && receive_canon(l, c))
		return;
	receive_plain(l, c);
}

void tty_ldisc_receive(struct tty_ldisc *l, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		receive_char(l, (uint8_t)s[i]);
	flush_out(l);
}

void tty_ldisc_write(struct tty_ldisc *l, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		opost(l, (uint8_t)s[i]);
	flush_out(l);
}

bool tty_ldisc_readable(const struct tty_ldisc *l, bool poll)
{
	if (LFLAG(l, TTY_ICANON))
		return l->committed > 0;
	size_t need = 1;
	if (poll && l->tio.c_cc[TTY_VTIME] == 0 && l->tio.c_cc[TTY_VMIN])
		need = l->tio.c_cc[TTY_VMIN];
	return l->len >= need;
}

static void consume(struct tty_ldisc *l, size_t k)
{
	memmove(l->buf, l->buf + k, l->len - k);
	memmove(l->mark, l->mark + k, l->len - k);
	l->len -= k;
	l->committed -= k;
}

size_t tty_ldisc_read(struct tty_ldisc *l, char *dst, size_t n, bool *line_end)
{
	size_t end = l->committed, take, drop = 0;

	*line_end = false;
	if (LFLAG(l, TTY_ICANON)) {
		for (size_t i = 0; i < l->committed; i++) {
			if (l->mark[i]) {
				*line_end = true;
				end = l->mark[i] == LDISC_EOF ? i : i + 1;
				drop = l->mark[i] == LDISC_EOF;
				break;
			}
		}
	}
	take = end < n ? end : n;
	if (take < end) {
		*line_end = false; /* the rest of the line waits for the next read */
		drop = 0;
	}
	memcpy(dst, l->buf, take);
	consume(l, take + drop);
	return take;
}

size_t tty_ldisc_inq(const struct tty_ldisc *l)
{
	size_t n = l->committed;

	if (LFLAG(l, TTY_ICANON)) {
		for (size_t i = 0; i < l->committed; i++)
			n -= l->mark[i] == LDISC_EOF;
	}
	return n;
}
