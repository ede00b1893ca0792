/*
 * /init of the Linux side's initramfs (tests/bench/README.md): runs every
 * program of /abi/list the way Pallas's `abitest` does (argv {"/abi/NAME",
 * "/tmp/abi/NAME"}, the same environment, one after another) and then
 * powers the machine off.  The console shows
 *
 *   abi: run NAME / ...its output... / abi: exit NAME code N
 *
 * and `abi: done N`, the lines tests/bench/run.py reads on both sides.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *const env[] = {"PATH=/bin:/usr/bin", "HOME=/", "LC_ALL=C", NULL};

/* The kernel opens /dev/console for init only when the initramfs has it. */
static void console(void)
{
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	int fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	mkdir("/tmp", 01777);
	mkdir("/tmp/abi", 0755);
}

static void run(const char *name)
{
	char path[160], scratch[160];
	int status;

	snprintf(path, sizeof(path), "/abi/%s", name);
	snprintf(scratch, sizeof(scratch), "/tmp/abi/%s", name);
	mkdir(scratch, 0755);
	printf("abi: run %s\n", name);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *const argv[] = {path, scratch, NULL};
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		execve(path, argv, env);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("abi: exit %s code 255\n", name);
	} else if (WIFSIGNALED(status)) {
		printf("abi: exit %s signal %d\n", name, WTERMSIG(status));
	} else {
		printf("abi: exit %s code %d\n", name, WEXITSTATUS(status));
	}
	fflush(stdout);
}

int main(void)
{
	char line[128];
	int n = 0;

	console();
	FILE *list = fopen("/abi/list", "r");
	if (!list) {
		perror("/abi/list");
	} else {
		while (fgets(line, sizeof(line), list)) {
			line[strcspn(line, " \t\r\n#")] = 0;
			if (line[0]) {
				run(line);
				n++;
			}
		}
		fclose(list);
	}
	printf("abi: done %d\n", n);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
