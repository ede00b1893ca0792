/*
 * kvsnprintf: C99 snprintf semantics (returns the length the full output
 * would have had) for the conversions the kernel uses: d i u x X o p s c %,
 * flags - + space 0 #, width and precision (also *), length hh h l ll z j t.
 * Floating point is deliberately absent: the kernel runs without SSE.
 */
#include <pallas/printk.h>
#include <stdbool.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* would-be length */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, plus, space, zero, alt;
	int width;
	int prec; /* -1: none */
};

static void emit_str(struct out *o, const struct spec *sp, const char *s)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

static void emit_num(struct out *o, const struct spec *sp, uint64_t v, bool neg, unsigned base,
		     bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	/* Precision 0 with value 0 prints no digits (C99). */
	int ndig = n;
	int prec = sp->prec < 0 ? 1 : sp->prec;
	int zeros = prec > ndig ? prec - ndig : 0;
	/* "%#o" only guarantees a leading zero; precision zeros already give one. */
	if (prefix && prefix[0] == '0' && prefix[1] == 0 && zeros > 0)
		prefix = NULL;

	char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	int plen = 0;
	while (prefix && prefix[plen])
		plen++;
	int body = ndig + zeros + plen + (sign ? 1 : 0);

	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > body) {
		zeros += sp->width - body;
		body = sp->width;
	}
	if (!sp->left)
		pad(o, ' ', sp->width - body);
	if (sign)
		put(o, sign);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n--)
		put(o, tmp[n]);
	if (sp->left)
		pad(o, ' ', sp->width - body);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_MAX, LEN_PTRDIFF };

static const char *parse_length(const char *f, enum length *len)
{
	*len = LEN_INT;
	switch (*f) {
	case 'h':
		*len = LEN_SHORT;
		if (f[1] == 'h') {
			*len = LEN_CHAR;
			f++;
		}
		return f + 1;
	case 'l':
		*len = LEN_LONG;
		if (f[1] == 'l') {
			*len = LEN_LLONG;
			f++;
		}
		return f + 1;
	case 'z':
		*len = LEN_SIZE;
		return f + 1;
	case 'j':
		*len = LEN_MAX;
		return f + 1;
	case 't':
		*len = LEN_PTRDIFF;
		return f + 1;
	default:
		return f;
	}
}

static int64_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
	case LEN_PTRDIFF:
		return va_arg(*ap, long); /* ssize_t and ptrdiff_t are long on x86-64 */
	case LEN_MAX:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
	case LEN_PTRDIFF:
		return va_arg(*ap, size_t);
	case LEN_MAX:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned);
	}
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){.prec = -1};
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	return f;
}

static void convert(struct out *o, char conv, struct spec *sp, enum length len, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, len);
		uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
		emit_num(o, sp, mag, v < 0, 10, false, NULL);
		break;
	}
	case 'u':
		emit_num(o, sp, arg_unsigned(ap, len), false, 10, false, NULL);
		break;
	case 'x':
	case 'X': {
		uint64_t v = arg_unsigned(ap, len);
		const char *pre = sp->alt && v ? (conv == 'x' ? "0x" : "0X") : NULL;
		emit_num(o, sp, v, false, 16, conv == 'X', pre);
		break;
	}
	case 'o': {
		uint64_t v = arg_unsigned(ap, len);
		emit_num(o, sp, v, false, 8, false, sp->alt && v ? "0" : NULL);
		break;
	}
	case 'p': {
		uintptr_t v = (uintptr_t)va_arg(*ap, void *);
		if (!v) {
			sp->prec = -1;
			emit_str(o, sp, "(nil)");
		} else {
			emit_num(o, sp, v, false, 16, false, "0x");
		}
		break;
	}
	case 's':
		emit_str(o, sp, va_arg(*ap, const char *));
		break;
	case 'c': {
		char c[2] = {(char)va_arg(*ap, int), 0};
		if (!sp->left)
			pad(o, ' ', sp->width - 1);
		put(o, c[0]);
		if (sp->left)
			pad(o, ' ', sp->width - 1);
		break;
	}
	case '%':
		put(o, '%');
		break;
	default:
		/* Unknown conversion: print it literally so the mistake shows. */
		put(o, '%');
		put(o, conv);
		break;
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		if (*fmt == '%') {
			put(&o, *fmt++);
			continue;
		}
		struct spec sp;
		enum length len;
		fmt = parse_spec(fmt, &sp, &args);
		fmt = parse_length(fmt, &len);
		if (!*fmt)
			break;
		convert(&o, *fmt++, &sp, len, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
