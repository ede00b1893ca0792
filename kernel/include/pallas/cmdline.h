/*
 * The kernel command line: space-separated `key` and `key=value` words.  A
 * value may contain spaces inside double quotes (`name="a b"`); the quotes
 * are not part of the value.  When a key appears more than once, the last
 * occurrence wins.  Scanning stops at BOOT_CMDLINE_MAX bytes even without a
 * NUL, and an unterminated quote runs to the end of the line.
 */
#ifndef PALLAS_CMDLINE_H
#define PALLAS_CMDLINE_H

#include <pallas/types.h>

/* Whether `key` appears, with or without a value. */
bool cmdline_has(const char *cl, const char *key);

/*
 * Copies the value of the last `key` into out ("" for a bare `key`).  False
 * when the key is absent or the value does not fit in outlen bytes with its
 * NUL; out is then "" (when outlen > 0).
 */
bool cmdline_get(const char *cl, const char *key, char *out, size_t outlen);

/*
 * The value of `key` as a number: decimal or 0x-prefixed hex, with an optional
 * K, M or G suffix (binary multiples).  False when absent, malformed or too big.
 */
bool cmdline_get_u64(const char *cl, const char *key, uint64_t *out);

/* Whether the comma-separated `list` (e.g. the value of `ktest=a,b`) has `item`. */
bool cmdline_list_contains(const char *list, const char *item);

#endif
