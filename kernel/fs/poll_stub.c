/*
 * TEMPORARY, to be dropped at merge: kernel/fs/poll.c (another branch)
 * implements poll_wait.  Until then a poller is not woken through the
 * queues it names; the tty's poll op still answers what holds now.
 */
#include <pallas/vfs.h>

void poll_wait(struct poll_table *pt, struct waitqueue *wq)
{
	(void)pt;
	(void)wq;
}
