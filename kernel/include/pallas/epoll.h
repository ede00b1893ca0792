/*
 * epoll (kernel/fs/epoll.c), Linux's semantics: an epoll file watches
 * (file, fd) pairs; a wakeup on any queue a watched file's poll op names
 * puts its item on the ready list (when the wake's events concern it),
 * and epoll_wait polls the ready items afresh and reports those with
 * events.  Level-triggered items stay ready after a report; EPOLLET ones
 * wait for the next wakeup; EPOLLONESHOT ones are disabled until
 * EPOLL_CTL_MOD.  An item goes when its file's last reference does.
 * EPOLLEXCLUSIVE is accepted and treated as a plain item.
 */
#ifndef PALLAS_EPOLL_H
#define PALLAS_EPOLL_H

#include <pallas/types.h>

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP    (1u << 29)
#define EPOLLONESHOT   (1u << 30)
#define EPOLLET	       (1u << 31)

/* Linux's epoll_event, packed on x86-64: 12 bytes. */
struct epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

/* Linux's limit on maxevents. */
#define EP_MAX_EVENTS (0x7fffffff / sizeof(struct epoll_event))

struct file;

int epoll_create_file(struct file **out);
bool file_is_epoll(struct file *f);
/* epoll_ctl on epoll file ep for target (descriptor fd); ev is ignored
 * for DEL.  Linux's errors: EINVAL, EEXIST, ENOENT, EPERM (no poll op),
 * ELOOP (a cycle or too deep a nest of epolls). */
int epoll_ctl_file(struct file *ep, int op, int fd, struct file *target,
		   const struct epoll_event *ev);
/* Waits until some item is ready, deadline_ns (UINT64_MAX: none; 0: do
 * not wait) or an interruption, then writes up to maxevents events to the
 * user array uevents: their number, 0 on timeout, -EINTR, -EFAULT. */
long epoll_wait_file(struct file *ep, uintptr_t uevents, int maxevents, uint64_t deadline_ns);

#endif
