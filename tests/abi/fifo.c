/* FIFOs in one process: mknod S_IFIFO, opens that do not block (O_RDWR,
 * O_RDONLY|O_NONBLOCK) and the one that fails (O_WRONLY|O_NONBLOCK with
 * no reader: ENXIO), data through the FIFO, POLLHUP rules, stat. */
#include "abi.h"

#include <poll.h>
#include <sys/sysmacros.h>

static void show_poll(const char *what, struct pollfd *p)
{
	int n = poll(p, 1, 0);
	printf("%s: %d %#x\n", what, n, p->revents);
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	const char *path = at(dir, "fifo", 0);

	res("mkfifo", mkfifo(path, 0644));
	err("mkfifo again", mkfifo(path, 0644));
	res("mknod S_IFIFO", mknod(at(dir, "fifo2", 1), S_IFIFO | 0600, 0));
	struct stat st;
	res("stat", stat(path, &st));
	yes("S_ISFIFO", S_ISFIFO(st.st_mode));
	printf("size: %lld\n", (long long)st.st_size);

	err("O_WRONLY|O_NONBLOCK without reader", open(path, O_WRONLY | O_NONBLOCK));
	int r = open(path, O_RDONLY | O_NONBLOCK);
	need("O_RDONLY|O_NONBLOCK", r);
	struct pollfd p = {r, POLLIN, 0};
	show_poll("poll before any writer", &p);
	char buf[16] = {0};
	val("read with no writer yet", read(r, buf, sizeof(buf)));
	int w = open(path, O_WRONLY | O_NONBLOCK);
	need("O_WRONLY|O_NONBLOCK with reader", w);
	val("write", write(w, "fifo!", 5));
	show_poll("poll with data", &p);
	val("read", read(r, buf, sizeof(buf)));
	printf("data: %s\n", buf);
	err("empty read, writer open", read(r, buf, sizeof(buf)));
	close(w);
	show_poll("poll after writer left", &p);
	val("read at EOF", read(r, buf, sizeof(buf)));
	err("lseek", lseek(r, 0, SEEK_SET));
	close(r);

	int rw = open(path, O_RDWR);
	need("O_RDWR", rw);
	val("write to self", write(rw, "loop", 4));
	memset(buf, 0, sizeof(buf));
	val("read from self", read(rw, buf, sizeof(buf)));
	printf("data: %s\n", buf);
	int w2 = open(path, O_WRONLY); /* a reader is there: no wait */
	need("O_WRONLY with O_RDWR reader", w2);
	val("F_GETPIPE_SZ", fcntl(w2, F_GETPIPE_SZ));
	close(w2);
	close(rw);
	/* The data went with the last opener. */
	rw = open(path, O_RDWR | O_NONBLOCK);
	need("O_RDWR again", rw);
	err("reopened FIFO is empty", read(rw, buf, sizeof(buf)));
	close(rw);
	res("unlink", unlink(path));
	return 0;
}
