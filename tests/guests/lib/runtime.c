/* Serial output, printf-lite, the exit protocol and trap dispatch. */
#include "guest.h"

#define COM1	 0x3f8
#define LSR_THRE 0x20

extern const char isr_stubs[];
extern const struct extable_entry {
	uint32_t fault_eip, fixup_eip;
} __extable_start[], __extable_end[];

volatile int last_fixup_vector = -1;
volatile unsigned fixup_count;

static trap_handler_t handlers[256];

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));
static struct idt_gate idt[256];
static struct {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed)) idt_ptr = {sizeof(idt) - 1, (uint32_t)idt};

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no UART interrupts: output is polled */
	outb(COM1 + 3, 0x80); /* DLAB to set the divisor */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFOs on and cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void serial_putc(char c)
{
	while (!(inb(COM1 + 5) & LSR_THRE))
		pause();
	outb(COM1, (uint8_t)c);
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;
	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *p = d;
	const uint8_t *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *p = a, *q = b;
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

/* 64-by-32 division with DIV: there is no 32-bit libgcc to provide
 * __udivdi3.  Two steps keep each quotient within 32 bits. */
static uint32_t div64(uint64_t *n, uint32_t d)
{
	uint32_t hi = (uint32_t)(*n >> 32), lo = (uint32_t)*n, qhi, qlo, r;
	qhi = hi / d;
	r = hi % d;
	asm("divl %4" : "=a"(qlo), "=d"(r) : "a"(lo), "d"(r), "rm"(d));
	*n = ((uint64_t)qhi << 32) | qlo;
	return r;
}

static void put_num(uint64_t v, unsigned base, int width, char pad, bool neg)
{
	char buf[24];
	int n = 0;
	do {
		buf[n++] = "0123456789abcdef"[div64(&v, base)];
	} while (v);
	if (neg)
		buf[n++] = '-';
	while (width-- > n)
		serial_putc(pad);
	while (n)
		serial_putc(buf[--n]);
}

/* %[0][width][l|ll]{d,u,x,s,c,p,%}: what the guests need, nothing more. */
void vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			serial_putc(*fmt);
			continue;
		}
		char pad = ' ';
		int width = 0, longs = 0;
		fmt++;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			longs++, fmt++;
		uint64_t u;
		switch (*fmt) {
		case 'd': {
			int64_t s = longs >= 2 ? va_arg(ap, int64_t) : va_arg(ap, int32_t);
			put_num(s < 0 ? -(uint64_t)s : (uint64_t)s, 10, width, pad, s < 0);
			break;
		}
		case 'u':
		case 'x':
			u = longs >= 2 ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
			put_num(u, *fmt == 'u' ? 10 : 16, width, pad, false);
			break;
		case 'p':
			serial_putc('0');
			serial_putc('x');
			put_num((uintptr_t)va_arg(ap, void *), 16, 8, '0', false);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			while (*s)
				serial_putc(*s++);
			break;
		}
		case 'c':
			serial_putc((char)va_arg(ap, int));
			break;
		case '%':
			serial_putc('%');
			break;
		default:
			return;
		}
	}
}

void printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void guest_exit(uint32_t value)
{
	cli();
	outl(DEBUG_EXIT_PORT, value);
	/* Only reached without an isa-debug-exit device; a hang is what the
	 * harness's timeout is for. */
	for (;;)
		asm volatile("cli; hlt");
}

void guest_pass(void)
{
	printf("guest: PASS %s\n", guest_name);
	guest_exit(0);
}

void guest_fail(const char *fmt, ...)
{
	va_list ap;
	printf("guest: FAIL %s: ", guest_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	guest_exit(1);
}

void trap_set_handler(unsigned vector, trap_handler_t h)
{
	handlers[vector & 0xff] = h;
}

void idt_set_dpl(unsigned vector, unsigned dpl)
{
	idt[vector & 0xff].type = (uint8_t)(0x8e | (dpl & 3) << 5);
}

void idt_load(void)
{
	asm volatile("lidt %0" ::"m"(idt_ptr));
}

static void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint32_t a = (uint32_t)isr_stubs + 16 * v;
		idt[v] = (struct idt_gate){(uint16_t)a, SEL_CODE32, 0, 0x8e, (uint16_t)(a >> 16)};
	}
	idt_load();
}

void trap_dispatch(struct trap_frame *f)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
		if (e->fault_eip == f->eip && f->vector < 32) {
			last_fixup_vector = (int)f->vector;
			fixup_count++;
			f->eip = e->fixup_eip;
			return;
		}
	}
	if (handlers[f->vector]) {
		handlers[f->vector](f);
		return;
	}
	uint32_t cr2;
	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	guest_fail("unexpected %s vector %u error %x eip %x cs %x cr2 %x",
		   f->vector < 32 ? "exception" : "interrupt", f->vector, f->error, f->eip, f->cs,
		   cr2);
}

#define MB_BOOT_MAGIC 0x2BADB002

void guest_entry(uint32_t magic, const struct mb_info *mbi)
{
	serial_init();
	idt_init();
	printf("guest: start %s\n", guest_name);
	CHECK(magic == MB_BOOT_MAGIC, "multiboot magic %x", magic);
	CHECK(mbi && (mbi->flags & 1), "no memory size in the multiboot info");
	guest_main(mbi);
	guest_pass();
}
