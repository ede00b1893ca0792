/* Runs every registered suite; the closing line is what the harness counts. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#define MAX_SUITES 128

static Suite *(*suites[MAX_SUITES])(void);
static int nsuites;

void unit_register(Suite *(*make)(void))
{
	if (nsuites == MAX_SUITES) {
		fprintf(stderr, "unit: too many suites, raise MAX_SUITES\n");
		exit(2);
	}
	suites[nsuites++] = make;
}

int main(void)
{
	if (nsuites == 0) {
		fprintf(stderr, "unit: no suites registered\n");
		return 2;
	}
	SRunner *sr = srunner_create(NULL);
	for (int i = 0; i < nsuites; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int run = srunner_ntests_run(sr);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("unit: %d passed, %d failed\n", run - failed, failed);
	return failed == 0 ? 0 : 1;
}
