/* sigaltstack: a handler with SA_ONSTACK runs on the alternate stack and
 * sees SS_ONSTACK there; without SA_ONSTACK it runs on the normal stack;
 * the size and flag checks are Linux's. */
#include "abi.h"
#include <signal.h>

static char *alt;
static volatile int on_alt, flags_inside;

static void on_sig(int sig)
{
	char here;
	stack_t cur;
	on_alt = &here >= alt && &here < alt + 65536;
	sigaltstack(NULL, &cur);
	flags_inside = cur.ss_flags;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	alt = malloc(65536);
	stack_t ss = {.ss_sp = alt, .ss_size = 65536, .ss_flags = 0}, old;
	need("sigaltstack", sigaltstack(&ss, &old));
	yes("no stack before", old.ss_flags == SS_DISABLE);
	struct sigaction sa = {0};
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK: on alt %d, SS_ONSTACK inside %d\n", on_alt, flags_inside == SS_ONSTACK);
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = on_sig;
	raise(SIGUSR2);
	printf("without: on alt %d, flags inside %d\n", on_alt, flags_inside);
	stack_t small = {.ss_sp = alt, .ss_size = 100};
	err("too small", sigaltstack(&small, NULL));
	stack_t bad = {.ss_sp = alt, .ss_size = 65536, .ss_flags = 12345};
	err("bad flags", sigaltstack(&bad, NULL));
	stack_t dis = {.ss_flags = SS_DISABLE};
	res("disable", sigaltstack(&dis, NULL));
	sigaltstack(NULL, &old);
	yes("disabled", old.ss_flags == SS_DISABLE);
	return 0;
}
