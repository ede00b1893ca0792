/*
 * Pipe ping-pong between two processes: the parent writes a byte into one
 * pipe, the child reads it and answers on the other.  One op is one round
 * trip (two writes, two reads, two switches between the processes).
 */
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define OPS 20000ul

static void child(int in, int out)
{
	char c;

	for (;;) {
		ssize_t r = read(in, &c, 1);
		if (r == 0)
			_exit(0);
		if (r != 1 || write(out, &c, 1) != 1)
			_exit(1);
	}
}

int main(void)
{
	int ping[2], pong[2], status;
	char c = 'x';

	if (pipe(ping) || pipe(pong))
		bench_die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		close(ping[1]);
		close(pong[0]);
		child(ping[0], pong[1]);
	}
	close(ping[0]);
	close(pong[1]);
	/* One warm-up turn so the child is running and waiting. */
	if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
		bench_die("warm-up");
	uint64_t t0 = bench_now();
	for (unsigned long i = 0; i < OPS; i++) {
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			bench_die("ping-pong");
	}
	uint64_t t1 = bench_now();
	close(ping[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		bench_die("child");
	bench_report("pipe_pingpong", OPS, t0, t1);
	return 0;
}
