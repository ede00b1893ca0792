/* Kernel log control (kernel/log/printk.c); printing itself is in printk.h. */
#ifndef PALLAS_LOG_H
#define PALLAS_LOG_H

#include <stddef.h>

void log_set_console_level(int level);
void log_enter_panic(void);
/* Copies the newest bytes of the log ring (at most size) into buf. */
size_t log_read_tail(char *buf, size_t size);

#endif
