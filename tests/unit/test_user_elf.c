/*
 * uelf_parse (containers/elf.c) on real Debian programs: busybox-static
 * (ET_EXEC, TLS, RELRO), a program built here with gcc -static and with
 * gcc -static-pie, /bin/ls (PT_INTERP) and every ELF program in /usr/bin;
 * then hostile copies of them with one field patched each, and synthetic
 * files for layouts the real ones do not have.  Expectations come from the
 * file itself, read through the host's <elf.h>, not from the parser.
 */
#include <elf.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../containers/elf.h"
#include "unit.h"

#define USER_TOP_ 0x00007ffffffff000ull
#define PAGE	  4096ull

static char tmpdir[64];
static char path_static[128], path_pie[128];

static struct uelf_plan plan;
static const char *why;
static uint8_t *img; /* the file under test, patched in place */
static size_t img_size;

/* --- the programs built here ------------------------------------------------ */

static const char prog_src[] = "#include <stdio.h>\n"
			       "__thread int t = 5;\n"
			       "int main(void) { printf(\"%d\\n\", t); return 0; }\n";

static void build_programs(void)
{
	char src[128], cmd[1024];
	FILE *f;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/uelf-XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	snprintf(src, sizeof(src), "%s/p.c", tmpdir);
	snprintf(path_static, sizeof(path_static), "%s/static", tmpdir);
	snprintf(path_pie, sizeof(path_pie), "%s/static-pie", tmpdir);
	f = fopen(src, "w");
	if (!f)
		abort();
	fputs(prog_src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gcc -O1 -static -o %s %s && gcc -O1 -static-pie -o %s %s",
		 path_static, src, path_pie, src);
	if (system(cmd) != 0) /* the tests that use them then fail on a missing file */
		fprintf(stderr, "test_user_elf: could not build the test programs\n");
}

static void remove_programs(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_user_elf: could not remove %s\n", tmpdir);
}

/* --- reading files ---------------------------------------------------------- */

static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	buf = malloc(st.st_size ? st.st_size : 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*size = st.st_size;
	return buf;
}

static void load_img(const char *path)
{
	free(img);
	img = slurp(path, &img_size);
}

static Elf64_Ehdr *eh(void)
{
	return (Elf64_Ehdr *)img;
}

static Elf64_Phdr *ph(int i)
{
	return (Elf64_Phdr *)(img + eh()->e_phoff) + i;
}

/* The index of the n-th (from 0) program header of this type. */
static int find_ph(uint32_t type, int n)
{
	for (int i = 0; i < eh()->e_phnum; i++)
		if (ph(i)->p_type == type && n-- == 0)
			return i;
	ck_abort_msg("no program header of type %#x", type);
	return -1;
}

static int parse_img(size_t size)
{
	struct uelf_source src;
	struct uelf_buffer buf;

	why = NULL;
	uelf_source_buffer(&src, &buf, img, size);
	return uelf_parse(&src, &plan, &why);
}

static void refuse(int err)
{
	int got = parse_img(img_size);

	ck_assert_msg(got == err, "expected %d, got %d (%s)", err, got, why ? why : "no reason");
	ck_assert_ptr_nonnull(why);
	ck_assert(why[0] != 0);
}

/* --- what every accepted plan must be ---------------------------------------- */

static void check_load_ranges(const struct uelf_load *l)
{
	ck_assert_uint_eq(l->map_start % PAGE, 0);
	ck_assert_uint_eq(l->map_end % PAGE, 0);
	ck_assert_uint_eq(l->file_off % PAGE, 0);
	ck_assert_uint_eq(l->file_end % PAGE, 0);
	ck_assert(l->map_start <= l->vaddr && l->vaddr - l->map_start < PAGE);
	ck_assert(l->map_end >= l->vaddr + l->memsz && l->map_end - (l->vaddr + l->memsz) < PAGE);
	ck_assert_uint_eq(l->file_off + (l->vaddr - l->map_start), l->offset);
	ck_assert(l->file_end >= l->map_start && l->file_end <= l->map_end);
	if (l->filesz)
		ck_assert(l->file_end >= l->vaddr + l->filesz &&
			  l->file_end - (l->vaddr + l->filesz) < PAGE);
	else
		ck_assert_uint_eq(l->file_end, l->map_start);
	ck_assert(l->zero_start <= l->zero_end && l->zero_end <= l->file_end);
	if (l->memsz > l->filesz && l->filesz) {
		ck_assert_uint_eq(l->zero_start, l->vaddr + l->filesz);
		ck_assert_uint_eq(l->zero_end, l->file_end);
	} else {
		ck_assert_uint_eq(l->zero_start, l->zero_end);
	}
	ck_assert(l->map_end <= USER_TOP_);
}

