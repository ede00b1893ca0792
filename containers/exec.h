/* Starting a program in the calling task (containers/exec.c). */
#ifndef CONTAINERS_EXEC_H
#define CONTAINERS_EXEC_H

#include <asm/trap.h>
#include <pallas/types.h>

#define EXEC_ARGS_MAX 4096 /* argv plus envp entries a kernel caller may pass */

/*
 * Replaces the calling process's program with the one at path (looked up
 * in its file context, with its credentials): a new address space with the
 * program (and its interpreter), its stack with argv, envp and auxv, the
 * break after it; close-on-exec descriptors closed.  argv and envp are
 * kernel strings.  On success *f holds the registers to enter ring 3 with;
 * on failure the old program is untouched and -errno is returned.
 */
int exec_program(const char *path, const char *const *argv, size_t argc, const char *const *envp,
		 size_t envc, struct trap_frame *f);

#endif
