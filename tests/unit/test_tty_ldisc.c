/*
 * The line discipline (kernel/fs/tty_ldisc.c) against what Linux's n_tty
 * does with the same bytes and settings.  The echo and read results of
 * the erase, kill, tab, ^V, ^R and signal cases were checked on the build
 * host's Linux through a pty (tests/unit/fixtures/tty_oracle.py).
 */
#include <stdlib.h>
#include <string.h>

#include <pallas/tty_ldisc.h>

#include "unit.h"

static struct tty_ldisc *l;
static char out[65536];
static size_t outlen;

static void capture(void *arg, const char *s, size_t n)
{
	ck_assert_uint_le(outlen + n, sizeof(out));
	memcpy(out + outlen, s, n);
	outlen += n;
}

/* Linux's defaults: what `stty sane` gives. */
static const struct linux_termios sane = {
    .c_iflag = TTY_ICRNL | TTY_IXON,
    .c_oflag = TTY_OPOST | TTY_ONLCR,
    .c_cflag = TTY_B38400 | TTY_CS8 | TTY_CREAD,
    .c_lflag = TTY_ISIG | TTY_ICANON | TTY_ECHO | TTY_ECHOE | TTY_ECHOK | TTY_ECHOCTL | TTY_ECHOKE |
	       TTY_IEXTEN,
    .c_cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0},
};

static void setup(void)
{
	l = malloc(sizeof(*l));
	ck_assert_ptr_nonnull(l);
	tty_ldisc_init(l, &sane, capture, NULL);
	outlen = 0;
}

static void teardown(void)
{
	free(l);
}

static void type(const char *s)
{
	tty_ldisc_receive(l, s, strlen(s));
}

/* What a read of up to n bytes returns, as a string. */
static const char *rd(size_t n)
{
	static char buf[TTY_BUF_SIZE + 1];
	bool end;
	size_t got = tty_ldisc_read(l, buf, n, &end);
	buf[got] = '\0';
	return buf;
}

static void expect_echo(const char *want)
{
	ck_assert_uint_eq(outlen, strlen(want));
	ck_assert(memcmp(out, want, outlen) == 0);
	outlen = 0;
}

static void set_lflag(uint32_t on, uint32_t off)
{
	struct linux_termios t = l->tio;
	t.c_lflag = (t.c_lflag | on) & ~off;
	tty_ldisc_set_termios(l, &t);
}

START_TEST(test_canon_line)
{
	type("ab");
	ck_assert(!tty_ldisc_readable(l, false));
	ck_assert_uint_eq(tty_ldisc_inq(l), 0);
	type("c\r");		/* ICRNL */
	expect_echo("abc\r\n"); /* ONLCR on the echoed newline */
	ck_assert(tty_ldisc_readable(l, false));
	ck_assert_uint_eq(tty_ldisc_inq(l), 4);
	type("de\n");
	ck_assert_str_eq(rd(100), "abc\n"); /* one line per read */
	ck_assert_str_eq(rd(2), "de");	    /* a short read leaves the rest */
	ck_assert_str_eq(rd(100), "\n");
	ck_assert(!tty_ldisc_readable(l, false));
}
END_TEST

START_TEST(test_erase_kill)
{
	type("abx\x7f");
	expect_echo("abx\b \b");
	type("\x03"); /* ^C: flushed */
	expect_echo("^C");
	ck_assert_uint_eq(tty_ldisc_take_signals(l), 1u << TTY_SIGINT);
	ck_assert_uint_eq(tty_ldisc_take_signals(l), 0);
	type("one two\x15"); /* ^U with ECHOKE: erased one by one */
	outlen = 0;
	type("x\x01\x7f"); /* a control character echoed as ^A takes two */
	expect_echo("x^A\b \b\b \b");
	type("\x7f\x7f\x7f"); /* nothing left to erase: no echo */
	expect_echo("\b \b");
	type("hi\n");
	ck_assert_str_eq(rd(100), "hi\n");
}
END_TEST

START_TEST(test_kill_echok)
{
	set_lflag(0, TTY_ECHOKE);
	type("abc\x15");
	expect_echo("abc^U\r\n"); /* ECHOK without ECHOKE: the char and a newline */
	type("d\n");
	ck_assert_str_eq(rd(100), "d\n");
}
END_TEST

