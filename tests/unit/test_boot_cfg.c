/* boot_cfg_parse: \pallas\boot.cfg is hostile input; every refusal names its line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_cfg.h"
#include "unit.h"

static struct boot_cfg cfg;
static char err[160];

static int parse(const char *text)
{
	memset(err, 0, sizeof(err));
	return boot_cfg_parse(text, strlen(text), &cfg, err, sizeof(err));
}

/* Parses text, expects a refusal, and checks the message. */
static void refuse(const char *text, const char *msg)
{
	ck_assert_int_eq(parse(text), -1);
	ck_assert_str_eq(err, msg);
}

START_TEST(empty_gives_defaults)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert_str_eq(cfg.cmdline, "");
	ck_assert_uint_eq(cfg.console, BOOT_CONSOLE_SERIAL | BOOT_CONSOLE_FB);
	ck_assert_str_eq(cfg.kernel, "\\pallas\\kernel.elf");
	ck_assert_str_eq(cfg.initrd, "");
	ck_assert_int_eq(parse("# only a comment\n\n   \n\t\n"), 0);
	ck_assert_str_eq(cfg.kernel, BOOT_CFG_DEFAULT_KERNEL);
}
END_TEST

START_TEST(full_file)
{
	const char *text = "\xef\xbb\xbf# Pallas boot settings\r\n"
			   "\r\n"
			   "  cmdline =  ktest loglevel=debug a=b==c  \r\n"
			   "console=fb\r\n"
			   "\tkernel\t=\t\\pallas\\k2.elf\r\n"
			   "   # indented comment = with equals\r\n"
			   "initrd = /pallas/ct0.cpio"; /* no newline at the end */
	ck_assert_int_eq(parse(text), 0);
	ck_assert_str_eq(cfg.cmdline, "ktest loglevel=debug a=b==c");
	ck_assert_uint_eq(cfg.console, BOOT_CONSOLE_FB);
	ck_assert_str_eq(cfg.kernel, "\\pallas\\k2.elf");
	ck_assert_str_eq(cfg.initrd, "\\pallas\\ct0.cpio");
}
END_TEST

START_TEST(shipped_default)
{
	ck_assert_int_eq(parse("cmdline = loglevel=info\nconsole = serial,fb\n"), 0);
	ck_assert_str_eq(cfg.cmdline, "loglevel=info");
	ck_assert_uint_eq(cfg.console, BOOT_CONSOLE_SERIAL | BOOT_CONSOLE_FB);
}
END_TEST

START_TEST(empty_cmdline_is_allowed)
{
	ck_assert_int_eq(parse("cmdline =\n"), 0);
	ck_assert_str_eq(cfg.cmdline, "");
}
END_TEST

START_TEST(console_lists)
{
	ck_assert_int_eq(parse("console = serial\n"), 0);
	ck_assert_uint_eq(cfg.console, BOOT_CONSOLE_SERIAL);
	ck_assert_int_eq(parse("console = fb , serial,fb\n"), 0);
	ck_assert_uint_eq(cfg.console, BOOT_CONSOLE_SERIAL | BOOT_CONSOLE_FB);
	refuse("console = serial,vga\n", "line 1: unknown console 'vga' (expected serial or fb)");
	refuse("\nconsole = serial,,fb\n", "line 2: empty item in the console list");
	refuse("console = serial,\n", "line 1: empty item in the console list");
	refuse("console =\n", "line 1: console needs a value");
}
END_TEST

START_TEST(paths_are_normalised)
{
	ck_assert_int_eq(parse("kernel = pallas/other.elf\n"), 0);
	ck_assert_str_eq(cfg.kernel, "\\pallas\\other.elf");
	ck_assert_int_eq(parse("initrd = \\x\n"), 0);
	ck_assert_str_eq(cfg.initrd, "\\x");
	refuse("kernel =\n", "line 1: kernel needs a value");
	refuse("initrd = \\p\xc3\xa4th\n", "line 1: initrd path must be printable ASCII");
}
END_TEST

START_TEST(path_length_limit)
{
	static char text[600];
	char *p = text + sprintf(text, "kernel = \\");
	/* With the leading '\', 255 bytes fit; 256 do not. */
	memset(p, 'a', BOOT_CFG_PATH_MAX - 2);
	p[BOOT_CFG_PATH_MAX - 2] = 0;
	ck_assert_int_eq(parse(text), 0);
	ck_assert_uint_eq(strlen(cfg.kernel), BOOT_CFG_PATH_MAX - 1);
	p[BOOT_CFG_PATH_MAX - 2] = 'a';
	p[BOOT_CFG_PATH_MAX - 1] = 0;
	refuse(text, "line 1: kernel path is too long (256 bytes, limit 255)");
	/* An unrooted path gets its '\' added, which counts too. */
	sprintf(text, "initrd = ");
	memset(text + 9, 'b', BOOT_CFG_PATH_MAX - 1);
	text[9 + BOOT_CFG_PATH_MAX - 1] = 0;
	refuse(text, "line 1: initrd path is too long (256 bytes, limit 255)");
}
END_TEST

