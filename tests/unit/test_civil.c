/*
 * Calendar dates to Unix time (kernel/time/civil.c) against the host C
 * library's timegm, over every day from 1900 to 2200 and random times, and
 * the dates that do not exist.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>

#include <pallas/wallclock.h>

#include "unit.h"

START_TEST(every_day_matches_timegm)
{
	for (int y = 1900; y <= 2200; y++) {
		for (unsigned m = 1; m <= 12; m++) {
			for (unsigned d = 1; d <= 31; d++) {
				struct civil_time c = {
				    y, m, d, (d * 7) % 24, (d * 13) % 60, (m * 11 + d) % 60};
				struct tm tm = {.tm_year = y - 1900,
						.tm_mon = (int)m - 1,
						.tm_mday = (int)d,
						.tm_hour = (int)c.hour,
						.tm_min = (int)c.minute,
						.tm_sec = (int)c.second};
				time_t want = timegm(&tm);
				bool exists = tm.tm_mday == (int)d; /* timegm normalised it */
				ck_assert_int_eq(civil_valid(&c), exists);
				if (exists)
					ck_assert_int_eq(civil_to_unix(&c), (int64_t)want);
			}
		}
	}
}
END_TEST

START_TEST(edges)
{
	struct civil_time epoch = {1970, 1, 1, 0, 0, 0};
	struct civil_time before = {1969, 12, 31, 23, 59, 59};
	struct civil_time leap = {2024, 2, 29, 12, 0, 0};
	struct civil_time not_leap = {2100, 2, 29, 0, 0, 0};
	struct civil_time bad_hour = {2026, 1, 1, 24, 0, 0};
	struct civil_time bad_month = {2026, 13, 1, 0, 0, 0};

	ck_assert_int_eq(civil_to_unix(&epoch), 0);
	ck_assert_int_eq(civil_to_unix(&before), -1);
	ck_assert(civil_valid(&leap));
	ck_assert(!civil_valid(&not_leap));
	ck_assert(!civil_valid(&bad_hour));
	ck_assert(!civil_valid(&bad_month));
}
END_TEST

UNIT_SUITE(civil_suite)
{
	Suite *s = suite_create("civil");
	TCase *tc = tcase_create("civil");

	tcase_add_test(tc, every_day_matches_timegm);
	tcase_add_test(tc, edges);
	suite_add_tcase(s, tc);
	return s;
}
