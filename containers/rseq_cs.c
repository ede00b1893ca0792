/*
 * The pure half of rseq (rseq.h): Linux's rseq_get_rseq_cs checks, its
 * in_rseq_cs and the decision rseq_ip_fixup makes, on values the caller
 * has already copied from user memory.  Host-tested (tests/unit).
 */
#include <pallas/errno.h>

#include "rseq.h"

int rseq_cs_check(const struct linux_rseq_cs *cs, uint64_t top)
{
	if (cs->start_ip >= top || cs->start_ip + cs->post_commit_offset >= top ||
	    cs->abort_ip >= top || cs->version > 0)
		return -EINVAL;
	if (cs->start_ip + cs->post_commit_offset < cs->start_ip)
		return -EINVAL; /* wraps */
	if (cs->abort_ip - cs->start_ip < cs->post_commit_offset)
		return -EINVAL; /* abort_ip inside the section */
	return 0;
}

bool rseq_cs_contains(const struct linux_rseq_cs *cs, uint64_t ip)
{
	return ip - cs->start_ip < cs->post_commit_offset;
}

int rseq_cs_verdict(const struct linux_rseq_cs *cs, uint64_t ip, uint32_t found, uint32_t sig,
		    uint32_t thread_flags)
{
	if (found != sig)
		return -EINVAL;
	if (!rseq_cs_contains(cs, ip))
		return RSEQ_LEAVE;
	if (cs->flags || thread_flags)
		return -EINVAL;
	return RSEQ_ABORT;
}
