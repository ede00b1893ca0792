/*
 * Memory exhaustion held by limits: under RLIMIT_AS malloc ends in NULL
 * (ENOMEM), as do brk and mmap past it; under RLIMIT_DATA the break stops.
 * Only yes/no answers: how many megabytes fit depends on the libc.
 */
#include "abi.h"

#include <sys/mman.h>
#include <sys/resource.h>

#define LIMIT (64ul << 20)

int main(void)
{
	struct rlimit as = {LIMIT, LIMIT};
	res("setrlimit AS", setrlimit(RLIMIT_AS, &as));
	errno = 0;
	err("mmap past the limit", (long)mmap(NULL, LIMIT, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -1
				       ? -1
				       : 0);
	void *cur = sbrk(0);
	yes("brk past the limit refused", (char *)syscall(SYS_brk, (char *)cur + LIMIT) == cur);
	unsigned long got = 0;
	void *last = NULL;
	for (int i = 0; i < 1000; i++) {
		void *m = malloc(1 << 20);
		if (!m)
			break;
		memset(m, 1, 1 << 20);
		*(void **)m = last;
		last = m;
		got += 1 << 20;
	}
	int e = errno;
	yes("malloc ended in NULL", got < 1000ul << 20);
	printf("errno: %s\n", errname(e));
	yes("got some", got >= 16ul << 20);
	yes("within the limit", got <= LIMIT);
	while (last) {
		void *n = *(void **)last;
		free(last);
		last = n;
	}
	void *m = malloc(1 << 20);
	yes("malloc after free", m != NULL);
	free(m);

	struct rlimit data = {8ul << 20, 8ul << 20};
	res("setrlimit DATA", setrlimit(RLIMIT_DATA, &data));
	cur = sbrk(0);
	yes("brk past DATA refused", (char *)syscall(SYS_brk, (char *)cur + (16ul << 20)) == cur);
	return 0;
}
