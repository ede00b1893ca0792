/* mprotect: changes that keep every access legal, and PROT_NONE and
 * read-only pages seen through EFAULT from system calls. */
#include "abi.h"
#include <sys/mman.h>

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	size_t len = 4 * ABI_PAGE;
	unsigned char *p =
	    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	memset(p, 0x11, len);
	res("mprotect all PROT_READ", mprotect(p, len, PROT_READ));
	yes("still readable", p[0] == 0x11 && p[len - 1] == 0x11);
	res("mprotect page 1 back to read-write",
	    mprotect(p + ABI_PAGE, ABI_PAGE, PROT_READ | PROT_WRITE));
	p[ABI_PAGE] = 0x22;
	yes("page 1 writable again", p[ABI_PAGE] == 0x22);

	int fd = open("/dev/zero", O_RDONLY);
	need("open /dev/zero", fd);
	err("read into a read-only page", read(fd, p, 16));
	yes("the read-only page unchanged", p[0] == 0x11);
	val("read into the writable page", read(fd, p + ABI_PAGE, 16));
	yes("the writable page was written", p[ABI_PAGE] == 0);
	close(fd);

	res("mprotect page 2 PROT_NONE", mprotect(p + 2 * ABI_PAGE, ABI_PAGE, PROT_NONE));
	/* A file, not /dev/null: its write reads the buffer. */
	int probe = open(at(dir, "probe", 0), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	need("create probe", probe);
	err("write from a PROT_NONE page", write(probe, p + 2 * ABI_PAGE, 1));
	val("write from a read-only page", write(probe, p + 3 * ABI_PAGE, 1));
	res("mprotect page 2 PROT_READ again", mprotect(p + 2 * ABI_PAGE, ABI_PAGE, PROT_READ));
	yes("its data survived PROT_NONE", p[2 * ABI_PAGE] == 0x11);
	close(probe);

	err("mprotect unaligned address", mprotect(p + 1, ABI_PAGE, PROT_READ));
	res("mprotect unaligned length (rounds up)", mprotect(p, 10, PROT_READ));
	err("mprotect unknown bit", mprotect(p, ABI_PAGE, 0x100000));
	res("munmap", munmap(p, len));
	err("mprotect an unmapped range", mprotect(p, ABI_PAGE, PROT_READ));
	res("mprotect length 0", mprotect(p, 0, PROT_READ));
	return 0;
}
