/*
 * Credentials: who a process acts as.  The VFS checks permissions against
 * one of these; the personality (containers/) owns the copies its processes
 * hold and changes them only through the set*id calls.  Values are Linux's.
 */
#ifndef PALLAS_CRED_H
#define PALLAS_CRED_H

#include <pallas/types.h>

#define CRED_GROUPS_MAX 32

struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	unsigned ngroups;
	uint32_t groups[CRED_GROUPS_MAX];
};

/* Root: uid and gid 0 everywhere (CT0's init starts as this). */
extern const struct cred cred_root;

/* Whether c is in group gid (its fsgid or a supplementary group). */
static inline bool cred_in_group(const struct cred *c, uint32_t gid)
{
	if (c->fsgid == gid)
		return true;
	for (unsigned i = 0; i < c->ngroups; i++) {
		if (c->groups[i] == gid)
			return true;
	}
	return false;
}

#endif
