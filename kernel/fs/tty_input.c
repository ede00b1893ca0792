/*
 * Typed bytes on their way to the line discipline.  tty_input runs in a
 * driver's interrupt handler, where nothing may sleep and signals cannot
 * be sent, so it only fills a bounded ring; the "tty" thread empties it
 * through the line discipline (echo, signals, waking readers).
 */
#include <pallas/kernel.h>
#include <pallas/printk.h>
#include <pallas/sched.h>

#include "tty_internal.h"

#define TAKE 128 /* bytes the thread takes at a time */

/* The queue's lock also guards the ring. */
static struct waitqueue ring_wq = WAITQUEUE_INIT(ring_wq);
static char ring[TTY_RAW_SIZE];
static size_t ring_head, ring_count;
static uint64_t ring_dropped;

void tty_input(const char *buf, size_t n)
{
	unsigned long fl = spin_lock_irqsave(&ring_wq.lock);
	size_t fit = MIN(n, TTY_RAW_SIZE - ring_count);

	for (size_t i = 0; i < fit; i++)
		ring[(ring_head + ring_count + i) % TTY_RAW_SIZE] = buf[i];
	ring_count += fit;
	ring_dropped += n - fit;
	if (fit)
		waitqueue_wake_locked(&ring_wq, 1);
	spin_unlock_irqrestore(&ring_wq.lock, fl);
}

uint64_t tty_dropped(void)
{
	unsigned long fl = spin_lock_irqsave(&ring_wq.lock);
	uint64_t n = ring_dropped;
	spin_unlock_irqrestore(&ring_wq.lock, fl);
	fl = spin_lock_irqsave(&tty_console.read_wq.lock);
	n += tty_console.ld.dropped;
	spin_unlock_irqrestore(&tty_console.read_wq.lock, fl);
	return n;
}

static size_t take(char *buf)
{
	unsigned long fl = spin_lock_irqsave(&ring_wq.lock);
	while (!ring_count)
		waitqueue_sleep_locked(&ring_wq);
	size_t n = MIN(ring_count, (size_t)TAKE);
	for (size_t i = 0; i < n; i++)
		buf[i] = ring[(ring_head + i) % TTY_RAW_SIZE];
	ring_head = (ring_head + n) % TTY_RAW_SIZE;
	ring_count -= n;
	spin_unlock_irqrestore(&ring_wq.lock, fl);
	return n;
}

static void input_thread(void *arg)
{
	char buf[TAKE];

	for (;;) {
		size_t n = take(buf);
		tty_receive(&tty_console, buf, n);
	}
}

void tty_input_init(void)
{
	struct thread *t = thread_create(input_thread, NULL, NULL, "tty");

	if (!t) {
		pr_err("tty: no input thread: the console cannot be read\n");
		return;
	}
	thread_detach(t);
}
