/*
 * shebang_parse (containers/shebang.c) against what Linux's binfmt_script
 * makes of each first line: the ordinary forms, the whitespace rules, the
 * 256-byte cut, and a NUL inside the line (Linux's search for the newline
 * stops at it).
 */
#include <errno.h>
#include <string.h>

#include "../../containers/shebang.h"
#include "unit.h"

static struct shebang sb;

static int parse_str(const char *s)
{
	memset(&sb, 0x5a, sizeof(sb));
	return shebang_parse(s, strlen(s), &sb);
}

static void expect(const char *line, const char *interp, const char *arg)
{
	ck_assert_msg(parse_str(line) == 0, "refused: %s", line);
	ck_assert_str_eq(sb.interp, interp);
	if (arg) {
		ck_assert(sb.has_arg);
		ck_assert_str_eq(sb.arg, arg);
	} else {
		ck_assert(!sb.has_arg);
		ck_assert_str_eq(sb.arg, "");
	}
}

START_TEST(ordinary_lines)
{
	expect("#!/bin/sh\necho hi\n", "/bin/sh", NULL);
	expect("#! /bin/sh -e\n", "/bin/sh", "-e");
	expect("#!/usr/bin/env python3 -u\n", "/usr/bin/env", "python3 -u");
	expect("#!/bin/sh", "/bin/sh", NULL); /* a file of one unterminated line */
}
END_TEST

START_TEST(whitespace_rules)
{
	expect("#!/bin/sh  \t\n", "/bin/sh", NULL);
	expect("#!\t/bin/sh\t-x \n", "/bin/sh", "-x");
	expect("#!/bin/sh -x  y  \n", "/bin/sh", "-x  y"); /* one argument, spaces kept */
	expect("#!/bin/sh -x\r\n", "/bin/sh", "-x\r");	   /* as Linux: a DOS line keeps its CR */
	expect("#!/bin/sh\r\n", "/bin/sh\r", NULL);
}
END_TEST

START_TEST(not_scripts)
{
	ck_assert_int_eq(parse_str(""), -ENOEXEC);
	ck_assert_int_eq(parse_str("#"), -ENOEXEC);
	ck_assert_int_eq(parse_str("#/bin/sh\n"), -ENOEXEC);
	ck_assert_int_eq(parse_str("!#/bin/sh\n"), -ENOEXEC);
	ck_assert_int_eq(parse_str("\x7f"
				   "ELF"),
			 -ENOEXEC);
	ck_assert_int_eq(parse_str(" #!/bin/sh\n"), -ENOEXEC);
}
END_TEST

START_TEST(no_interpreter)
{
	ck_assert_int_eq(parse_str("#!\n"), -ENOEXEC);
	ck_assert_int_eq(parse_str("#!   \t \n"), -ENOEXEC);
	/* "#!" and nothing: the NUL padding is a name of length 0, which
	 * Linux opens as the working directory (seen on Linux 6.18). */
	ck_assert_int_eq(parse_str("#!"), -EACCES);
	ck_assert_int_eq(shebang_parse("#!\0/bin/sh\n", 11, &sb), -EACCES);
	/* A whole buffer of blanks. */
	char b[300];
	memset(b, ' ', sizeof(b));
	b[0] = '#';
	b[1] = '!';
	ck_assert_int_eq(shebang_parse(b, sizeof(b), &sb), -ENOEXEC);
}
END_TEST

/* "#!" then n copies of c, then tail: a long line. */
static const char *long_line(char *b, size_t n, char c, const char *tail)
{
	b[0] = '#';
	b[1] = '!';
	memset(b + 2, c, n);
	strcpy(b + 2 + n, tail);
	return b;
}

START_TEST(long_lines)
{
	char b[600], want[300];

	/* The name runs past byte 255: it may be truncated, so refused. */
	ck_assert_int_eq(parse_str(long_line(b, 300, 'a', "")), -ENOEXEC);
	ck_assert_int_eq(parse_str(long_line(b, 254, 'a', "")), -ENOEXEC);
	/* 253 name bytes and a space at byte 255: taken, no argument. */
	memset(want, 'a', 253);
	want[253] = 0;
	expect(long_line(b, 253, 'a', " -x\n"), want, NULL);
	/* The newline at byte 255 ends the line. */
	expect(long_line(b, 253, 'a', "\n"), want, NULL);
	/* The argument is cut at byte 255 (bytes 2..254 are the line). */
	strcpy(b, "#!/bin/sh ");
	memset(b + 10, 'b', 290);
	strcpy(b + 300, "\n");
	memset(want, 'b', 245);
	want[245] = 0;
	expect(b, "/bin/sh", want);
	ck_assert_uint_eq(strlen(sb.arg), SHEBANG_BUF_SIZE - 1 - 10);
}
END_TEST

START_TEST(nul_inside_the_line)
{
	/* The newline is not looked for past the NUL; the NUL ends the name. */
	ck_assert_int_eq(shebang_parse("#!/bin/sh\0 -x\n", 14, &sb), 0);
	ck_assert_str_eq(sb.interp, "/bin/sh");
	ck_assert(!sb.has_arg);
	/* A space, then the NUL: Linux passes an empty argument. */
	ck_assert_int_eq(shebang_parse("#!/bin/sh \0-x\n", 14, &sb), 0);
	ck_assert_str_eq(sb.interp, "/bin/sh");
	ck_assert(sb.has_arg);
	ck_assert_str_eq(sb.arg, "");
	/* An argument ends at a NUL too. */
	ck_assert_int_eq(shebang_parse("#!/bin/sh -x\0y z\n", 17, &sb), 0);
	ck_assert_str_eq(sb.arg, "-x");
}
END_TEST

UNIT_SUITE(shebang_suite)
{
	Suite *s = suite_create("shebang");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, ordinary_lines);
	tcase_add_test(tc, whitespace_rules);
	tcase_add_test(tc, not_scripts);
	tcase_add_test(tc, no_interpreter);
	tcase_add_test(tc, long_lines);
	tcase_add_test(tc, nul_inside_the_line);
	suite_add_tcase(s, tc);
	return s;
}
