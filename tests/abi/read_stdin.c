/* stdin is /dev/null: reads return 0, and it is a character device. */
#include "abi.h"

int main(int argc, char **argv)
{
	scratch(argc, argv);
	char buf[16];
	val("read from stdin", read(0, buf, sizeof(buf)));
	val("read from stdin again", read(0, buf, sizeof(buf)));
	struct stat st;
	need("fstat stdin", fstat(0, &st));
	yes("stdin is a character device", S_ISCHR(st.st_mode));
	val("stdin access mode is O_RDONLY", fcntl(0, F_GETFL) & O_ACCMODE);
	yes("fgetc on stdin gives EOF", fgetc(stdin) == EOF);
	yes("feof(stdin)", feof(stdin) != 0);
	err("read from fd 99", read(99, buf, 1));
	return 0;
}