START_TEST(cmdline_length_limit)
{
	static char text[BOOT_CMDLINE_MAX + 32];
	int n = sprintf(text, "cmdline = ");
	memset(text + n, 'x', BOOT_CMDLINE_MAX - 1);
	text[n + BOOT_CMDLINE_MAX - 1] = 0;
	ck_assert_int_eq(parse(text), 0);
	ck_assert_uint_eq(strlen(cfg.cmdline), BOOT_CMDLINE_MAX - 1);
	strcat(text, "y\n");
	refuse(text, "line 1: cmdline is too long (1024 bytes, limit 1023)");
}
END_TEST

START_TEST(bad_lines_name_their_number)
{
	refuse(
	    "# hello\ncmdline = a\nkernal = \\k\n",
	    "line 3: unknown key 'kernal' (expected cmdline, console, kernel, initrd or module)");
	refuse("cmdline = a\r\n\r\ncmdline = b\r\n",
	       "line 3: duplicate key 'cmdline' (first set on line 1)");
	refuse("\n\njust some words\n", "line 3: expected 'key = value'");
	refuse(" = value\n", "line 1: missing key before '='");
	refuse(
	    "CMDLINE = a\n",
	    "line 1: unknown key 'CMDLINE' (expected cmdline, console, kernel, initrd or module)");
	refuse("cmdline = a\x1b[31m\n", "line 1: contains control character 0x1b");
	refuse("cmdline = a\rb\n", "line 1: contains control character 0x0d");
	refuse("cmdline = a\x7f\n", "line 1: contains control character 0x7f");
}
END_TEST

START_TEST(long_key_is_quoted_short)
{
	static char text[200];
	memset(text, 'k', 100);
	strcpy(text + 100, " = v\n");
	ck_assert_int_eq(parse(text), -1);
	ck_assert_ptr_nonnull(
	    strstr(err, "line 1: unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk'"));
}
END_TEST

