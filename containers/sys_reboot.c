/*
 * reboot(2) from CT0, the host container: root may power the machine off
 * or reset it, as busybox's poweroff and reboot ask.  The magic numbers
 * are checked first (EINVAL), then privilege (EPERM), as on Linux.
 */
#include <pallas/errno.h>
#include <pallas/power.h>
#include <pallas/printk.h>

#include "proc.h"
#include "sys.h"

#define MAGIC1	      0xfee1deadu
#define MAGIC2	      672274793u
#define MAGIC2A	      85072278u
#define MAGIC2B	      369367448u
#define MAGIC2C	      537993216u
#define CMD_RESTART   0x01234567u
#define CMD_HALT      0xcdef0123u
#define CMD_CAD_ON    0x89abcdefu
#define CMD_CAD_OFF   0x00000000u
#define CMD_POWER_OFF 0x4321fedcu

long sys_reboot(const struct syscall_args *a)
{
	uint32_t m1 = (uint32_t)a->a[0], m2 = (uint32_t)a->a[1], cmd = (uint32_t)a->a[2];
	struct proc *p = proc_current();

	if (m1 != MAGIC1 || (m2 != MAGIC2 && m2 != MAGIC2A && m2 != MAGIC2B && m2 != MAGIC2C))
		return -EINVAL;
	if (p->cred.euid != 0)
		return -EPERM;
	switch (cmd) {
	case CMD_CAD_ON:
	case CMD_CAD_OFF:
		return 0;
	case CMD_RESTART:
		pr_info("linux: %s (pid %d) restarts the machine\n", p->comm, p->pid);
		machine_reset();
	case CMD_HALT:
	case CMD_POWER_OFF:
		pr_info("linux: %s (pid %d) powers the machine off\n", p->comm, p->pid);
		machine_poweroff();
	default:
		return -EINVAL;
	}
}
