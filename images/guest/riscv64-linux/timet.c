/* Time: clocks are monotonic, sleeps last at least as long as asked, times and dates convert. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long ns(struct timespec t) { return t.tv_sec * 1000000000L + t.tv_nsec; }

int main(void) {
    struct timespec a, b, r;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec req = {0, 20 * 1000 * 1000};
    printf("nanosleep %d\n", nanosleep(&req, NULL));
    clock_gettime(CLOCK_MONOTONIC, &b);
    long d = ns(b) - ns(a);
    printf("slept at least 20ms %d, under 2s %d\n", d >= 20000000L, d < 2000000000L);
    usleep(1000);
    clock_gettime(CLOCK_MONOTONIC, &r);
    printf("monotonic %d\n", ns(r) >= ns(b));
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("after 2020 %d\n", tv.tv_sec > 1577836800L);
    clock_getres(CLOCK_MONOTONIC, &r);
    printf("res ok %d\n", r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 1000000);
    time_t t = 86400 * 365;
    struct tm tm;
    gmtime_r(&t, &tm);
    char s[64];
    strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm);
    printf("gmtime %s\n", s);
    printf("mktime-free timegm-ish yday %d wday %d\n", tm.tm_yday, tm.tm_wday);
    clock_t c = clock();
    printf("clock nonneg %d\n", c >= 0);
    return 0;
}
