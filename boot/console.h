/*
 * The loader's messages.  Every line starts with "pallas-boot: " so that a
 * serial log shows who said it; errors read "pallas-boot: error: <what>".
 * Output goes to the firmware's ConOut, which OVMF mirrors to the serial port.
 * Only before ExitBootServices, of course.
 */
#ifndef BOOT_CONSOLE_H
#define BOOT_CONSOLE_H

#include "loader.h"

void con_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A firmware status in words ("not found"), or its number. */
const char *con_status(EFI_STATUS status);

#endif
