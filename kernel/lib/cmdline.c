/*
 * Command-line parsing.  The line comes from the boot loader's config file,
 * which the kernel does not trust: every scan is bounded by the line's length,
 * itself capped at BOOT_CMDLINE_MAX.
 */
#include <pallas/boot_info.h>
#include <pallas/cmdline.h>
#include <pallas/string.h>

struct token {
	const char *key;
	size_t keylen;
	const char *val; /* raw: still quoted */
	size_t vallen;
	bool has_val;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The token at or after *pos in cl[0, len); false when only spaces remain. */
static bool next_token(const char *cl, size_t len, size_t *pos, struct token *t)
{
	size_t i = *pos;
	bool quoted = false;

	while (i < len && is_space(cl[i]))
		i++;
	if (i == len)
		return false;

	size_t start = i;
	for (; i < len && (quoted || !is_space(cl[i])); i++) {
		if (cl[i] == '"')
			quoted = !quoted;
	}
	*pos = i;

	size_t eq = start;
	while (eq < i && cl[eq] != '=')
		eq++;
	t->key = cl + start;
	t->keylen = eq - start;
	t->has_val = eq < i;
	t->val = t->has_val ? cl + eq + 1 : cl + i;
	t->vallen = t->has_val ? i - eq - 1 : 0;
	return true;
}

/* The last token whose key is `key`; false when there is none. */
static bool find_last(const char *cl, const char *key, struct token *found)
{
	size_t len = strnlen(cl, BOOT_CMDLINE_MAX);
	size_t keylen = strnlen(key, BOOT_CMDLINE_MAX);
	size_t pos = 0;
	struct token t;
	bool any = false;

	if (keylen == 0)
		return false;
	while (next_token(cl, len, &pos, &t)) {
		if (t.keylen == keylen && memcmp(t.key, key, keylen) == 0) {
			*found = t;
			any = true;
		}
	}
	return any;
}

bool cmdline_has(const char *cl, const char *key)
{
	struct token t;

	return find_last(cl, key, &t);
}

/* Length of the raw value once its quotes are dropped. */
static size_t unquoted_len(const char *v, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += v[i] != '"';
	return len;
}

bool cmdline_get(const char *cl, const char *key, char *out, size_t outlen)
{
	struct token t;

	if (outlen == 0)
		return false;
	out[0] = '\0';
	if (!find_last(cl, key, &t) || unquoted_len(t.val, t.vallen) >= outlen)
		return false;

	size_t o = 0;
	for (size_t i = 0; i < t.vallen; i++) {
		if (t.val[i] != '"')
			out[o++] = t.val[i];
	}
	out[o] = '\0';
	return true;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'k':
	case 'K':
		return 10;
	case 'm':
	case 'M':
		return 20;
	case 'g':
	case 'G':
		return 30;
	default:
		return 0;
	}
}

/* Digits in `base`, then at most one suffix; false on anything else or overflow. */
static bool parse_u64(const char *s, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; digit_value(s[i]) < (int)base; i++) {
		unsigned d = (unsigned)digit_value(s[i]);
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (i == 0)
		return false;
	unsigned shift = suffix_shift(s[i]);
	if (shift) {
		if (s[i + 1] != '\0' || v > (UINT64_MAX >> shift))
			return false;
		v <<= shift;
	} else if (s[i] != '\0') {
		return false;
	}
	*out = v;
	return true;
}

bool cmdline_get_u64(const char *cl, const char *key, uint64_t *out)
{
	char buf[32];

	if (!cmdline_get(cl, key, buf, sizeof(buf)))
		return false;
	if (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
		return parse_u64(buf + 2, 16, out);
	return parse_u64(buf, 10, out);
}

bool cmdline_list_contains(const char *list, const char *item)
{
	size_t len = strnlen(list, BOOT_CMDLINE_MAX);
	size_t itemlen = strnlen(item, BOOT_CMDLINE_MAX);
	size_t start = 0;

	if (itemlen == 0)
		return false;
	while (start <= len) {
		size_t end = start;
		while (end < len && list[end] != ',')
			end++;
		if (end - start == itemlen && memcmp(list + start, item, itemlen) == 0)
			return true;
		start = end + 1;
	}
	return false;
}
