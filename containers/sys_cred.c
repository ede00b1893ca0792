/*
 * Changing credentials: the set*id calls and setgroups, with Linux's rules
 * for an unprivileged caller (it may only move among its real, effective
 * and saved ids) and root's freedom (euid 0 stands for CAP_SETUID and
 * CAP_SETGID: Pallas has no capability sets yet).  The filesystem ids
 * follow the effective ones, as Linux's do.  Credentials are the whole
 * process's (glibc makes every thread repeat the call anyway).
 */
#include <pallas/errno.h>
#include <pallas/uaccess.h>

#include "proc.h"
#include "sys.h"

#define KEEP	      UINT32_MAX /* -1: leave this id as it is */
#define NGROUPS_LINUX 65536

static bool privileged(const struct cred *c)
{
	return c->euid == 0;
}

static bool one_of(uint32_t id, uint32_t a, uint32_t b, uint32_t c)
{
	return id == a || id == b || id == c;
}

/* setresuid/setresgid's rule on one triple: real, effective, saved. */
static long set_res(uint32_t *r, uint32_t *e, uint32_t *s, uint32_t *fs, uint32_t nr, uint32_t ne,
		    uint32_t ns, bool priv)
{
	if (!priv &&
	    ((nr != KEEP && !one_of(nr, *r, *e, *s)) || (ne != KEEP && !one_of(ne, *r, *e, *s)) ||
	     (ns != KEEP && !one_of(ns, *r, *e, *s))))
		return -EPERM;
	if (nr != KEEP)
		*r = nr;
	if (ne != KEEP)
		*e = ne;
	if (ns != KEEP)
		*s = ns;
	*fs = *e;
	return 0;
}

/* setreuid/setregid: the real id may become the effective one (or stay);
 * the effective may become any of the three; the saved one follows the
 * new effective when the real id is set or the effective leaves it. */
static long set_re(uint32_t *r, uint32_t *e, uint32_t *s, uint32_t *fs, uint32_t nr, uint32_t ne,
		   bool priv)
{
	uint32_t old_r = *r;

	if (!priv &&
	    ((nr != KEEP && nr != *r && nr != *e) || (ne != KEEP && !one_of(ne, *r, *e, *s))))
		return -EPERM;
	if (nr != KEEP)
		*r = nr;
	if (ne != KEEP)
		*e = ne;
	if (nr != KEEP || (ne != KEEP && ne != old_r))
		*s = *e;
	*fs = *e;
	return 0;
}

/* setuid/setgid: root sets all three; anyone else only the effective id,
 * to the real or saved one. */
static long set_one(uint32_t *r, uint32_t *e, uint32_t *s, uint32_t *fs, uint32_t id, bool priv)
{
	if (id == KEEP)
		return -EINVAL;
	if (priv) {
		*r = *e = *s = *fs = id;
		return 0;
	}
	if (id != *r && id != *s)
		return -EPERM;
	*e = *fs = id;
	return 0;
}

#define CRED   (&proc_current()->cred)
#define ARG(i) ((uint32_t)a->a[i])

long sys_setuid(const struct syscall_args *a)
{
	struct cred *c = CRED;
	return set_one(&c->uid, &c->euid, &c->suid, &c->fsuid, ARG(0), privileged(c));
}

long sys_setgid(const struct syscall_args *a)
{
	struct cred *c = CRED;
	return set_one(&c->gid, &c->egid, &c->sgid, &c->fsgid, ARG(0), privileged(c));
}

long sys_setreuid(const struct syscall_args *a)
{
	struct cred *c = CRED;
	return set_re(&c->uid, &c->euid, &c->suid, &c->fsuid, ARG(0), ARG(1), privileged(c));
}

long sys_setregid(const struct syscall_args *a)
{
	struct cred *c = CRED;
	return set_re(&c->gid, &c->egid, &c->sgid, &c->fsgid, ARG(0), ARG(1), privileged(c));
}

long sys_setresuid(const struct syscall_args *a)
{
	struct cred *c = CRED;
	return set_res(&c->uid, &c->euid, &c->suid, &c->fsuid, ARG(0), ARG(1), ARG(2),
		       privileged(c));
}

long sys_setresgid(const struct syscall_args *a)
{
	struct cred *c = CRED;
	return set_res(&c->gid, &c->egid, &c->sgid, &c->fsgid, ARG(0), ARG(1), ARG(2),
		       privileged(c));
}

/* setfsuid/setfsgid return the old id whether or not they changed it. */
long sys_setfsuid(const struct syscall_args *a)
{
	struct cred *c = CRED;
	uint32_t old = c->fsuid, id = ARG(0);

	if (id != KEEP && (privileged(c) || one_of(id, c->uid, c->euid, c->suid) || id == old))
		c->fsuid = id;
	return old;
}

long sys_setfsgid(const struct syscall_args *a)
{
	struct cred *c = CRED;
	uint32_t old = c->fsgid, id = ARG(0);

	if (id != KEEP && (privileged(c) || one_of(id, c->gid, c->egid, c->sgid) || id == old))
		c->fsgid = id;
	return old;
}

long sys_setgroups(const struct syscall_args *a)
{
	struct cred *c = CRED;
	int64_t n = (int)a->a[0];
	uint32_t groups[CRED_GROUPS_MAX];

	if (n < 0 || n > NGROUPS_LINUX)
		return -EINVAL;
	if (!privileged(c))
		return -EPERM;
	if (n > CRED_GROUPS_MAX)
		return -ENOMEM; /* fewer than Linux's: said clearly, not cut short */
	if (n && copy_from_user(groups, (const void *)a->a[1], (size_t)n * sizeof(uint32_t)))
		return -EFAULT;
	for (int64_t i = 0; i < n; i++)
		c->groups[i] = groups[i];
	c->ngroups = (unsigned)n;
	return 0;
}