/* The plan against the file's own program headers. */
static void check_plan_matches(const uint8_t *file, size_t size)
{
	const Elf64_Ehdr *e = (const Elf64_Ehdr *)file;
	const Elf64_Phdr *p = (const Elf64_Phdr *)(file + e->e_phoff);
	uint32_t n = 0;
	bool stack_x = false, tls = false;

	ck_assert_uint_eq(plan.type, e->e_type);
	ck_assert_uint_eq(plan.entry, e->e_entry);
	ck_assert_uint_eq(plan.phnum, e->e_phnum);
	ck_assert_uint_eq(plan.phentsize, sizeof(Elf64_Phdr));
	for (int i = 0; i < e->e_phnum; i++) {
		if (p[i].p_type == PT_GNU_STACK)
			stack_x = (p[i].p_flags & PF_X) != 0;
		if (p[i].p_type == PT_TLS) {
			tls = true;
			ck_assert_uint_eq(plan.tls_memsz, p[i].p_memsz);
		}
		if (p[i].p_type == PT_INTERP) {
			ck_assert(plan.has_interp);
			ck_assert_str_eq(plan.interp, (const char *)file + p[i].p_offset);
			ck_assert_uint_eq(plan.interp_len, p[i].p_filesz - 1);
		}
		if (p[i].p_type != PT_LOAD || p[i].p_memsz == 0)
			continue;
		ck_assert_uint_lt(n, plan.nload);
		const struct uelf_load *l = &plan.load[n++];
		ck_assert_uint_eq(l->vaddr, p[i].p_vaddr);
		ck_assert_uint_eq(l->memsz, p[i].p_memsz);
		ck_assert_uint_eq(l->filesz, p[i].p_filesz);
		ck_assert_uint_eq(l->offset, p[i].p_offset);
		ck_assert_uint_eq(l->prot, ((p[i].p_flags & PF_R) ? 1 : 0) |
					       ((p[i].p_flags & PF_W) ? 2 : 0) |
					       ((p[i].p_flags & PF_X) ? 4 : 0));
		check_load_ranges(l);
		ck_assert(l->offset + l->filesz <= size);
	}
	ck_assert_uint_eq(n, plan.nload);
	ck_assert_int_eq(plan.stack_exec, stack_x);
	ck_assert_int_eq(plan.has_tls, tls);
	ck_assert_uint_eq(plan.lo, plan.load[0].map_start);
	ck_assert_uint_eq(plan.lo + plan.span, plan.load[plan.nload - 1].map_end);
	ck_assert(plan.align >= PAGE && (plan.align & (plan.align - 1)) == 0);
	for (uint32_t i = 1; i < plan.nload; i++)
		ck_assert(plan.load[i].map_start >= plan.load[i - 1].map_end);
}

/* Lays the file out as exec would and reads AT_PHDR and the entry back. */
static void check_loaded_image(const uint8_t *file, size_t size)
{
	const Elf64_Ehdr *e = (const Elf64_Ehdr *)file;
	uint8_t *mem = calloc(1, plan.span);
	size_t phsize = (size_t)e->e_phnum * sizeof(Elf64_Phdr);

	ck_assert_ptr_nonnull(mem);
	for (uint32_t i = 0; i < plan.nload; i++) {
		const struct uelf_load *l = &plan.load[i];

		size_t len = l->file_end - l->map_start;

		if (len > size - l->file_off) /* the last page past the end reads as zero */
			len = size - l->file_off;
		memcpy(mem + (l->map_start - plan.lo), file + l->file_off, len);
		memset(mem + (l->zero_start - plan.lo), 0, l->zero_end - l->zero_start);
	}
	ck_assert(plan.phdr >= plan.lo && plan.phdr + phsize <= plan.lo + plan.span);
	ck_assert(memcmp(mem + (plan.phdr - plan.lo), file + e->e_phoff, phsize) == 0);
	free(mem);
}

static void accept_file(const char *path)
{
	load_img(path);
	ck_assert_msg(parse_img(img_size) == 0, "%s: %s", path, why);
	ck_assert_ptr_null(why);
	check_plan_matches(img, img_size);
	check_loaded_image(img, img_size);
}