START_TEST(test_werase)
{
	type("foo bar_1  \x17");
	outlen = 0;
	type("\n");
	ck_assert_str_eq(rd(100), "foo \n");
	type("  \x17x\n"); /* only blanks: all of them go */
	ck_assert_str_eq(rd(100), "x\n");
}
END_TEST

START_TEST(test_erase_tab)
{
	type("ab\t");
	expect_echo("ab\t");
	type("\x7f"); /* the tab took 6 columns */
	expect_echo("\b\b\b\b\b\b");
	type("\x7f");
	expect_echo("\b \b");
}
END_TEST

START_TEST(test_eof)
{
	type("ab\x04");
	expect_echo("ab"); /* VEOF is not echoed */
	ck_assert_uint_eq(tty_ldisc_inq(l), 2);
	bool end;
	char buf[8];
	ck_assert_uint_eq(tty_ldisc_read(l, buf, sizeof(buf), &end), 2);
	ck_assert(end);
	type("\x04");
	ck_assert(tty_ldisc_readable(l, false));
	ck_assert_uint_eq(tty_ldisc_read(l, buf, sizeof(buf), &end), 0); /* end of file */
	ck_assert(end);
	ck_assert(!tty_ldisc_readable(l, false));
}
END_TEST

START_TEST(test_eol_lnext_reprint)
{
	struct linux_termios t = sane;
	t.c_cc[TTY_VEOL] = ';';
	tty_ldisc_set_termios(l, &t);
	type("a;");
	ck_assert_str_eq(rd(100), "a;");
	outlen = 0;
	type("x\x16\x03\x16\x7f"); /* ^V makes ^C and DEL plain */
	expect_echo("x^\b^C^\b^?");
	ck_assert_uint_eq(tty_ldisc_take_signals(l), 0);
	type("\x12"); /* ^R */
	expect_echo("^R\r\nx^C^?");
	type("\n");
	ck_assert(memcmp(rd(100), "x\x03\x7f\n", 4) == 0);
}
END_TEST

START_TEST(test_echo_flags)
{
	set_lflag(TTY_ECHONL, TTY_ECHO);
	type("secret\n");
	expect_echo("\r\n"); /* ECHONL echoes the newline alone */
	set_lflag(TTY_ECHO, TTY_ECHOCTL);
	type("\x01");
	expect_echo("\x01");
	set_lflag(0, TTY_ECHOE);
	type("\x7f"); /* ERASE without ECHOE: the erase character is echoed */
	expect_echo("\x7f");
}
END_TEST

START_TEST(test_iflags)
{
	struct linux_termios t = sane;
	t.c_iflag = TTY_IGNCR;
	tty_ldisc_set_termios(l, &t);
	type("a\rb\n");
	ck_assert_str_eq(rd(100), "ab\n");
	t.c_iflag = TTY_INLCR | TTY_ISTRIP;
	t.c_cc[TTY_VEOL] = '\r';
	tty_ldisc_set_termios(l, &t);
	type("\xe1\n"); /* 0xe1 stripped to 'a', \n mapped to \r, which ends the line */
	ck_assert_str_eq(rd(100), "a\r");
}
END_TEST

START_TEST(test_ixon)
{
	type("\x13"); /* ^S */
	ck_assert(l->stopped);
	type("a");
	ck_assert(l->stopped);
	type("\x11");
	ck_assert(!l->stopped);
	outlen = 0;
	type("\n");
	ck_assert_str_eq(rd(100), "a\n"); /* ^S and ^Q are not input */
}
END_TEST

START_TEST(test_signals)
{
	type("abc\x1c");
	ck_assert_uint_eq(tty_ldisc_take_signals(l), 1u << TTY_SIGQUIT);
	ck_assert_uint_eq(l->len, 0);
	expect_echo("abc^\\");
	set_lflag(TTY_NOFLSH, 0);
	type("abc\x1a");
	ck_assert_uint_eq(tty_ldisc_take_signals(l), 1u << TTY_SIGTSTP);
	expect_echo("abc^Z");
	type("\n");
	ck_assert_str_eq(rd(100), "abc\n");
	set_lflag(0, TTY_ISIG);
	type("\x03\n");
	ck_assert_uint_eq(tty_ldisc_take_signals(l), 0);
	ck_assert_str_eq(rd(100), "\x03\n");
}
END_TEST

