/* Starting a new process from the kernel (containers/spawn.c). */
#ifndef CONTAINERS_SPAWN_H
#define CONTAINERS_SPAWN_H

#include <pallas/types.h>

struct proc;
struct file;

/*
 * A new process (no parent: the kernel waits for it) running path with
 * argv and envp (kernel strings, copied before this returns), descriptors
 * 0, 1 and 2 on fds[0..2] (references taken), root and working directory at
 * the tree's root, as root.  Returns it with a reference for the caller,
 * who waits on exit_done and then proc_reap()s it; NULL with *err set.
 */
struct proc *proc_spawn(const char *path, const char *const *argv, const char *const *envp,
			struct file *const fds[3], int *err);

/* The same with the working directory at cwd (NULL: the root); *err is
 * chdir's error when cwd cannot be entered. */
struct proc *proc_spawn_in(const char *cwd, const char *path, const char *const *argv,
			   const char *const *envp, struct file *const fds[3], int *err);

#endif