/* --- the real programs ------------------------------------------------------ */

START_TEST(busybox_static)
{
	accept_file("/bin/busybox");
	ck_assert_uint_eq(plan.type, UELF_ET_EXEC);
	ck_assert_uint_eq(plan.lo, 0x400000);
	ck_assert(!plan.has_interp);
	ck_assert(plan.has_tls);
	ck_assert(!plan.stack_exec);
	/* No PT_PHDR: AT_PHDR comes from the first PT_LOAD, which maps offset 0. */
	ck_assert_uint_eq(plan.phdr, 0x400000 + eh()->e_phoff);
	/* The data segment ends in a partial page of file and anonymous pages. */
	const struct uelf_load *rw = &plan.load[plan.nload - 1];
	ck_assert_uint_eq(rw->prot, UELF_PROT_R | UELF_PROT_W);
	ck_assert(rw->memsz > rw->filesz);
	ck_assert(rw->zero_end > rw->zero_start);
}
END_TEST

START_TEST(gcc_static)
{
	accept_file(path_static);
	ck_assert_uint_eq(plan.type, UELF_ET_EXEC);
	ck_assert(plan.has_tls && plan.tls_filesz == 4 * 8 && plan.tls_memsz >= plan.tls_filesz);
	ck_assert(!plan.has_interp);
}
END_TEST

START_TEST(gcc_static_pie)
{
	accept_file(path_pie);
	ck_assert_uint_eq(plan.type, UELF_ET_DYN);
	ck_assert_uint_eq(plan.lo, 0);
	ck_assert(!plan.has_interp);
	ck_assert(plan.has_tls);
}
END_TEST

START_TEST(bin_ls_dynamic)
{
	accept_file("/bin/ls");
	ck_assert_uint_eq(plan.type, UELF_ET_DYN);
	ck_assert(plan.has_interp);
	ck_assert_str_eq(plan.interp, "/lib64/ld-linux-x86-64.so.2");
	ck_assert_uint_eq(plan.interp_len, strlen("/lib64/ld-linux-x86-64.so.2"));
	/* PT_PHDR is there and agrees with the covering segment. */
	ck_assert_uint_eq(plan.phdr, ph(find_ph(PT_PHDR, 0))->p_vaddr);
}
END_TEST

START_TEST(dynamic_loader_itself)
{
	/* ld.so runs as a program too (ET_DYN, no PT_INTERP). */
	accept_file("/lib64/ld-linux-x86-64.so.2");
	ck_assert_uint_eq(plan.type, UELF_ET_DYN);
	ck_assert(!plan.has_interp);
}
END_TEST

/* pread through the callback, as the kernel reads through the VFS. */
static int fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);

	return n == (ssize_t)len ? 0 : -EIO;
}

static bool host_x86_64_elf(int fd, Elf64_Ehdr *e)
{
	if (pread(fd, e, sizeof(*e), 0) != sizeof(*e))
		return false;
	return memcmp(e->e_ident, ELFMAG, SELFMAG) == 0 && e->e_ident[EI_CLASS] == ELFCLASS64 &&
	       e->e_machine == EM_X86_64 && (e->e_type == ET_EXEC || e->e_type == ET_DYN);
}

/* Every x86-64 program Debian installed: none is refused, and AT_PHDR points
 * at a copy of the program headers. */
START_TEST(all_of_usr_bin)
{
	DIR *d = opendir("/usr/bin");
	struct dirent *de;
	int checked = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		char path[512];
		struct stat st;
		Elf64_Ehdr e;

		snprintf(path, sizeof(path), "/usr/bin/%s", de->d_name);
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		if (host_x86_64_elf(fd, &e)) {
			struct uelf_source src = {.read = fd_read, .ctx = &fd, .size = st.st_size};
			int err = uelf_parse(&src, &plan, &why);
			ck_assert_msg(err == 0, "%s: %d %s", path, err, why);
			uint8_t phs[UELF_PHDRS_MAX], mapped[UELF_PHDRS_MAX];
			size_t len = (size_t)e.e_phnum * sizeof(Elf64_Phdr);
			ck_assert_int_eq(pread(fd, phs, len, e.e_phoff), (ssize_t)len);
			uint64_t off = 0;
			for (uint32_t i = 0; i < plan.nload; i++) {
				const struct uelf_load *l = &plan.load[i];
				if (plan.phdr >= l->vaddr && plan.phdr < l->vaddr + l->filesz)
					off = l->offset + (plan.phdr - l->vaddr);
			}
			ck_assert_int_eq(pread(fd, mapped, len, off), (ssize_t)len);
			ck_assert_msg(memcmp(phs, mapped, len) == 0, "%s: AT_PHDR", path);
			checked++;
		}
		close(fd);
	}
	closedir(d);
	ck_assert_int_gt(checked, 50);
}
END_TEST

