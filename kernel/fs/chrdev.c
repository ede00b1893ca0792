/* Character devices by number: a device node of any file system opens the
 * driver registered for its (major, minor), as on Linux. */
#include <pallas/errno.h>
#include <pallas/spinlock.h>

#include "vfs_internal.h"

#define CHRDEV_MAX 32

static struct {
	uint32_t major, minor;
	const struct file_ops *ops;
} devs[CHRDEV_MAX];
static unsigned ndevs;
static spinlock_t chrdev_lock = SPINLOCK_INIT;

int chrdev_register(uint32_t major, uint32_t minor, const struct file_ops *ops)
{
	int err = 0;

	spin_lock(&chrdev_lock);
	for (unsigned i = 0; i < ndevs && !err; i++) {
		if (devs[i].major == major && devs[i].minor == minor)
			err = -EBUSY;
	}
	if (!err && ndevs == CHRDEV_MAX)
		err = -ENOSPC;
	if (!err)
		devs[ndevs++] = (typeof(devs[0])){major, minor, ops};
	spin_unlock(&chrdev_lock);
	return err;
}

const struct file_ops *chrdev_lookup(uint64_t rdev)
{
	uint32_t major = linux_major(rdev), minor = linux_minor(rdev);
	const struct file_ops *ops = NULL;

	spin_lock(&chrdev_lock);
	for (unsigned i = 0; i < ndevs && !ops; i++) {
		if (devs[i].major == major &&
		    (devs[i].minor == minor || devs[i].minor == CHRDEV_ANY_MINOR))
			ops = devs[i].ops;
	}
	spin_unlock(&chrdev_lock);
	return ops;
}
