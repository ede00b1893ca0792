/* A Multiboot guest gets its command line: the manifest's arguments for it
 * (tests/guests/guests.txt) arrive byte for byte, the same through GRUB's
 * module2 line (Bochs), the UEFI loader's boot.cfg (QEMU) and QEMU's own
 * -append (run-qemu-ref). */
#include "lib/guest.h"

const char guest_name[] = "cmdline";

static const char want[] = "alpha=1 beta=two-words --gamma x";

void guest_main(const struct mb_info *mbi)
{
	CHECK(mbi->flags & MB_INFO_CMDLINE, "no command line in the Multiboot information");
	const char *got = (const char *)(uintptr_t)mbi->cmdline;
	/* QEMU's -kernel puts the image path first; Pallas and GRUB give only the
	 * arguments.  Either way the arguments end the line. */
	size_t n = 0, w = sizeof(want) - 1;
	while (got[n] && n < 4096)
		n++;
	printf("command line: \"%s\"\n", got);
	CHECK(n >= w && memcmp(got + n - w, want, w) == 0 && (n == w || got[n - w - 1] == ' '),
	      "the command line does not end with \"%s\"", want);
}