/* --- hostile headers -------------------------------------------------------- */

START_TEST(bad_ident)
{
	load_img(path_static);
	img[0] = 0x7e;
	refuse(-ENOEXEC);
	load_img(path_static);
	img[EI_CLASS] = ELFCLASS32;
	refuse(-ENOEXEC);
	load_img(path_static);
	img[EI_DATA] = ELFDATA2MSB;
	refuse(-ENOEXEC);
	load_img(path_static);
	img[EI_VERSION] = 0;
	refuse(-ENOEXEC);
	load_img(path_static);
	eh()->e_version = 2;
	refuse(-ENOEXEC);
}
END_TEST

START_TEST(bad_type_machine)
{
	load_img(path_static);
	eh()->e_type = ET_REL;
	refuse(-ENOEXEC);
	load_img(path_static);
	eh()->e_type = ET_CORE;
	refuse(-ENOEXEC);
	load_img(path_static);
	eh()->e_machine = EM_386;
	refuse(-ENOEXEC);
	load_img(path_static);
	eh()->e_machine = EM_AARCH64;
	refuse(-ENOEXEC);
}
END_TEST

START_TEST(bad_phdr_table)
{
	load_img(path_static);
	eh()->e_phentsize = 32;
	refuse(-ENOEXEC);
	load_img(path_static);
	eh()->e_phnum = 0;
	refuse(-ENOEXEC);
	load_img(path_static);
	eh()->e_phnum = UELF_PHDRS_MAX / sizeof(Elf64_Phdr) + 1; /* over Linux's 64 KiB */
	refuse(-ENOEXEC);
	load_img(path_static);
	eh()->e_phnum = 0xffff; /* PN_XNUM */
	refuse(-ENOEXEC);
	load_img(path_static);
	eh()->e_phoff = img_size - 10;
	refuse(-ENOEXEC);
	load_img(path_static);
	eh()->e_phoff = UINT64_MAX - 8; /* the end wraps */
	refuse(-ENOEXEC);
}
END_TEST

START_TEST(truncated_files)
{
	load_img(path_static);
	ck_assert_int_eq(parse_img(0), -ENOEXEC);
	ck_assert_int_eq(parse_img(63), -ENOEXEC);
	ck_assert_int_eq(parse_img(64 + 3 * 56), -ENOEXEC); /* part of the table */
	/* The whole table but not the segments. */
	ck_assert_int_eq(parse_img(0x2000), -ENOEXEC);
	Elf64_Phdr *last = ph(find_ph(PT_LOAD, 3));
	ck_assert_int_eq(parse_img(last->p_offset + last->p_filesz), 0);
	ck_assert_int_eq(parse_img(last->p_offset + last->p_filesz - 1), -ENOEXEC);
	ck_assert_int_eq(parse_img(img_size), 0);
}
END_TEST

/* --- hostile segments ------------------------------------------------------- */

START_TEST(filesz_over_memsz)
{
	load_img(path_static);
	Elf64_Phdr *p = ph(find_ph(PT_LOAD, 3));
	p->p_filesz = p->p_memsz + 1;
	refuse(-EINVAL);
}
END_TEST

START_TEST(offset_not_congruent)
{
	load_img(path_static);
	ph(find_ph(PT_LOAD, 1))->p_offset += 1;
	refuse(-EINVAL);
	load_img(path_static);
	ph(find_ph(PT_LOAD, 3))->p_vaddr += 0x10;
	refuse(-EINVAL);
}
END_TEST

START_TEST(past_user_top)
{
	load_img(path_static);
	Elf64_Phdr *p = ph(find_ph(PT_LOAD, 3));
	p->p_vaddr = USER_TOP_ - PAGE + (p->p_vaddr & (PAGE - 1)); /* memsz crosses USER_TOP */
	refuse(-EINVAL);
	load_img(path_static);
	p = ph(find_ph(PT_LOAD, 3));
	p->p_vaddr = USER_TOP_ + (p->p_vaddr & (PAGE - 1));
	refuse(-EINVAL);
	load_img(path_static);
	p = ph(find_ph(PT_LOAD, 3));
	p->p_memsz = UINT64_MAX - 0x100; /* vaddr + memsz wraps */
	refuse(-EINVAL);
	load_img(path_static);
	p = ph(find_ph(PT_LOAD, 3));
	p->p_vaddr = 0xfffffffffffff000ull + (p->p_vaddr & (PAGE - 1));
	refuse(-EINVAL);
}
END_TEST

