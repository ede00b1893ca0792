/* Loader messages on the firmware console; see console.h. */
#include "console.h"
#include "fmt.h"

#define LINE_MAX 512

/* ConOut takes UCS-2 and wants CR LF; our text is ASCII. */
static void out(const char *s)
{
	CHAR16 buf[128];
	size_t n = 0;

	for (; *s; s++) {
		if (n + 3 > sizeof(buf) / sizeof(buf[0])) {
			buf[n] = 0;
			g_st->ConOut->OutputString(g_st->ConOut, buf);
			n = 0;
		}
		if (*s == '\n')
			buf[n++] = L'\r';
		buf[n++] = (CHAR16)(unsigned char)*s;
	}
	buf[n] = 0;
	g_st->ConOut->OutputString(g_st->ConOut, buf);
}

static void say(const char *prefix, const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	size_t n = bsnprintf(line, sizeof(line), "pallas-boot: %s", prefix);
	bvsnprintf(line + n, sizeof(line) - n, fmt, ap);
	out(line);
	out("\n");
}

void con_say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void con_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("error: ", fmt, ap);
	va_end(ap);
}

const char *con_status(EFI_STATUS status)
{
	static char num[32];

	switch (status) {
	case EFI_NOT_FOUND:
		return "not found";
	case EFI_OUT_OF_RESOURCES:
		return "out of resources";
	case EFI_DEVICE_ERROR:
		return "device error";
	case EFI_VOLUME_CORRUPTED:
		return "volume corrupted";
	case EFI_ACCESS_DENIED:
		return "access denied";
	case EFI_INVALID_PARAMETER:
		return "invalid parameter";
	case EFI_UNSUPPORTED:
		return "unsupported";
	case EFI_NO_MEDIA:
		return "no media";
	case EFI_BUFFER_TOO_SMALL:
		return "buffer too small";
	default:
		bsnprintf(num, sizeof(num), "EFI status 0x%lx", (uint64_t)status);
		return num;
	}
}
