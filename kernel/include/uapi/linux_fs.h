/*
 * The Linux x86-64 file-system ABI as programs see it: open flags, mode bits,
 * the *at() flags, struct stat, struct linux_dirent64, termios and the tty
 * ioctls.  Values and layouts are Linux's (asm-generic and x86-64), so the
 * personality passes them through unchanged.
 */
#ifndef UAPI_LINUX_FS_H
#define UAPI_LINUX_FS_H

#include <stdint.h>

/* open(2) flags (octal, as in asm-generic/fcntl.h). */
#define O_ACCMODE   00000003
#define O_RDONLY    00000000
#define O_WRONLY    00000001
#define O_RDWR	    00000002
#define O_CREAT	    00000100
#define O_EXCL	    00000200
#define O_NOCTTY    00000400
#define O_TRUNC	    00001000
#define O_APPEND    00002000
#define O_NONBLOCK  00004000
#define O_DSYNC	    00010000
#define O_ASYNC	    00020000
#define O_DIRECT    00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW  00400000
#define O_NOATIME   01000000
#define O_CLOEXEC   02000000
#define O_SYNC	    04010000
#define O_PATH	    010000000
#define O_TMPFILE   020200000

/* File type and permission bits of st_mode. */
#define S_IFMT	  0170000
#define S_IFSOCK  0140000
#define S_IFLNK	  0120000
#define S_IFREG	  0100000
#define S_IFBLK	  0060000
#define S_IFDIR	  0040000
#define S_IFCHR	  0020000
#define S_IFIFO	  0010000
#define S_ISUID	  04000
#define S_ISGID	  02000
#define S_ISVTX	  01000
#define S_IRWXU	  00700
#define S_IRUSR	  00400
#define S_IWUSR	  00200
#define S_IXUSR	  00100
#define S_IRWXG	  00070
#define S_IXGRP	  00010
#define S_IRWXO	  00007
#define S_IALLUGO 07777

#define S_ISREG(m)  (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m)&S_IFMT) == S_IFDIR)
#define S_ISLNK(m)  (((m)&S_IFMT) == S_IFLNK)
#define S_ISCHR(m)  (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m)&S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)

/* d_type of struct linux_dirent64: the type bits shifted down. */
#define DT_UNKNOWN 0
#define DT_FIFO	   1
#define DT_CHR	   2
#define DT_DIR	   4
#define DT_BLK	   6
#define DT_REG	   8
#define DT_LNK	   10
#define DT_SOCK	   12
#define IFTODT(m)  (((m)&S_IFMT) >> 12)

/* The *at() calls. */
#define AT_FDCWD	    (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR	    0x200
#define AT_EACCESS	    0x200 /* faccessat: same value, other call */
#define AT_SYMLINK_FOLLOW   0x400
#define AT_NO_AUTOMOUNT	    0x800
#define AT_EMPTY_PATH	    0x1000

/* access(2) modes. */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* renameat2(2) */
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE	 (1 << 1)
#define RENAME_WHITEOUT	 (1 << 2)

/* utimensat(2) */
#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

/* lseek(2) */
#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4

/* fcntl(2) */
#define F_DUPFD		    0
#define F_GETFD		    1
#define F_SETFD		    2
#define F_GETFL		    3
#define F_SETFL		    4
#define F_DUPFD_CLOEXEC	    1030
#define F_GETLK		    5
#define F_SETLK		    6
#define F_SETLKW	    7
#define F_OFD_GETLK	    36
#define F_OFD_SETLK	    37
#define F_OFD_SETLKW	    38
#define F_ADD_SEALS	    1033
#define F_GET_SEALS	    1034
#define F_SEAL_SEAL	    0x0001
#define F_SEAL_SHRINK	    0x0002
#define F_SEAL_GROW	    0x0004
#define F_SEAL_WRITE	    0x0008
#define F_SEAL_FUTURE_WRITE 0x0010
#define F_SEAL_EXEC	    0x0020
#define F_SEAL_ALL	    0x003f
#define F_SEALABLE	    0x80000000u /* Pallas's: inode.seals of a memfd, which fcntl may seal */
#define F_RDLCK		    0
#define F_WRLCK		    1
#define F_UNLCK		    2
#define FD_CLOEXEC	    1

/* close_range(2) */
#define CLOSE_RANGE_UNSHARE (1u << 1)
#define CLOSE_RANGE_CLOEXEC (1u << 2)

#define PATH_MAX 4096
#define NAME_MAX 255