START_TEST(below_mmap_min_addr)
{
	load_img(path_static);
	ph(find_ph(PT_LOAD, 0))->p_vaddr = 0;
	refuse(-EPERM);
	load_img(path_static);
	ph(find_ph(PT_LOAD, 0))->p_vaddr = UELF_MIN_ADDR - PAGE;
	refuse(-EPERM);
}
END_TEST

START_TEST(loads_unsorted_or_overlapping)
{
	load_img(path_static);
	int a = find_ph(PT_LOAD, 1), b = find_ph(PT_LOAD, 2);
	Elf64_Phdr t = *ph(a);
	*ph(a) = *ph(b);
	*ph(b) = t;
	refuse(-ENOEXEC);
	load_img(path_static);
	ph(find_ph(PT_LOAD, 2))->p_vaddr = ph(find_ph(PT_LOAD, 1))->p_vaddr + 0x2000;
	refuse(-ENOEXEC);
	/* Disjoint bytes, one shared page. */
	load_img(path_static);
	Elf64_Phdr *p0 = ph(find_ph(PT_LOAD, 0)), *p1 = ph(find_ph(PT_LOAD, 1));
	p1->p_vaddr = p0->p_vaddr + p0->p_memsz + 0x10 - (p0->p_memsz + 0x10) % PAGE +
		      (p1->p_offset & (PAGE - 1));
	ck_assert_uint_eq(p1->p_vaddr & ~(PAGE - 1), (p0->p_vaddr + p0->p_memsz) & ~(PAGE - 1));
	refuse(-ENOEXEC);
}
END_TEST

START_TEST(load_past_end_of_file)
{
	load_img(path_static);
	Elf64_Phdr *p = ph(find_ph(PT_LOAD, 1));
	p->p_offset = (img_size + PAGE) & ~(PAGE - 1);
	refuse(-ENOEXEC);
	load_img(path_static);
	p = ph(find_ph(PT_LOAD, 1));
	p->p_offset = 0xfffffffffffff000ull; /* offset + filesz wraps */
	refuse(-ENOEXEC);
	load_img(path_static);
	p = ph(find_ph(PT_LOAD, 3));
	p->p_filesz = p->p_memsz = img_size; /* runs past the end */
	refuse(-ENOEXEC);
}
END_TEST

START_TEST(bad_entry)
{
	load_img(path_static);
	eh()->e_entry = ph(find_ph(PT_LOAD, 0))->p_vaddr; /* readable, not executable */
	refuse(-ENOEXEC);
	load_img(path_static);
	Elf64_Phdr *x = ph(find_ph(PT_LOAD, 1));
	eh()->e_entry = x->p_vaddr + x->p_memsz; /* one past the text */
	refuse(-ENOEXEC);
	load_img(path_static);
	eh()->e_entry = 0;
	refuse(-ENOEXEC);
	load_img(path_static);
	x = ph(find_ph(PT_LOAD, 1));
	eh()->e_entry = x->p_vaddr + x->p_memsz - 1; /* the last byte is still in */
	ck_assert_int_eq(parse_img(img_size), 0);
}
END_TEST

START_TEST(no_load_at_all)
{
	load_img(path_static);
	for (int i = 0; i < eh()->e_phnum; i++)
		if (ph(i)->p_type == PT_LOAD)
			ph(i)->p_type = PT_NULL;
	refuse(-ENOEXEC);
}
END_TEST

START_TEST(tls_checks)
{
	load_img(path_static);
	Elf64_Phdr *t = ph(find_ph(PT_TLS, 0));
	t->p_filesz = t->p_memsz + 1;
	refuse(-ENOEXEC);
	load_img(path_static);
	ph(find_ph(PT_TLS, 0))->p_align = 24;
	refuse(-ENOEXEC);
	load_img(path_static);
	*ph(find_ph(PT_NOTE, 0)) = *ph(find_ph(PT_TLS, 0));
	refuse(-ENOEXEC);
}
END_TEST

