/* The file calls beside read and write: sendfile and copy_file_range
 * copying a file (checksummed), fstatfs of a memfd, fallocate, fsync,
 * fdatasync, sync, syncfs, memfd_create round trip. */
#include "abi.h"
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/statfs.h>

static unsigned long sum_fd(int fd)
{
	unsigned long h = 5381;
	char buf[4096];
	ssize_t n;
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = h * 33 + (unsigned char)buf[i];
	return h;
}

static off_t size_of(int fd)
{
	struct stat st;
	fstat(fd, &st);
	return st.st_size;
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	int src = open(at(dir, "src", 0), O_RDWR | O_CREAT | O_TRUNC, 0644);
	need("open src", src);
	char buf[1000];
	for (int i = 0; i < 300; i++) {
		for (int j = 0; j < (int)sizeof(buf); j++)
			buf[j] = (char)(i * 31 + j);
		write(src, buf, sizeof(buf));
	}
	unsigned long want = sum_fd(src);

	/* sendfile from the position, then from an offset. */
	int dst = open(at(dir, "dst", 1), O_RDWR | O_CREAT | O_TRUNC, 0644);
	lseek(src, 0, SEEK_SET);
	long total = 0, n;
	while ((n = sendfile(dst, src, NULL, 70000)) > 0)
		total += n;
	val("sendfile copied", total);
	yes("sendfile copy matches", sum_fd(dst) == want);
	yes("sendfile moved the input position", lseek(src, 0, SEEK_CUR) == 300000);
	off_t off = 299990;
	lseek(src, 5, SEEK_SET);
	val("sendfile with an offset near the end", sendfile(dst, src, &off, 100));
	val("offset advanced to", off);
	yes("position unchanged with an offset", lseek(src, 0, SEEK_CUR) == 5);
	off = -1;
	err("sendfile negative offset", sendfile(dst, src, &off, 10));
	int ro = open(at(dir, "src", 0), O_RDONLY);
	err("sendfile to a read-only fd", sendfile(ro, src, NULL, 10));
	int wo = open(at(dir, "src", 0), O_WRONLY);
	err("sendfile from a write-only fd", sendfile(dst, wo, NULL, 10));
	err("sendfile bad fd", sendfile(dst, 99, NULL, 10));
	int pfd[2];
	pipe(pfd);
	off = 0;
	lseek(src, 0, SEEK_SET);
	val("sendfile into a pipe", sendfile(pfd[1], src, NULL, 1000));
	char pb[1000];
	yes("pipe has the bytes", read(pfd[0], pb, 1000) == 1000 && pb[1] == (char)1);
	val("sendfile count 0", sendfile(dst, src, NULL, 0));

	/* copy_file_range */
	int c = open(at(dir, "cfr", 2), O_RDWR | O_CREAT | O_TRUNC, 0644);
	loff_t in = 0, outo = 0;
	total = 0;
	while ((n = copy_file_range(src, &in, c, &outo, 65536, 0)) > 0)
		total += n;
	val("copy_file_range copied", total);
	yes("copy_file_range copy matches", sum_fd(c) == want);
	yes("offsets advanced", in == 300000 && outo == 300000);
	lseek(src, 0, SEEK_SET);
	lseek(c, 0, SEEK_SET);
	val("copy_file_range from the positions", copy_file_range(src, NULL, c, NULL, 10, 0));
	yes("positions advanced", lseek(src, 0, SEEK_CUR) == 10 && lseek(c, 0, SEEK_CUR) == 10);
	err("copy_file_range flags", copy_file_range(src, NULL, c, NULL, 10, 1));
	err("copy_file_range to read-only", copy_file_range(src, NULL, ro, NULL, 10, 0));
	err("copy_file_range from write-only", copy_file_range(wo, NULL, c, NULL, 10, 0));
	in = 0, outo = 5;
	err("copy_file_range overlapping in one file",
	    copy_file_range(src, &in, src, &outo, 100, 0));
	in = 400000;
	val("copy_file_range at EOF", copy_file_range(src, &in, c, NULL, 10, 0));
	err("copy_file_range from a pipe", copy_file_range(pfd[0], NULL, c, NULL, 10, 0));
	int app = open(at(dir, "cfr", 2), O_WRONLY | O_APPEND);
	err("copy_file_range to O_APPEND", copy_file_range(src, NULL, app, NULL, 10, 0));

	/* fallocate */
	int fa = open(at(dir, "fa", 3), O_RDWR | O_CREAT | O_TRUNC, 0644);
	res("fallocate mode 0", fallocate(fa, 0, 0, 10000));
	val("size after", size_of(fa));
	res("fallocate KEEP_SIZE", fallocate(fa, FALLOC_FL_KEEP_SIZE, 0, 50000));
	val("size kept", size_of(fa));
	res("fallocate inside", fallocate(fa, 0, 100, 200));
	val("size unchanged", size_of(fa));
	err("fallocate len 0", fallocate(fa, 0, 0, 0));
	err("fallocate negative offset", fallocate(fa, 0, -1, 10));
	err("fallocate read-only fd", fallocate(ro, 0, 0, 10));
	err("fallocate a pipe", fallocate(pfd[1], 0, 0, 10));
	err("fallocate unknown mode", fallocate(fa, 0x100, 0, 10));
	char z[8] = {1};
	pread(fa, z, 8, 5000);
	yes("allocated range reads zero", z[0] == 0 && z[7] == 0);

	/* sync family */
	res("fsync", fsync(fa));
	res("fdatasync", fdatasync(fa));
	err("fdatasync bad fd", fdatasync(99));
	sync();
	printf("sync: returned\n");
	res("syncfs", syncfs(fa));
	err("syncfs bad fd", syncfs(99));

	/* memfd_create */
	int m = memfd_create("abi-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	need("memfd_create", m);
	yes("memfd is close-on-exec", fcntl(m, F_GETFD) == FD_CLOEXEC);
	val("memfd write", write(m, "hello memfd", 11));
	val("memfd size", size_of(m));
	char mb[16] = {0};
	val("memfd pread", pread(m, mb, 11, 0));
	yes("memfd round trip", memcmp(mb, "hello memfd", 11) == 0);
	struct stat st;
	fstat(m, &st);
	yes("memfd is a regular file", S_ISREG(st.st_mode));
	val("memfd mode", st.st_mode & 0777);
	char *mm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
	yes("memfd maps", mm != MAP_FAILED && memcmp(mm, "hello", 5) == 0);
	if (mm != MAP_FAILED) {
		mm[0] = 'J';
		pread(m, mb, 1, 0);
		yes("memfd mapping writes reach read", mb[0] == 'J');
	}
	res("memfd ftruncate", ftruncate(m, 8192));
	struct statfs sf;
	res("fstatfs memfd", fstatfs(m, &sf));
	yes("memfd f_type is TMPFS_MAGIC", sf.f_type == 0x01021994);
	yes("f_bsize > 0", sf.f_bsize > 0);
	val("f_namelen", sf.f_namelen);
	int m2 = memfd_create("plain", 0);
	yes("memfd without CLOEXEC", m2 >= 0 && fcntl(m2, F_GETFD) == 0);
	err("memfd_create unknown flag", memfd_create("x", 0x100));
	char longname[300];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[299] = 0;
	err("memfd_create name too long", memfd_create(longname, 0));
	err("memfd_create bad name", syscall(SYS_memfd_create, (char *)8, 0));
	res("statfs of the scratch dir", statfs(dir, &sf));
	yes("its f_bsize > 0", sf.f_bsize > 0);
	err("statfs of a missing path", statfs(at(dir, "missing", 0), &sf));
	err("fstatfs bad fd", fstatfs(99, &sf));
	err("statfs bad buffer", statfs(dir, (struct statfs *)8));
	return 0;
}
