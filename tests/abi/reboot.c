/* reboot's checks (never its effect): bad magic is EINVAL, an
 * unprivileged caller EPERM, an unknown command EINVAL. */
#include "abi.h"
#include <linux/reboot.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	err("bad magic", syscall(SYS_reboot, 1, 2, LINUX_REBOOT_CMD_POWER_OFF, 0));
	err("bad magic2",
	    syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, 5, LINUX_REBOOT_CMD_POWER_OFF, 0));
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		if (setuid(1000) == 0)
			err("unprivileged power off",
			    syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
				    LINUX_REBOOT_CMD_POWER_OFF, 0));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	return 0;
}
