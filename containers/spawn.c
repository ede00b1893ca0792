/*
 * Kernel-started processes: CT0's init, and the ABI test runner's programs.
 * The arguments are copied into one block the new thread owns, since the
 * caller's strings may be gone by the time the program starts; if exec
 * fails there, the process ends with status 127, as a shell reports it.
 */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/mm.h>
#include <pallas/printk.h>
#include <pallas/string.h>
#include <pallas/user.h>
#include <pallas/vfs.h>

#include "exec.h"
#include "proc.h"
#include "spawn.h"

struct spawn_args {
	size_t argc, envc;
	const char **argv, **envp; /* into strings */
	char *path;
	char strings[];
};

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static struct spawn_args *pack(const char *path, const char *const *argv, const char *const *envp)
{
	size_t argc = count(argv), envc = count(envp), bytes = strlen(path) + 1;

	if (argc + envc > EXEC_ARGS_MAX)
		return NULL;
	for (size_t i = 0; i < argc; i++)
		bytes += strlen(argv[i]) + 1;
	for (size_t i = 0; i < envc; i++)
		bytes += strlen(envp[i]) + 1;
	struct spawn_args *s = kmalloc(sizeof(*s) + bytes);
	const char **vec = kmalloc((argc + envc + 1) * sizeof(*vec));
	if (!s || !vec) {
		kfree(s);
		kfree(vec);
		return NULL;
	}
	char *at = s->strings;
	s->argc = argc;
	s->envc = envc;
	s->argv = vec;
	s->envp = vec + argc;
	for (size_t i = 0; i < argc + envc; i++) {
		const char *src = i < argc ? argv[i] : envp[i - argc];
		size_t n = strlen(src) + 1;
		memcpy(at, src, n);
		vec[i] = at;
		at += n;
	}
	s->path = at;
	memcpy(at, path, strlen(path) + 1);
	return s;
}

static void spawn_thread(void *arg)
{
	struct spawn_args *s = arg;
	struct trap_frame f;
	int err = exec_program(s->path, s->argv, s->argc, s->envp, s->envc, &f);

	if (err)
		pr_warn("linux: cannot start %s: error %d\n", s->path, -err);
	kfree(s->argv);
	kfree(s);
	if (err)
		return; /* proc_thread ends the process with 127 */
	user_enter(&f);
}

struct proc *proc_spawn(const char *path, const char *const *argv, const char *const *envp,
			struct file *const fds[3], int *err)
{
	return proc_spawn_in(NULL, path, argv, envp, fds, err);
}

struct proc *proc_spawn_in(const char *cwd, const char *path, const char *const *argv,
			   const char *const *envp, struct file *const fds[3], int *err)
{
	struct proc *p = proc_create(NULL);
	struct spawn_args *s = pack(path, argv, envp);

	*err = -ENOMEM;
	if (!p || !s)
		goto fail;
	p->fs = vfs_context_create();
	p->files = fdtable_create();
	if (!p->fs || !p->files)
		goto fail;
	if (cwd && (*err = vfs_chdir(p->fs, &p->cred, NULL, cwd)) != 0)
		goto fail;
	*err = -ENOMEM;
	for (int i = 0; i < 3; i++) {
		if (fds[i] && fd_alloc(p->files, fds[i], (unsigned)i, false) != i)
			goto fail;
	}
	const char *b = path;
	for (const char *c = path; *c; c++)
		if (*c == '/')
			b = c + 1;
	memcpy(p->comm, b, strnlen(b, sizeof(p->comm) - 1));
	proc_get(p); /* the caller's */
	if (!proc_start(p, spawn_thread, s)) {
		proc_put(p);
		goto fail;
	}
	*err = 0;
	return p;
fail:
	if (s) {
		kfree(s->argv);
		kfree(s);
	}
	if (p) {
		if (p->files)
			fdtable_put(p->files);
		if (p->fs)
			vfs_context_put(p->fs);
		p->files = NULL;
		p->fs = NULL;
		p->exited = true;
		proc_reap(p);
	}
	return NULL;
}