START_TEST(stack_exec_flag)
{
	load_img(path_static);
	ck_assert_int_eq(parse_img(img_size), 0);
	ck_assert(!plan.stack_exec);
	ph(find_ph(PT_GNU_STACK, 0))->p_flags |= PF_X;
	ck_assert_int_eq(parse_img(img_size), 0);
	ck_assert(plan.stack_exec);
	/* Without PT_GNU_STACK an x86-64 program gets a non-executable stack. */
	ph(find_ph(PT_GNU_STACK, 0))->p_type = PT_NULL;
	ck_assert_int_eq(parse_img(img_size), 0);
	ck_assert(!plan.stack_exec);
}
END_TEST

/* --- hostile interpreters and PT_PHDR (on /bin/ls) --------------------------- */

START_TEST(interp_checks)
{
	load_img("/bin/ls");
	Elf64_Phdr *ip = ph(find_ph(PT_INTERP, 0));
	img[ip->p_offset + ip->p_filesz - 1] = 'x';
	refuse(-ENOEXEC);
	load_img("/bin/ls");
	ip = ph(find_ph(PT_INTERP, 0));
	img[ip->p_offset + 5] = 0;
	refuse(-ENOEXEC);
	load_img("/bin/ls");
	ph(find_ph(PT_INTERP, 0))->p_filesz = 1;
	refuse(-ENOEXEC);
	load_img("/bin/ls");
	ph(find_ph(PT_INTERP, 0))->p_filesz = UELF_INTERP_MAX + 1;
	refuse(-ENOEXEC);
	load_img("/bin/ls");
	ph(find_ph(PT_INTERP, 0))->p_offset = img_size - 4;
	refuse(-ENOEXEC);
	load_img("/bin/ls");
	*ph(find_ph(PT_NOTE, 0)) = *ph(find_ph(PT_INTERP, 0));
	refuse(-ENOEXEC);
}
END_TEST

START_TEST(interp_longest)
{
	/* A PT_INTERP of exactly UELF_INTERP_MAX bytes, pointed at a run of
	 * 'a's written into the file, is taken whole. */
	load_img("/bin/ls");
	Elf64_Phdr *rx = ph(find_ph(PT_LOAD, 1));
	Elf64_Phdr *ip = ph(find_ph(PT_INTERP, 0));
	ip->p_offset = rx->p_offset;
	ip->p_filesz = UELF_INTERP_MAX;
	memset(img + ip->p_offset, 'a', UELF_INTERP_MAX - 1);
	img[ip->p_offset + UELF_INTERP_MAX - 1] = 0;
	ck_assert_int_eq(parse_img(img_size), 0);
	ck_assert_uint_eq(plan.interp_len, UELF_INTERP_MAX - 1);
	ck_assert_uint_eq(strlen(plan.interp), UELF_INTERP_MAX - 1);
}
END_TEST

START_TEST(phdr_checks)
{
	load_img("/bin/ls");
	ph(find_ph(PT_PHDR, 0))->p_vaddr += 8; /* would show the wrong bytes */
	refuse(-ENOEXEC);
	load_img("/bin/ls");
	ph(find_ph(PT_PHDR, 0))->p_vaddr = 0x7fff0000; /* in no segment */
	refuse(-ENOEXEC);
	/* Without PT_PHDR, the segment mapping offset 0 gives the same address. */
	load_img("/bin/ls");
	uint64_t want = ph(find_ph(PT_PHDR, 0))->p_vaddr;
	ph(find_ph(PT_PHDR, 0))->p_type = PT_NULL;
	ck_assert_int_eq(parse_img(img_size), 0);
	ck_assert_uint_eq(plan.phdr, want);
	/* A static program whose first segment no longer maps the headers. */
	load_img(path_static);
	Elf64_Phdr *p0 = ph(find_ph(PT_LOAD, 0));
	p0->p_offset += PAGE;
	p0->p_vaddr += PAGE;
	p0->p_filesz = p0->p_memsz = 0x100;
	refuse(-ENOEXEC);
}
END_TEST

/* --- synthetic files -------------------------------------------------------- */

#define SYN_SIZE (5 * PAGE)

/*
 * A static program with its program headers on the third page, in a
 * read-only segment of their own: text at 0x401000 from offset 0x1000,
 * the headers at 0x402000 from 0x2000, a bss-only segment at 0x404100.
 */
