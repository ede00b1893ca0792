/* After fork each side has its own memory: the child's writes to the data
 * segment, the heap, the stack and private anonymous mappings are not seen
 * by the parent, and the parent's later writes not by the child; a shared
 * anonymous mapping is seen by both (it carries their handshake). */
#include "abi.h"
#include <sys/mman.h>
#include <sys/wait.h>

static int data_var = 1;

int main(int argc, char **argv)
{
	scratch(argc, argv);
	int stack_var = 2;
	int *heap = malloc(1 << 20);
	char *anon =
	    mmap(NULL, 8 * ABI_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!heap || anon == MAP_FAILED)
		return 3;
	heap[0] = 3;
	heap[(1 << 18) - 1] = 4;
	memset(anon, 'a', 8 * ABI_PAGE);
	volatile int *flag =
	    mmap(NULL, ABI_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (flag == MAP_FAILED)
		return 3;
	fflush(stdout);
	pid_t c = fork();
	need("fork", c);
	if (c == 0) {
		data_var = 10;
		stack_var = 20;
		heap[0] = 30;
		heap[(1 << 18) - 1] = 40;
		memset(anon, 'c', 8 * ABI_PAGE);
		/* Tell the parent the writes are done, then look again after it
		 * has written its own. */
		*flag = 1;
		while (*flag != 2)
			usleep(1000);
		printf("child sees: %d %d %d %d %c%c\n", data_var, stack_var, heap[0],
		       heap[(1 << 18) - 1], anon[0], anon[8 * ABI_PAGE - 1]);
		fflush(stdout);
		_exit(0);
	}
	while (*flag != 1)
		usleep(1000);
	data_var = 100;
	anon[0] = 'p';
	*flag = 2;
	int st;
	waitpid(c, &st, 0);
	printf("parent sees: %d %d %d %d %c%c\n", data_var, stack_var, heap[0], heap[(1 << 18) - 1],
	       anon[0], anon[8 * ABI_PAGE - 1]);
	yes("child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return 0;
}
