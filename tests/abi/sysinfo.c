/* sysinfo reports a sane machine. */
#include "abi.h"
#include <sys/sysinfo.h>

int main(int argc, char **argv)
{
	scratch(argc, argv);
	struct sysinfo si;
	memset(&si, 0xff, sizeof(si));
	res("sysinfo", sysinfo(&si));
	yes("uptime >= 0", si.uptime >= 0);
	yes("mem_unit >= 1", si.mem_unit >= 1);
	unsigned long long total = (unsigned long long)si.totalram * si.mem_unit;
	yes("totalram >= 16 MiB", total >= (16ULL << 20));
	yes("freeram <= totalram", si.freeram <= si.totalram);
	yes("sharedram <= totalram", si.sharedram <= si.totalram);
	yes("bufferram <= totalram", si.bufferram <= si.totalram);
	yes("freeswap <= totalswap", si.freeswap <= si.totalswap);
	yes("procs >= 1", si.procs >= 1);
	yes("loads non-negative", (long)si.loads[0] >= 0 && (long)si.loads[1] >= 0);
	yes("sysconf page size", sysconf(_SC_PAGESIZE) == 4096);
	err("sysinfo into a bad pointer", sysinfo((struct sysinfo *)1));
	return 0;
}