static void build_synthetic(void)
{
	free(img);
	img = calloc(1, SYN_SIZE);
	img_size = SYN_SIZE;
	memcpy(eh()->e_ident, ELFMAG, SELFMAG);
	eh()->e_ident[EI_CLASS] = ELFCLASS64;
	eh()->e_ident[EI_DATA] = ELFDATA2LSB;
	eh()->e_ident[EI_VERSION] = EV_CURRENT;
	eh()->e_type = ET_EXEC;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = EV_CURRENT;
	eh()->e_entry = 0x401010;
	eh()->e_phoff = 2 * PAGE + 0x40;
	eh()->e_ehsize = sizeof(Elf64_Ehdr);
	eh()->e_phentsize = sizeof(Elf64_Phdr);
	eh()->e_phnum = 4;
	*ph(0) = (Elf64_Phdr){.p_type = PT_LOAD,
			      .p_flags = PF_R | PF_X,
			      .p_offset = PAGE,
			      .p_vaddr = 0x401000,
			      .p_filesz = 0x20,
			      .p_memsz = 0x20,
			      .p_align = 0x200000};
	*ph(1) = (Elf64_Phdr){.p_type = PT_LOAD,
			      .p_flags = PF_R,
			      .p_offset = 2 * PAGE,
			      .p_vaddr = 0x402000,
			      .p_filesz = 0x200,
			      .p_memsz = 0x200,
			      .p_align = PAGE};
	*ph(2) = (Elf64_Phdr){.p_type = PT_LOAD,
			      .p_flags = PF_R | PF_W,
			      .p_offset = 0x100,
			      .p_vaddr = 0x404100,
			      .p_filesz = 0,
			      .p_memsz = 0x2000};
	*ph(3) = (Elf64_Phdr){.p_type = PT_LOAD,
			      .p_flags = PF_R,
			      .p_offset = 3 * PAGE,
			      .p_vaddr = 0x407000,
			      .p_filesz = 0,
			      .p_memsz = 0};
}

START_TEST(headers_beyond_first_page)
{
	build_synthetic();
	ck_assert_int_eq(parse_img(img_size), 0);
	ck_assert_uint_eq(plan.nload, 3); /* the empty one is dropped */
	ck_assert_uint_eq(plan.phdr, 0x402040);
	ck_assert_uint_eq(plan.lo, 0x401000);
	ck_assert_uint_eq(plan.span, 0x407000 - 0x401000);
	ck_assert_uint_eq(plan.align, 0x200000);
	/* The bss-only segment: no file pages, no partial page, all anonymous. */
	const struct uelf_load *b = &plan.load[2];
	ck_assert_uint_eq(b->map_start, 0x404000);
	ck_assert_uint_eq(b->file_end, 0x404000);
	ck_assert_uint_eq(b->zero_start, b->zero_end);
	ck_assert_uint_eq(b->map_end, 0x407000);
	ck_assert_uint_eq(b->prot, UELF_PROT_R | UELF_PROT_W);
	/* The text: one partial file page, nothing to zero (memsz == filesz). */
	ck_assert_uint_eq(plan.load[0].file_end, 0x402000);
	ck_assert_uint_eq(plan.load[0].zero_start, plan.load[0].zero_end);
	ck_assert_uint_eq(plan.load[0].prot, UELF_PROT_R | UELF_PROT_X);
	check_plan_matches(img, img_size);
	check_loaded_image(img, img_size);
}
END_TEST

START_TEST(bss_in_last_file_page)
{
	build_synthetic();
	ph(2)->p_offset = 3 * PAGE + 0x100;
	ph(2)->p_filesz = 0x80;
	ck_assert_int_eq(parse_img(img_size), 0);
	const struct uelf_load *b = &plan.load[2];
	ck_assert_uint_eq(b->file_off, 3 * PAGE);
	ck_assert_uint_eq(b->file_end, 0x405000);
	ck_assert_uint_eq(b->zero_start, 0x404180);
	ck_assert_uint_eq(b->zero_end, 0x405000);
	ck_assert_uint_eq(b->map_end, 0x407000);
}
END_TEST