START_TEST(test_line_limit)
{
	char big[5000];
	memset(big, 'x', sizeof(big));
	set_lflag(0, TTY_ECHO);
	tty_ldisc_receive(l, big, sizeof(big));
	ck_assert_uint_eq(l->len, TTY_LINE_MAX);
	ck_assert_uint_eq(l->dropped, sizeof(big) - TTY_LINE_MAX);
	type("\n"); /* the line's end still fits */
	ck_assert_uint_eq(tty_ldisc_inq(l), TTY_BUF_SIZE);
	ck_assert_uint_eq(strlen(rd(TTY_BUF_SIZE)), TTY_BUF_SIZE);
	type("\x7f");
	ck_assert_uint_eq(l->len, 0);
}
END_TEST

START_TEST(test_noncanon)
{
	struct linux_termios t = sane;
	t.c_lflag &= ~(TTY_ICANON | TTY_ECHO);
	t.c_cc[TTY_VMIN] = 3;
	tty_ldisc_set_termios(l, &t);
	type("a\x7f");
	ck_assert(tty_ldisc_readable(l, false));
	ck_assert(!tty_ldisc_readable(l, true)); /* poll waits for VMIN */
	type("\r");
	ck_assert(tty_ldisc_readable(l, true));
	ck_assert_uint_eq(tty_ldisc_inq(l), 3);
	ck_assert_str_eq(rd(100), "a\x7f\n");
	expect_echo("");
	/* The limit is 4095 bytes here too. */
	char big[5000];
	memset(big, 'y', sizeof(big));
	tty_ldisc_receive(l, big, sizeof(big));
	ck_assert_uint_eq(tty_ldisc_inq(l), TTY_BUF_SIZE - 1);
}
END_TEST

START_TEST(test_mode_switch)
{
	type("par"); /* an unfinished line becomes readable in raw mode */
	set_lflag(0, TTY_ICANON);
	ck_assert_uint_eq(tty_ldisc_inq(l), 3);
	type("t");
	set_lflag(TTY_ICANON, 0); /* and what is held one line when back */
	ck_assert(tty_ldisc_readable(l, false));
	ck_assert_str_eq(rd(100), "part");
	ck_assert(!tty_ldisc_readable(l, false));
}
END_TEST

START_TEST(test_opost)
{
	tty_ldisc_write(l, "a\nb\r", 4);
	expect_echo("a\r\nb\r");
	struct linux_termios t = sane;
	t.c_oflag = TTY_OPOST | TTY_OCRNL;
	tty_ldisc_set_termios(l, &t);
	tty_ldisc_write(l, "a\nb\r", 4);
	expect_echo("a\nb\n");
	t.c_oflag = TTY_OPOST | TTY_ONOCR;
	tty_ldisc_set_termios(l, &t);
	tty_ldisc_write(l, "x\r\rx\r", 5); /* no CR at column 0 */
	expect_echo("x\rx\r");
	t.c_oflag = TTY_ONLCR; /* without OPOST nothing is changed */
	tty_ldisc_set_termios(l, &t);
	tty_ldisc_write(l, "\n", 1);
	expect_echo("\n");
}
END_TEST

START_TEST(test_disabled_cc)
{
	struct linux_termios t = sane;
	t.c_cc[TTY_VINTR] = 0;
	tty_ldisc_set_termios(l, &t);
	tty_ldisc_receive(l, "\0\n", 2); /* NUL never matches a disabled function */
	ck_assert_uint_eq(tty_ldisc_take_signals(l), 0);
	ck_assert_uint_eq(tty_ldisc_inq(l), 2);
}
END_TEST

UNIT_SUITE(tty_ldisc_suite)
{
	Suite *s = suite_create("tty_ldisc");
	TCase *tc = tcase_create("ldisc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_canon_line);
	tcase_add_test(tc, test_erase_kill);
	tcase_add_test(tc, test_kill_echok);
	tcase_add_test(tc, test_werase);
	tcase_add_test(tc, test_erase_tab);
	tcase_add_test(tc, test_eof);
	tcase_add_test(tc, test_eol_lnext_reprint);
	tcase_add_test(tc, test_echo_flags);
	tcase_add_test(tc, test_iflags);
	tcase_add_test(tc, test_ixon);
	tcase_add_test(tc, test_signals);
	tcase_add_test(tc, test_line_limit);
	tcase_add_test(tc, test_noncanon);
	tcase_add_test(tc, test_mode_switch);
	tcase_add_test(tc, test_opost);
	tcase_add_test(tc, test_disabled_cc);
	suite_add_tcase(s, tc);
	return s;
}
