/* Parsing \pallas\boot.cfg; the format is described in boot_cfg.h. */
#include <stdbool.h>

#include "boot_cfg.h"
#include "fmt.h"

enum key { KEY_CMDLINE, KEY_CONSOLE, KEY_KERNEL, KEY_INITRD, KEY_MODULE, KEY_COUNT };

static const char *const key_names[KEY_COUNT] = {"cmdline", "console", "kernel", "initrd",
						 "module"};

/* A piece of the input; the text is not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

/* A long key or value would only make the message unreadable. */
#define QUOTE_MAX 40

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct span trim(struct span s)
{
	while (s.n && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool span_is(struct span s, const char *word)
{
	size_t i = 0;
	for (; i < s.n; i++)
		if (word[i] != s.p[i])
			return false;
	return word[i] == 0;
}

static void copy_str(char *dst, const char *src)
{
	while ((*dst++ = *src++))
		;
}

static int fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
	size_t n = 0;
	if (line)
		n = bsnprintf(err, errlen, "line %u: ", line);
	if (n < errlen) {
		va_list ap;
		va_start(ap, fmt);
		bvsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void boot_cfg_defaults(struct boot_cfg *cfg)
{
	cfg->cmdline[0] = 0;
	cfg->console = BOOT_CONSOLE_SERIAL | BOOT_CONSOLE_FB;
	copy_str(cfg->kernel, BOOT_CFG_DEFAULT_KERNEL);
	cfg->initrd[0] = 0;
	cfg->module_count = 0;
}

static int parse_console(struct span v, uint32_t *console, unsigned line, char *err, size_t errlen)
{
	uint32_t bits = 0;

	for (;;) {
		size_t i = 0;
		while (i < v.n && v.p[i] != ',')
			i++;
		struct span item = trim((struct span){v.p, i});
		if (span_is(item, "serial"))
			bits |= BOOT_CONSOLE_SERIAL;
		else if (span_is(item, "fb"))
			bits |= BOOT_CONSOLE_FB;
		else if (item.n == 0)
			return fail(err, errlen, line, "empty item in the console list");
		else
			return fail(err, errlen, line,
				    "unknown console '%.*s' (expected serial or fb)",
				    (int)(item.n < QUOTE_MAX ? item.n : QUOTE_MAX), item.p);
		if (i == v.n)
			break;
		v.p += i + 1;
		v.n -= i + 1;
	}
	*console = bits;
	return 0;
}

/* An ESP path: printable ASCII, '\' separators (we accept '/'), rooted. */
static int parse_path(struct span v, char *dst, const char *key, unsigned line, char *err,
		      size_t errlen)
{
	bool rooted = v.p[0] == '\\' || v.p[0] == '/';
	size_t need = v.n + !rooted;

	if (need >= BOOT_CFG_PATH_MAX)
		return fail(err, errlen, line, "%s path is too long (%zu bytes, limit %u)", key,
			    need, BOOT_CFG_PATH_MAX - 1);
	size_t o = 0;
	if (!rooted)
		dst[o++] = '\\';
	for (size_t i = 0; i < v.n; i++) {
		unsigned char c = (unsigned char)v.p[i];
		if (c < 0x20 || c > 0x7e)
			return fail(err, errlen, line, "%s path must be printable ASCII", key);
		dst[o++] = c == '/' ? '\\' : (char)c;
	}
	dst[o] = 0;
	return 0;
}

/* "PATH [STRING]": the path ends at the first blank; the string is the rest. */
static int parse_module(struct span v, struct boot_cfg *out, unsigned line, char *err,
			size_t errlen)
{
	if (out->module_count == BOOT_MODULES_MAX)
		return fail(err, errlen, line, "too many modules (limit %u)", BOOT_MODULES_MAX);
	struct boot_cfg_module *m = &out->modules[out->module_count];
	size_t i = 0;
	while (i < v.n && !is_blank(v.p[i]))
		i++;
	if (parse_path((struct span){v.p, i}, m->path, "module", line, err, errlen))
		return -1;
	struct span str = trim((struct span){v.p + i, v.n - i});
	if (str.n >= BOOT_MODNAME_MAX)
		return fail(err, errlen, line, "module string is too long (%zu bytes, limit %u)",
			    str.n, BOOT_MODNAME_MAX - 1);
	for (size_t k = 0; k < str.n; k++) {
		if ((unsigned char)str.p[k] > 0x7e)
			return fail(err, errlen, line, "module string must be printable ASCII");
		m->string[k] = str.p[k];
	}
	m->string[str.n] = 0;
	out->module_count++;
	return 0;
}

static int parse_value(enum key k, struct span v, struct boot_cfg *out, unsigned line, char *err,
		       size_t errlen)
{
	if (v.n == 0 && k != KEY_CMDLINE)
		return fail(err, errlen, line, "%s needs a value", key_names[k]);
	switch (k) {
	case KEY_CMDLINE:
		if (v.n >= BOOT_CMDLINE_MAX)
			return fail(err, errlen, line, "cmdline is too long (%zu bytes, limit %u)",
				    v.n, BOOT_CMDLINE_MAX - 1);
		for (size_t i = 0; i < v.n; i++)
			out->cmdline[i] = v.p[i];
		out->cmdline[v.n] = 0;
		return 0;
	case KEY_CONSOLE:
		return parse_console(v, &out->console, line, err, errlen);
	case KEY_KERNEL:
		return parse_path(v, out->kernel, "kernel", line, err, errlen);
	case KEY_INITRD:
		return parse_path(v, out->initrd, "initrd", line, err, errlen);
	case KEY_MODULE:
		return parse_module(v, out, line, err, errlen);
	default:
		return fail(err, errlen, line, "internal error: key %d", (int)k);
	}
}

int boot_cfg_parse(const char *text, size_t len, struct boot_cfg *out, char *err, size_t errlen)
{
	unsigned seen_on[KEY_COUNT] = {0};
	size_t pos = 0;
	unsigned line = 0;

	boot_cfg_defaults(out);
	if (len > BOOT_CFG_MAX_SIZE)
		return fail(err, errlen, 0, "file is too large (%zu bytes, limit %u)", len,
			    BOOT_CFG_MAX_SIZE);
	/* Windows editors like to start UTF-8 files with a byte-order mark. */
	if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
	    (unsigned char)text[2] == 0xbf)
		pos = 3;

	while (pos < len) {
		struct span l = {text + pos, 0};
		line++;
		while (pos < len && text[pos] != '\n')
			pos++;
		l.n = (size_t)(text + pos - l.p);
		if (pos < len)
			pos++;
		if (l.n && l.p[l.n - 1] == '\r')
			l.n--;

		for (size_t i = 0; i < l.n; i++) {
			unsigned char c = (unsigned char)l.p[i];
			if (c == 0)
				return fail(err, errlen, line, "contains a NUL byte");
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return fail(err, errlen, line, "contains control character 0x%02x",
					    c);
		}

		l = trim(l);
		if (l.n == 0 || l.p[0] == '#')
			continue;

		size_t eq = 0;
		while (eq < l.n && l.p[eq] != '=')
			eq++;
		if (eq == l.n)
			return fail(err, errlen, line, "expected 'key = value'");
		struct span key = trim((struct span){l.p, eq});
		struct span value = trim((struct span){l.p + eq + 1, l.n - eq - 1});
		if (key.n == 0)
			return fail(err, errlen, line, "missing key before '='");

		enum key k = 0;
		while (k < KEY_COUNT && !span_is(key, key_names[k]))
			k++;
		if (k == KEY_COUNT)
			return fail(err, errlen, line,
				    "unknown key '%.*s' (expected cmdline, console, kernel, initrd "
				    "or module)",
				    (int)(key.n < QUOTE_MAX ? key.n : QUOTE_MAX), key.p);
		if (seen_on[k] && k != KEY_MODULE)
			return fail(err, errlen, line, "duplicate key '%s' (first set on line %u)",
				    key_names[k], seen_on[k]);
		seen_on[k] = line;
		if (parse_value(k, value, out, line, err, errlen))
			return -1;
		/* The initrd is a module too: both must fit in boot_info. */
		if (out->initrd[0] && out->module_count == BOOT_MODULES_MAX)
			return fail(err, errlen, line,
				    "too many modules (limit %u, the initrd included)",
				    BOOT_MODULES_MAX);
	}
	return 0;
}
