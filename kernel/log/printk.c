/*
 * printk: format, keep every message in a ring buffer (so a later reader such
 * as `pctl logs` or a panic dump can see what scrolled past), and print those
 * at or above the console level.
 */
#include <pallas/console.h>
#include <pallas/log.h>
#include <pallas/printk.h>
#include <pallas/spinlock.h>

#define LOG_RING_SIZE (64 * 1024) /* power of two */
#define LINE_MAX      512

static char ring[LOG_RING_SIZE];
static uint64_t ring_head; /* total bytes ever written */
static spinlock_t log_lock = SPINLOCK_INIT;
static int console_level = LOG_INFO;
static bool panicking;

void log_set_console_level(int level)
{
	console_level = level;
}

/* From here on printk takes no lock: the CPU that panicked may hold it. */
void log_enter_panic(void)
{
	panicking = true;
}

static void ring_append(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ring[(ring_head + i) & (LOG_RING_SIZE - 1)] = s[i];
	ring_head += n;
}

size_t log_read_tail(char *buf, size_t size)
{
	uint64_t avail = ring_head < LOG_RING_SIZE ? ring_head : LOG_RING_SIZE;
	size_t n = size < avail ? size : avail;
	uint64_t start = ring_head - n;

	for (size_t i = 0; i < n; i++)
		buf[i] = ring[(start + i) & (LOG_RING_SIZE - 1)];
	return n;
}

void vprintk(int level, const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	int n = kvsnprintf(line, sizeof(line), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n;

	if (len >= sizeof(line)) {
		/* Truncated: still end the line so the next message starts clean. */
		len = sizeof(line) - 1;
		line[len - 1] = '\n';
	}
	unsigned long flags = 0;
	if (!panicking)
		flags = spin_lock_irqsave(&log_lock);
	ring_append(line, len);
	if (level <= console_level)
		console_write(line, len);
	if (!panicking)
		spin_unlock_irqrestore(&log_lock, flags);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}
