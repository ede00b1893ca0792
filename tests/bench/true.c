/* The program fork_exec starts: static glibc's start-up, then exit 0. */
int main(void)
{
	return 0;
}