/* dev_t as glibc's makedev encodes it (and the kernel's stat reports it). */
static inline uint64_t linux_makedev(uint32_t major, uint32_t minor)
{
	return ((uint64_t)(major & 0xfffff000u) << 32) | ((uint64_t)(major & 0xfffu) << 8) |
	       ((uint64_t)(minor & 0xffffff00u) << 12) | (minor & 0xffu);
}
static inline uint32_t linux_major(uint64_t dev)
{
	return (uint32_t)(((dev >> 32) & 0xfffff000u) | ((dev >> 8) & 0xfffu));
}
static inline uint32_t linux_minor(uint64_t dev)
{
	return (uint32_t)(((dev >> 12) & 0xffffff00u) | (dev & 0xffu));
}

struct linux_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* x86-64's struct stat (arch/x86/include/uapi/asm/stat.h): 144 bytes. */
struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks; /* 512-byte units */
	struct linux_timespec st_atim;
	struct linux_timespec st_mtim;
	struct linux_timespec st_ctim;
	int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "x86-64 struct stat is 144 bytes");

/* getdents64(2): records padded to 8 bytes, name NUL-terminated. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off; /* the position that continues after this entry */
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* The kernel's struct termios for TCGETS/TCSETS (not glibc's, which has speeds). */
#define LINUX_NCCS 19
struct linux_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[LINUX_NCCS];
};
_Static_assert(sizeof(struct linux_termios) == 36, "kernel termios is 36 bytes");

struct linux_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

#define TCGETS	   0x5401
#define TCSETS	   0x5402
#define TCSETSW	   0x5403
#define TCSETSF	   0x5404
#define TIOCGPGRP  0x540f
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TCSBRK	   0x5409
#define TCXONC	   0x540a
#define TCFLSH	   0x540b
#define TIOCSCTTY  0x540e
#define TIOCOUTQ   0x5411
#define FIONREAD   0x541b
#define TIOCNOTTY  0x5422
#define TCSBRKP	   0x5425
#define TIOCGSID   0x5429

/* TCFLSH and TCXONC arguments. */
#define TCIFLUSH  0
#define TCOFLUSH  1
#define TCIOFLUSH 2
#define TCOOFF	  0
#define TCOON	  1
#define TCIOFF	  2
#define TCION	  3

/* Indices into c_cc. */
#define TTY_VINTR    0
#define TTY_VQUIT    1
#define TTY_VERASE   2
#define TTY_VKILL    3
#define TTY_VEOF     4
#define TTY_VTIME    5
#define TTY_VMIN     6
#define TTY_VSTART   8
#define TTY_VSTOP    9
#define TTY_VSUSP    10
#define TTY_VEOL     11
#define TTY_VREPRINT 12
#define TTY_VWERASE  14
#define TTY_VLNEXT   15
#define TTY_VEOL2    16

/* termios bits the default settings use. */
#define TTY_ICRNL   0000400
#define TTY_IXON    0002000
#define TTY_OPOST   0000001
#define TTY_ONLCR   0000004
#define TTY_B38400  0000017
#define TTY_CS8	    0000060
#define TTY_CREAD   0000200
#define TTY_HUPCL   0002000
#define TTY_ISIG    0000001
#define TTY_ICANON  0000002
#define TTY_ECHO    0000010
#define TTY_ECHOE   0000020
#define TTY_ECHOK   0000040
#define TTY_ECHOCTL 0001000
#define TTY_ECHOKE  0004000
#define TTY_IEXTEN  0100000
/* and the others the line discipline reads */
#define TTY_ISTRIP 0000040
#define TTY_INLCR  0000100
#define TTY_IGNCR  0000200
#define TTY_IXANY  0004000
#define TTY_OCRNL  0000010
#define TTY_ONOCR  0000020
#define TTY_ONLRET 0000040
#define TTY_ECHONL 0000100
#define TTY_NOFLSH 0000200
#define TTY_TOSTOP 0000400

/* poll(2) events */
#define LINUX_POLLIN	 0x001
#define LINUX_POLLPRI	 0x002
#define LINUX_POLLOUT	 0x004
#define LINUX_POLLERR	 0x008
#define LINUX_POLLHUP	 0x010
#define LINUX_POLLNVAL	 0x020
#define LINUX_POLLRDNORM 0x040
#define LINUX_POLLRDBAND 0x080
#define LINUX_POLLWRNORM 0x100
#define LINUX_POLLWRBAND 0x200
#define LINUX_POLLRDHUP	 0x2000

#endif
