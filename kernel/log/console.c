/*
 * The list of consoles.  Consoles are only ever added, during boot, so the
 * walk needs no lock and is safe from panic context.
 */
#include <pallas/console.h>

static struct console *consoles;

void console_register(struct console *con)
{
	struct console **p = &consoles;

	while (*p)
		p = &(*p)->next;
	con->next = NULL;
	*p = con;
}

void console_write(const char *s, size_t n)
{
	for (struct console *c = consoles; c; c = c->next)
		c->write(c, s, n);
}

void console_write_raw(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	console_write(s, n);
}

void console_emit(const char *s, size_t n)
{
	for (struct console *c = consoles; c; c = c->next)
		(c->emit ? c->emit : c->write)(c, s, n);
}
