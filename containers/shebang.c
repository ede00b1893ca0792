/*
 * Linux's load_script(), step by step (shebang.h), on a private NUL-padded
 * copy of the first SHEBANG_BUF_SIZE bytes.  Ranges are [first, last] with
 * last included, as Linux walks them; that is why a name or an argument may
 * end at the buffer's last byte, or at a NUL that Linux reads as the end.
 */
#include <pallas/errno.h>
#include <pallas/string.h>

#include "shebang.h"

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

static const char *next_non_spacetab(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (!spacetab(*first))
			return first;
	return NULL;
}

static const char *next_terminator(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (spacetab(*first) || !*first)
			return first;
	return NULL;
}

/* The first '\n' before any NUL, as Linux's strnchr() finds it. */
static const char *newline(const char *buf)
{
	for (size_t i = 0; i < SHEBANG_BUF_SIZE && buf[i]; i++)
		if (buf[i] == '\n')
			return buf + i;
	return NULL;
}

/* Where the line ends (exclusive), or NULL when Linux refuses it. */
static const char *line_end(const char *buf)
{
	const char *buf_end = buf + SHEBANG_BUF_SIZE - 1;
	const char *nl = newline(buf);
	const char *name;

	if (nl)
		return nl;
	name = next_non_spacetab(buf + 2, buf_end);
	if (!name)
		return NULL; /* nothing but spaces and tabs */
	if (!next_terminator(name, buf_end))
		return NULL; /* the name may go on past the buffer */
	return buf_end;
}

/* The string at from, up to a NUL or to end (exclusive). */
static void copy_until(char *dst, const char *from, const char *end)
{
	size_t n = strnlen(from, end - from);

	memcpy(dst, from, n);
	dst[n] = '\0';
}

int shebang_parse(const void *buf, size_t len, struct shebang *out)
{
	char b[SHEBANG_BUF_SIZE];
	const char *end, *name, *sep, *arg = NULL;

	memset(b, 0, sizeof(b));
	memcpy(b, buf, len < sizeof(b) ? len : sizeof(b));
	if (b[0] != '#' || b[1] != '!')
		return -ENOEXEC;
	end = line_end(b);
	if (!end)
		return -ENOEXEC;
	while (spacetab(end[-1]))
		end--;
	name = next_non_spacetab(b + 2, end);
	if (!name || name == end)
		return -ENOEXEC;
	sep = next_terminator(name, end);
	if (sep && *sep != '\0')
		arg = next_non_spacetab(sep, end);
	copy_until(out->interp, name, arg ? sep : end);
	out->has_arg = arg != NULL;
	out->arg[0] = '\0';
	if (arg)
		copy_until(out->arg, arg, end);
	return out->interp[0] ? 0 : -EACCES;
}
