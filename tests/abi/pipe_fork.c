/* A pipe between two processes: 1000 ping-pongs, then a 1 MiB transfer
 * with a checksum, EOF when the child exits, and a blocked reader woken
 * by another process's write. */
#include "abi.h"

#include <sys/wait.h>

int main(void)
{
	int up[2], down[2];
	need("pipe", pipe(up));
	need("pipe", pipe(down));
	fflush(stdout);
	pid_t pid = fork();
	need("fork", pid);
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		char c;
		for (int i = 0; i < 1000; i++) {
			if (read(down[0], &c, 1) != 1 || write(up[1], &c, 1) != 1)
				_exit(1);
		}
		static unsigned char buf[8192];
		for (unsigned off = 0; off < (1u << 20); off += sizeof(buf)) {
			for (unsigned i = 0; i < sizeof(buf); i++)
				buf[i] = (unsigned char)((off + i) * 131);
			if (write(up[1], buf, sizeof(buf)) != sizeof(buf))
				_exit(2);
		}
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	int ok = 1;
	for (int i = 0; i < 1000 && ok; i++) {
		char c = (char)i, back = 0;
		ok = write(down[1], &c, 1) == 1 && read(up[0], &back, 1) == 1 && back == c;
	}
	yes("1000 ping-pongs", ok);
	unsigned long long got = 0, sum = 0, want = 0;
	unsigned char buf[5000];
	long r;
	while ((r = read(up[0], buf, sizeof(buf))) > 0) {
		for (long i = 0; i < r; i++)
			sum += buf[i] * ((got + i) % 251 + 1);
		got += r;
	}
	for (unsigned long long i = 0; i < (1u << 20); i++)
		want += (unsigned char)(i * 131) * (i % 251 + 1);
	val("read at EOF", r);
	printf("bytes: %llu\n", got);
	yes("checksum", sum == want);
	int status;
	waitpid(pid, &status, 0);
	printf("child exit: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
