/* sigaction's bookkeeping: the old action reads back as set (handler,
 * flags, mask); sa_mask is added to the mask while the handler runs and
 * removed after; a handler's own changes to the mask are undone by
 * sigreturn; nested delivery of another signal inside a handler; SIG_IGN
 * via signal() reads back. */
#include "abi.h"
#include <signal.h>

static volatile int usr1_hits, usr2_hits, nested_seen, mask_had_term, mask_had_hup;
static volatile int usr2_inside_usr1;

static void on_usr2(int sig)
{
	(void)sig;
	usr2_hits++;
	if (usr1_hits && !nested_seen)
		usr2_inside_usr1 = 1;
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	mask_had_term = sigismember(&cur, SIGTERM);
	mask_had_hup = sigismember(&cur, SIGHUP);
	usr1_hits++;
	/* Another signal delivered while this handler runs. */
	raise(SIGUSR2);
	nested_seen = 1;
	/* Changes to the mask here are undone on return. */
	sigset_t more;
	sigemptyset(&more);
	sigaddset(&more, SIGALRM);
	sigprocmask(SIG_BLOCK, &more, NULL);
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct sigaction sa = {0}, old;
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	need("sigaction SIGUSR1", sigaction(SIGUSR1, &sa, NULL));
	signal(SIGUSR2, on_usr2);

	memset(&old, 0, sizeof(old));
	res("read back", sigaction(SIGUSR1, NULL, &old));
	yes("handler the same", old.sa_sigaction == on_usr1);
	yes("SA_SIGINFO kept", (old.sa_flags & SA_SIGINFO) != 0);
	yes("SA_RESTART kept", (old.sa_flags & SA_RESTART) != 0);
	yes("SA_RESETHAND not set", (old.sa_flags & SA_RESETHAND) == 0);
	yes("sa_mask has SIGTERM", sigismember(&old.sa_mask, SIGTERM));
	yes("sa_mask lacks SIGHUP", !sigismember(&old.sa_mask, SIGHUP));

	/* SIGHUP blocked by the caller stays blocked inside. */
	sigset_t hup;
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	sigprocmask(SIG_BLOCK, &hup, NULL);
	raise(SIGUSR1);
	printf("usr1 hits %d, usr2 hits %d\n", usr1_hits, usr2_hits);
	yes("SIGTERM blocked inside (sa_mask)", mask_had_term);
	yes("SIGHUP blocked inside (caller's mask)", mask_had_hup);
	yes("SIGUSR2 ran inside the SIGUSR1 handler", usr2_inside_usr1);
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	yes("after: SIGTERM unblocked", !sigismember(&cur, SIGTERM));
	yes("after: SIGALRM unblocked (handler's change undone)", !sigismember(&cur, SIGALRM));
	yes("after: SIGHUP still blocked", sigismember(&cur, SIGHUP));

	/* Replacing returns the previous action. */
	struct sigaction ign = {0};
	ign.sa_handler = SIG_IGN;
	memset(&old, 0, sizeof(old));
	sigaction(SIGUSR1, &ign, &old);
	yes("replace: old was the handler", old.sa_sigaction == on_usr1);
	sigaction(SIGUSR1, NULL, &old);
	yes("now SIG_IGN", old.sa_handler == SIG_IGN);
	raise(SIGUSR1);
	printf("usr1 hits still %d\n", usr1_hits);

	/* signal() is BSD semantics in glibc: SA_RESTART, no reset. */
	sigaction(SIGUSR2, NULL, &old);
	yes("signal(): SA_RESTART", (old.sa_flags & SA_RESTART) != 0);
	yes("signal(): no SA_RESETHAND", (old.sa_flags & SA_RESETHAND) == 0);
	raise(SIGUSR2);
	raise(SIGUSR2);
	printf("usr2 hits %d\n", usr2_hits);

	/* SIGKILL's action can be read, not changed. */
	res("read SIGKILL's action", sigaction(SIGKILL, NULL, &old));
	yes("SIGKILL is SIG_DFL", old.sa_handler == SIG_DFL);
	struct sigaction dfl = {0};
	dfl.sa_handler = SIG_DFL;
	err("set SIGSTOP to SIG_DFL", sigaction(SIGSTOP, &dfl, NULL));
	err("bad new-action pointer", syscall(SYS_rt_sigaction, SIGUSR2, (void *)8, NULL, 8));
	err("bad old-action pointer", syscall(SYS_rt_sigaction, SIGUSR2, NULL, (void *)8, 8));
	sigaction(SIGUSR2, NULL, &old);
	yes("SIGUSR2 unchanged by the failures", old.sa_handler == on_usr2);
	/* The mask of a new action cannot block SIGKILL: it is ignored there. */
	struct sigaction km = {0};
	km.sa_handler = on_usr2;
	sigfillset(&km.sa_mask);
	sigaction(SIGUSR2, &km, NULL);
	sigaction(SIGUSR2, NULL, &old);
	yes("sa_mask read back without SIGKILL", !sigismember(&old.sa_mask, SIGKILL));
	yes("sa_mask read back without SIGSTOP", !sigismember(&old.sa_mask, SIGSTOP));
	yes("sa_mask read back with SIGTERM", sigismember(&old.sa_mask, SIGTERM));
	return 0;
}