START_TEST(nul_byte)
{
	const char text[] = "cmdline = a\nconsole = fb\0serial\n";
	ck_assert_int_eq(boot_cfg_parse(text, sizeof(text) - 1, &cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 2: contains a NUL byte");
}
END_TEST

START_TEST(size_limit)
{
	static char text[BOOT_CFG_MAX_SIZE + 1];
	memset(text, '\n', sizeof(text));
	ck_assert_int_eq(boot_cfg_parse(text, BOOT_CFG_MAX_SIZE, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(boot_cfg_parse(text, sizeof(text), &cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "file is too large (16385 bytes, limit 16384)");
}
END_TEST

/* Found by fuzzing: quoting a value that ends the file read one byte past it.
 * An exact-size heap copy lets ASan see that. */
START_TEST(quote_at_end_of_file)
{
	const char text[] = "console = vga";
	char *p = malloc(sizeof(text) - 1);
	memcpy(p, text, sizeof(text) - 1);
	ck_assert_int_eq(boot_cfg_parse(p, sizeof(text) - 1, &cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 1: unknown console 'vga' (expected serial or fb)");
	free(p);
}
END_TEST

START_TEST(small_error_buffer)
{
	char small[8];
	memset(small, 'z', sizeof(small));
	ck_assert_int_eq(boot_cfg_parse("x\n", 2, &cfg, small, sizeof(small)), -1);
	ck_assert_str_eq(small, "line 1:");
	ck_assert_int_eq(boot_cfg_parse("x\n", 2, &cfg, NULL, 0), -1);
}
END_TEST

START_TEST(modules_keep_their_order_and_strings)
{
	ck_assert_int_eq(parse("module = \\pallas\\guests\\hello.elf guest hello vcpus=1 mem=128 "
			       "expect=pass\n"
			       "initrd = /pallas/ct0.cpio\n"
			       "module\t=\tpallas/guests/smp.elf \t guest smp vcpus=2  \r\n"
			       "module = \\bare.elf\n"
			       "module = \\pallas\\guests\\hello.elf guest hello vcpus=1\n"),
			 0);
	ck_assert_uint_eq(cfg.module_count, 4);
	ck_assert_str_eq(cfg.modules[0].path, "\\pallas\\guests\\hello.elf");
	ck_assert_str_eq(cfg.modules[0].string, "guest hello vcpus=1 mem=128 expect=pass");
	/* Unrooted, '/' separators and blanks around the string: like any path. */
	ck_assert_str_eq(cfg.modules[1].path, "\\pallas\\guests\\smp.elf");
	ck_assert_str_eq(cfg.modules[1].string, "guest smp vcpus=2");
	ck_assert_str_eq(cfg.modules[2].path, "\\bare.elf");
	ck_assert_str_eq(cfg.modules[2].string, "");
	/* The same file may come twice (the ISO runs its first guest again). */
	ck_assert_str_eq(cfg.modules[3].path, cfg.modules[0].path);
	ck_assert_str_eq(cfg.initrd, "\\pallas\\ct0.cpio");
	ck_assert_int_eq(parse("cmdline = x\n"), 0);
	ck_assert_uint_eq(cfg.module_count, 0);
}
END_TEST

START_TEST(module_limits)
{
	static char text[BOOT_CFG_MAX_SIZE];
	char *p = text;

	refuse("module =\n", "line 1: module needs a value");
	refuse("\nmodule = \\g.elf guest h\xc3\xa4llo\n",
	       "line 2: module string must be printable ASCII");
	/* The string fills a boot module's name: BOOT_MODNAME_MAX - 1 bytes fit. */
	p += sprintf(p, "module = \\g.elf ");
	memset(p, 's', BOOT_MODNAME_MAX - 1);
	p[BOOT_MODNAME_MAX - 1] = 0;
	ck_assert_int_eq(parse(text), 0);
	ck_assert_uint_eq(strlen(cfg.modules[0].string), BOOT_MODNAME_MAX - 1);
	p[BOOT_MODNAME_MAX - 1] = 's';
	p[BOOT_MODNAME_MAX] = 0;
	char msg[80];
	snprintf(msg, sizeof(msg), "line 1: module string is too long (%u bytes, limit %u)",
		 BOOT_MODNAME_MAX, BOOT_MODNAME_MAX - 1);
	refuse(text, msg);
	/* BOOT_MODULES_MAX lines fit; one more is refused on its own line. */
	p = text;
	for (unsigned i = 0; i < BOOT_MODULES_MAX; i++)
		p += sprintf(p, "module = \\g%u.elf guest g%u\n", i, i);
	ck_assert_int_eq(parse(text), 0);
	ck_assert_uint_eq(cfg.module_count, BOOT_MODULES_MAX);
	char last[32], limit[80], limit_initrd[80];
	snprintf(last, sizeof(last), "guest g%u", BOOT_MODULES_MAX - 1);
	snprintf(limit, sizeof(limit), "line %u: too many modules (limit %u)", BOOT_MODULES_MAX + 1,
		 BOOT_MODULES_MAX);
	snprintf(limit_initrd, sizeof(limit_initrd),
		 "line %u: too many modules (limit %u, the initrd included)", BOOT_MODULES_MAX + 1,
		 BOOT_MODULES_MAX);
	ck_assert_str_eq(cfg.modules[BOOT_MODULES_MAX - 1].string, last);
	strcpy(p, "module = \\extra.elf\n");
	refuse(text, limit);
	/* The initrd takes a slot too, wherever its line is. */
	strcpy(p, "initrd = \\ct0.cpio\n");
	refuse(text, limit_initrd);
	p = text + sprintf(text, "initrd = \\ct0.cpio\n");
	for (unsigned i = 0; i < BOOT_MODULES_MAX - 1; i++)
		p += sprintf(p, "module = \\g%u.elf\n", i);
	ck_assert_int_eq(parse(text), 0);
	strcpy(p, "module = \\last.elf\n");
	refuse(text, limit_initrd);
}
END_TEST

UNIT_SUITE(boot_cfg_suite)
{
	Suite *s = suite_create("boot_cfg");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, empty_gives_defaults);
	tcase_add_test(tc, full_file);
	tcase_add_test(tc, shipped_default);
	tcase_add_test(tc, empty_cmdline_is_allowed);
	tcase_add_test(tc, console_lists);
	tcase_add_test(tc, paths_are_normalised);
	tcase_add_test(tc, path_length_limit);
	tcase_add_test(tc, cmdline_length_limit);
	tcase_add_test(tc, bad_lines_name_their_number);
	tcase_add_test(tc, long_key_is_quoted_short);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, size_limit);
	tcase_add_test(tc, quote_at_end_of_file);
	tcase_add_test(tc, small_error_buffer);
	tcase_add_test(tc, modules_keep_their_order_and_strings);
	tcase_add_test(tc, module_limits);
	suite_add_tcase(s, tc);
	return s;
}
