/*
 * The `#!` line of a script, parsed exactly as Linux's binfmt_script does
 * (containers/shebang.c).  Linux looks only at the first BINPRM_BUF_SIZE
 * bytes of the file: a line longer than that is cut at byte 255 when its
 * interpreter name already ended (a space, tab or NUL follows it), and
 * refused when the name itself might be cut.
 *
 * exec then runs the interpreter with argv
 *     interp, [arg,] the script's path as execve got it, argv[1], ...
 * and repeats the lookup on the interpreter (Linux allows 4 levels of
 * scripts and binfmt handlers, then fails with -ELOOP).
 */
#ifndef CONTAINERS_SHEBANG_H
#define CONTAINERS_SHEBANG_H

#include <pallas/types.h>

#define SHEBANG_BUF_SIZE  256 /* Linux's BINPRM_BUF_SIZE */
#define SHEBANG_MAX_DEPTH 4   /* Linux's BINPRM_MAX_RECURSION: deeper is -ELOOP */

struct shebang {
	char interp[SHEBANG_BUF_SIZE]; /* the interpreter's path, NUL-terminated */
	bool has_arg;
	char arg[SHEBANG_BUF_SIZE]; /* the one optional argument; may hold spaces, may be "" */
};

/*
 * buf holds the file's first len bytes (len may exceed SHEBANG_BUF_SIZE;
 * only that many are looked at, and a shorter file reads as NUL-padded).
 * Returns 0, -ENOEXEC when the file is not a script Linux would run (no
 * `#!`, no interpreter name, a name that may be truncated), or -EACCES for
 * an empty name ("#!" then a NUL): Linux opens "" as the working directory,
 * which exec refuses with EACCES.
 */
int shebang_parse(const void *buf, size_t len, struct shebang *out);

#endif
