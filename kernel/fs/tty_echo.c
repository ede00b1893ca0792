/*
 * `ttyecho` on the command line: read one line typed at the console (the
 * serial port, through the receive interrupt and the line discipline) and
 * print what the read returned.  The boot test tty_input types the line.
 */
#include <pallas/boot_hook.h>
#include <pallas/cmdline.h>
#include <pallas/cred.h>
#include <pallas/printk.h>
#include <pallas/vfs.h>

#define LINE 128

/* buf[0..n) with \n, \r and other controls as escapes, NUL-terminated. */
static void escape(const char *buf, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < size; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n')
			o += (size_t)ksnprintf(out + o, size - o, "\\n");
		else if (c < 32 || c >= 127 || c == '"' || c == '\\')
			o += (size_t)ksnprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

static void ttyecho_hook(const char *cmdline)
{
	struct vfs_context *ctx;
	struct file *f;
	char buf[LINE], shown[4 * LINE + 8];
	struct uio u;

	if (!cmdline_has(cmdline, "ttyecho"))
		return;
	ctx = vfs_context_create();
	if (!ctx || vfs_open(ctx, &cred_root, NULL, "/dev/console", O_RDWR, 0, &f)) {
		pr_err("ttyecho: cannot open /dev/console\n");
		if (ctx)
			vfs_context_put(ctx);
		return;
	}
	pr_info("ttyecho: type a line\n");
	uio_init_kernel(&u, buf, sizeof(buf));
	long n = vfs_read(f, &u);
	if (n < 0) {
		pr_err("ttyecho: read failed: %ld\n", n);
	} else {
		escape(buf, (size_t)n, shown, sizeof(shown));
		pr_info("ttyecho: read %ld bytes: \"%s\"\n", n, shown);
	}
	file_put(f);
	vfs_context_put(ctx);
}
BOOT_HOOK(ttyecho, ttyecho_hook);
