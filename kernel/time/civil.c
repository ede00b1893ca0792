/*
 * Calendar dates to seconds since the Unix epoch, for the wall clock.  The
 * proleptic Gregorian calendar as days from 1970-01-01 (the era-based
 * method: 400-year eras of 146097 days), so it needs no tables and no
 * loops; a date that does not exist is refused rather than normalised.
 */
#include <pallas/wallclock.h>

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return days[m - 1] + (m == 2 && leap(y));
}

bool civil_valid(const struct civil_time *c)
{
	return c->month >= 1 && c->month <= 12 && c->day >= 1 &&
	       c->day <= month_days(c->year, c->month) && c->hour < 24 && c->minute < 60 &&
	       c->second < 60;
}

int64_t civil_to_days(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;				       /* [0, 399] */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	       /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

int64_t civil_to_unix(const struct civil_time *c)
{
	return civil_to_days(c->year, c->month, c->day) * 86400 + c->hour * 3600 + c->minute * 60 +
	       c->second;
}
