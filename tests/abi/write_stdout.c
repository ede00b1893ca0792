/* write and writev to stdout: counts, order, the empty cases. */
#include "abi.h"
#include <limits.h>
#include <sys/uio.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	fflush(stdout);
	char line[64];
	long n = write(1, "write: one line\n", 16);
	snprintf(line, sizeof(line), "write returned %ld\n", n);
	if (write(1, line, strlen(line)) < 0)
		return 1;
	struct iovec iov[3] = {
	    {"writev: ", 8},
	    {"three ", 6},
	    {"pieces\n", 7},
	};
	n = writev(1, iov, 3);
	printf("writev returned %ld\n", n);
	val("write of 0 bytes", write(1, "x", 0));
	val("write of 0 bytes from NULL", write(1, NULL, 0));
	val("writev of 0 vectors", writev(1, iov, 0));
	struct iovec empty[2] = {{"", 0}, {"writev: an empty vector first\n", 30}};
	fflush(stdout);
	n = writev(1, empty, 2);
	printf("writev with an empty vector returned %ld\n", n);
	err("writev of IOV_MAX + 1 vectors", writev(1, iov, IOV_MAX + 1));
	err("writev of -1 vectors", writev(1, iov, -1));
	err("write to fd 99", write(99, "x", 1));
	err("write to fd -1", write(-1, "x", 1));
	err("write to stdin (read-only /dev/null)", write(0, "x", 1));
	fflush(stdout);
	n = write(2, "stderr: merged in order\n", 24);
	printf("write to stderr returned %ld\n", n);
	return 0;
}