START_TEST(too_many_loads)
{
	/* UELF_MAX_LOADS + 1 one-page segments, all in order. */
	free(img);
	img_size = (UELF_MAX_LOADS + 2) * PAGE;
	img = calloc(1, img_size);
	memcpy(eh()->e_ident, ELFMAG, SELFMAG);
	eh()->e_ident[EI_CLASS] = ELFCLASS64;
	eh()->e_ident[EI_DATA] = ELFDATA2LSB;
	eh()->e_ident[EI_VERSION] = EV_CURRENT;
	eh()->e_type = ET_DYN;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = EV_CURRENT;
	eh()->e_phoff = 0x40;
	eh()->e_phentsize = sizeof(Elf64_Phdr);
	eh()->e_phnum = UELF_MAX_LOADS + 1;
	eh()->e_entry = 0x10;
	for (int i = 0; i <= UELF_MAX_LOADS; i++)
		*ph(i) = (Elf64_Phdr){.p_type = PT_LOAD,
				      .p_flags = PF_R | PF_X,
				      .p_offset = i * PAGE,
				      .p_vaddr = i * PAGE,
				      .p_filesz = PAGE,
				      .p_memsz = PAGE};
	refuse(-ENOEXEC);
	eh()->e_phnum = UELF_MAX_LOADS; /* exactly the limit */
	ck_assert_int_eq(parse_img(img_size), 0);
	ck_assert_uint_eq(plan.nload, UELF_MAX_LOADS);
	ck_assert_uint_eq(plan.phdr, 0x40);
}
END_TEST

/* A source whose reads fail: the error is returned as it is. */
static int failing_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	uint64_t fail_at = *(uint64_t *)ctx;

	if (off + len > fail_at)
		return -EIO;
	memcpy(buf, img + off, len);
	return 0;
}

START_TEST(read_errors_pass_through)
{
	uint64_t fail_at;
	struct uelf_source src = {.read = failing_read, .ctx = &fail_at};

	load_img("/bin/ls");
	src.size = img_size;
	fail_at = 10; /* the ELF header */
	ck_assert_int_eq(uelf_parse(&src, &plan, &why), -EIO);
	fail_at = eh()->e_phoff + 3 * sizeof(Elf64_Phdr); /* a program header */
	ck_assert_int_eq(uelf_parse(&src, &plan, &why), -EIO);
	fail_at = ph(find_ph(PT_INTERP, 0))->p_offset + 2; /* the interpreter */
	ck_assert_int_eq(uelf_parse(&src, &plan, NULL), -EIO);
	fail_at = img_size;
	ck_assert_int_eq(uelf_parse(&src, &plan, NULL), 0);
}
END_TEST

static void teardown_img(void)
{
	free(img);
	img = NULL;
}

UNIT_SUITE(user_elf_suite)
{
	Suite *s = suite_create("user_elf");
	TCase *real = tcase_create("real programs");
	TCase *bad = tcase_create("hostile");

	tcase_add_unchecked_fixture(real, build_programs, remove_programs);
	tcase_add_checked_fixture(real, NULL, teardown_img);
	tcase_set_timeout(real, 60);
	tcase_add_test(real, busybox_static);
	tcase_add_test(real, gcc_static);
	tcase_add_test(real, gcc_static_pie);
	tcase_add_test(real, bin_ls_dynamic);
	tcase_add_test(real, dynamic_loader_itself);
	tcase_add_test(real, all_of_usr_bin);
	suite_add_tcase(s, real);

	tcase_add_unchecked_fixture(bad, build_programs, remove_programs);
	tcase_add_checked_fixture(bad, NULL, teardown_img);
	tcase_set_timeout(bad, 60);
	tcase_add_test(bad, bad_ident);
	tcase_add_test(bad, bad_type_machine);
	tcase_add_test(bad, bad_phdr_table);
	tcase_add_test(bad, truncated_files);
	tcase_add_test(bad, filesz_over_memsz);
	tcase_add_test(bad, offset_not_congruent);
	tcase_add_test(bad, past_user_top);
	tcase_add_test(bad, below_mmap_min_addr);
	tcase_add_test(bad, loads_unsorted_or_overlapping);
	tcase_add_test(bad, load_past_end_of_file);
	tcase_add_test(bad, bad_entry);
	tcase_add_test(bad, no_load_at_all);
	tcase_add_test(bad, tls_checks);
	tcase_add_test(bad, stack_exec_flag);
	tcase_add_test(bad, interp_checks);
	tcase_add_test(bad, interp_longest);
	tcase_add_test(bad, phdr_checks);
	tcase_add_test(bad, headers_beyond_first_page);
	tcase_add_test(bad, bss_in_last_file_page);
	tcase_add_test(bad, too_many_loads);
	tcase_add_test(bad, read_errors_pass_through);
	suite_add_tcase(s, bad);
	return s;
}
