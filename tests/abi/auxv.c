/* Process start: the auxiliary vector a static program's start-up reads. */
#include "abi.h"
#include <elf.h>
#include <link.h>
#include <sys/auxv.h>

extern const ElfW(Ehdr) __ehdr_start;
extern void _start(void);

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(const void **)data = info->dlpi_phdr;
	return 1;
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	val("AT_PAGESZ", (long)getauxval(AT_PAGESZ));
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	yes("AT_RANDOM non-null", rnd != NULL);
	int nonzero = 0;
	for (int i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	yes("AT_RANDOM 16 bytes not all zero", nonzero != 0);
	const void *phdr = (const void *)getauxval(AT_PHDR);
	yes("AT_PHDR == __ehdr_start + e_phoff",
	    phdr == (const char *)&__ehdr_start + __ehdr_start.e_phoff);
	const void *dl = NULL;
	dl_iterate_phdr(phdr_cb, &dl);
	yes("AT_PHDR == dl_iterate_phdr's", phdr == dl);
	yes("AT_PHNUM == e_phnum", getauxval(AT_PHNUM) == __ehdr_start.e_phnum);
	val("AT_PHENT", (long)getauxval(AT_PHENT));
	yes("AT_ENTRY == _start", getauxval(AT_ENTRY) == (unsigned long)&_start);
	yes("AT_UID == getuid", getauxval(AT_UID) == getuid());
	yes("AT_EUID == geteuid", getauxval(AT_EUID) == geteuid());
	yes("AT_GID == getgid", getauxval(AT_GID) == getgid());
	yes("AT_EGID == getegid", getauxval(AT_EGID) == getegid());
	val("AT_SECURE", (long)getauxval(AT_SECURE));
	const char *fn = (const char *)getauxval(AT_EXECFN);
	yes("AT_EXECFN present", fn != NULL);
	/* The host runs the program from the build tree under the argv[0] Pallas
	 * uses, so only the file name is compared. */
	const char *a0 = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *f0 = fn && strrchr(fn, '/') ? strrchr(fn, '/') + 1 : fn;
	yes("AT_EXECFN names argv[0]'s file", f0 && strcmp(a0, f0) == 0);
	yes("AT_EXECFN absolute", fn && fn[0] == '/');
	errno = 0;
	yes("unknown type gives 0", getauxval(0x7fff) == 0);
	printf("unknown type errno: %s\n", errno ? errname(errno) : "0");
	return 0;
}
