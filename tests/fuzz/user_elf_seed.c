/*
 * Not a fuzz target: the program tests/fuzz/build rules compile, several
 * ways (static, static-pie, with PT_INTERP), into the user_elf fuzzer's
 * seeds.  Small, so the fuzzer spends its time on headers, with TLS, data
 * and bss so every kind of segment is there.
 */
__thread int tls_var = 1;
int data_var = 2;
int bss_var[64];

void _start(void)
{
	for (;;)
		__asm__ volatile("" ::"r"(tls_var + data_var + bss_var[0]));
}
