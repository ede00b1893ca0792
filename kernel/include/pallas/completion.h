/*
 * Completions: "this has happened" for threads that wait for it.  Each
 * complete() lets one wait_for_completion() through; complete_all() lets
 * every present and future waiter through.
 */
#ifndef PALLAS_COMPLETION_H
#define PALLAS_COMPLETION_H

#include <pallas/waitqueue.h>

struct completion {
	struct waitqueue wq;
	unsigned done; /* under wq.lock */
};

void completion_init(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
bool completion_done(struct completion *c);

#endif
