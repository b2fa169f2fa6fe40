/* test_probe.c - the table of clients sweeping task ids (framework/src/probe.c): the limit
 * per window, the cool-down, other clients untouched, IPv6 counted by /64, and a table that
 * stays the same size however many addresses come; attempts in flight counted (auth.c). */
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "rt_cunit.h"

/* n unknown-id answers to addr at time t; how many of them started a cool-down */
static int unknowns(ladon__probe *p, const char *addr, int n, int64_t t)
{
    int starts = 0;
    for (int i = 0; i < n; i++)
        starts += ladon__probe_unknown(p, addr, t);
    return starts;
}

static void test_limit_and_cooldown(void)
{
    ladon__probe p;
    CU_ASSERT_EQUAL_FATAL(ladon__probe_init(&p, 20, 10, 60), 0);
    /* 20 in the window are allowed */
    CU_ASSERT_EQUAL(unknowns(&p, "10.0.0.1", 20, 1000), 0);
    CU_ASSERT_FALSE(ladon__probe_blocked(&p, "10.0.0.1", 1000));
    /* the 21st starts the cool-down, reported once */
    CU_ASSERT_EQUAL(unknowns(&p, "10.0.0.1", 1, 5000), 1);
    CU_ASSERT_TRUE(ladon__probe_blocked(&p, "10.0.0.1", 5000));
    CU_ASSERT_EQUAL(unknowns(&p, "10.0.0.1", 100, 6000), 0);
    CU_ASSERT_TRUE(ladon__probe_blocked(&p, "10.0.0.1", 64999));
    /* another client is not affected */
    CU_ASSERT_FALSE(ladon__probe_blocked(&p, "10.0.0.2", 6000));
    CU_ASSERT_EQUAL(unknowns(&p, "10.0.0.2", 20, 6000), 0);
    CU_ASSERT_FALSE(ladon__probe_blocked(&p, "10.0.0.2", 6000));
    /* the cool-down ends; counting starts from nothing */
    CU_ASSERT_FALSE(ladon__probe_blocked(&p, "10.0.0.1", 65000));
    CU_ASSERT_EQUAL(unknowns(&p, "10.0.0.1", 20, 65000), 0);
    CU_ASSERT_EQUAL(unknowns(&p, "10.0.0.1", 1, 65000), 1);
    ladon__probe_destroy(&p);
}

static void test_window(void)
{
    ladon__probe p;
    CU_ASSERT_EQUAL_FATAL(ladon__probe_init(&p, 3, 10, 60), 0);
    /* 3 per 10 s, spread out: never over */
    for (int64_t t = 0; t < 100000; t += 4000)
        CU_ASSERT_EQUAL(unknowns(&p, "192.0.2.7", 1, t), 0);
    CU_ASSERT_FALSE(ladon__probe_blocked(&p, "192.0.2.7", 100000));
    /* a new window opens 10 s after the last one opened */
    CU_ASSERT_EQUAL(unknowns(&p, "192.0.2.8", 3, 0), 0);
    CU_ASSERT_EQUAL(unknowns(&p, "192.0.2.8", 3, 10000), 0);
    CU_ASSERT_EQUAL(unknowns(&p, "192.0.2.8", 1, 19999), 1);
    ladon__probe_destroy(&p);
}

static void test_ipv6_prefix(void)
{
    ladon__probe p;
    CU_ASSERT_EQUAL_FATAL(ladon__probe_init(&p, 2, 10, 60), 0);
    /* every address of one /64 counts as one client */
    CU_ASSERT_EQUAL(unknowns(&p, "2001:db8:1:2::1", 1, 0), 0);
    CU_ASSERT_EQUAL(unknowns(&p, "2001:db8:1:2:aaaa::5", 1, 0), 0);
    CU_ASSERT_EQUAL(unknowns(&p, "2001:db8:1:2:ffff:ffff:ffff:ffff", 1, 0), 1);
    CU_ASSERT_TRUE(ladon__probe_blocked(&p, "2001:db8:1:2::9", 1));
    CU_ASSERT_FALSE(ladon__probe_blocked(&p, "2001:db8:1:3::1", 1));
    /* an IPv4-mapped address is the IPv4 client's own */
    CU_ASSERT_EQUAL(unknowns(&p, "::ffff:10.1.1.1", 3, 0), 1);
    CU_ASSERT_FALSE(ladon__probe_blocked(&p, "::ffff:10.1.1.2", 1));
    ladon__probe_destroy(&p);
}

/* 100,000 addresses pass through a table of LADON__PROBE_SLOTS entries: it does not grow
 * (it is allocated once), a cooling-down client is kept over idle ones when its set has
 * some, and new clients keep being counted. */
static void test_bounded(void)
{
    ladon__probe p;
    char a[64];
    CU_ASSERT_EQUAL_FATAL(ladon__probe_init(&p, 5, 10, 3600), 0);
    ladon__probe_entry *slots = p.slots;
    CU_ASSERT_EQUAL(unknowns(&p, "198.51.100.1", 6, 0), 1);
    for (int i = 0; i < 100000; i++) {
        snprintf(a, sizeof a, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        ladon__probe_unknown(&p, a, 1000 + i / 100);
    }
    CU_ASSERT_PTR_EQUAL(p.slots, slots);
    size_t used = 0, blocked = 0;
    for (size_t i = 0; i < LADON__PROBE_SLOTS; i++) {
        used += p.slots[i].key[0] != '\0';
        blocked += p.slots[i].blocked_until_ms > 2000;
    }
    CU_ASSERT_EQUAL(used, LADON__PROBE_SLOTS);
    CU_ASSERT_EQUAL(blocked, 1);
    /* one idle entry of each set was reused, the cooling-down one stayed */
    CU_ASSERT_TRUE(ladon__probe_blocked(&p, "198.51.100.1", 2000));
    CU_ASSERT_EQUAL(unknowns(&p, "203.0.113.9", 5, 2000), 0);
    CU_ASSERT_EQUAL(unknowns(&p, "203.0.113.9", 1, 2000), 1);
    ladon__probe_destroy(&p);
}

/* Attempts in flight count (auth.c's parallel password checks): a client with many
 * connections gets no more verifications per window than one that waits for each answer
 * (the review found up to --workers/2 extra guesses per round). */
static void test_reserve(void)
{
    ladon__probe p;
    CU_ASSERT_EQUAL_FATAL(ladon__probe_init(&p, 3, 60, 60), 0);
    /* 4 attempts at once (limit 3: the 4th failure starts the cool-down), a 5th refused */
    for (int i = 0; i < 4; i++)
        CU_ASSERT_TRUE(ladon__probe_reserve(&p, "10.0.0.1", 1000));
    CU_ASSERT_FALSE(ladon__probe_reserve(&p, "10.0.0.1", 1000));
    /* another client is not affected */
    CU_ASSERT_TRUE(ladon__probe_reserve(&p, "10.0.0.2", 1000));
    ladon__probe_release(&p, "10.0.0.2", 1000);
    /* one succeeds: released, and room for one more attempt */
    ladon__probe_release(&p, "10.0.0.1", 1001);
    CU_ASSERT_TRUE(ladon__probe_reserve(&p, "10.0.0.1", 1001));
    /* all four fail: the last failure starts the cool-down, nothing is reserved then */
    int starts = 0;
    for (int i = 0; i < 4; i++) {
        ladon__probe_release(&p, "10.0.0.1", 1002);
        starts += ladon__probe_unknown(&p, "10.0.0.1", 1002);
    }
    CU_ASSERT_EQUAL(starts, 1);
    CU_ASSERT_TRUE(ladon__probe_blocked(&p, "10.0.0.1", 1002));
    CU_ASSERT_FALSE(ladon__probe_reserve(&p, "10.0.0.1", 1003));
    /* one at a time, as before: limit + 1 verified failures, then refused */
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_TRUE(ladon__probe_reserve(&p, "10.0.0.3", 2000));
        ladon__probe_release(&p, "10.0.0.3", 2000);
        ladon__probe_unknown(&p, "10.0.0.3", 2000);
    }
    CU_ASSERT_FALSE(ladon__probe_reserve(&p, "10.0.0.3", 2000));
    ladon__probe_destroy(&p);
    /* off: always allowed */
    CU_ASSERT_EQUAL_FATAL(ladon__probe_init(&p, 0, 60, 60), 0);
    for (int i = 0; i < 100; i++)
        CU_ASSERT_TRUE(ladon__probe_reserve(&p, "10.0.0.1", 1000));
    ladon__probe_destroy(&p);
}

static void test_off(void)
{
    ladon__probe p;
    CU_ASSERT_EQUAL_FATAL(ladon__probe_init(&p, 0, 10, 60), 0);
    CU_ASSERT_PTR_NULL(p.slots);
    CU_ASSERT_EQUAL(unknowns(&p, "10.0.0.1", 1000, 0), 0);
    CU_ASSERT_FALSE(ladon__probe_blocked(&p, "10.0.0.1", 0));
    ladon__probe_destroy(&p);
}

int main(void)
{
    static const rt_test tests[] = {
        {"limit and cool-down", test_limit_and_cooldown},
        {"window", test_window},
        {"IPv6 by /64", test_ipv6_prefix},
        {"bounded table", test_bounded},
        {"off", test_off},
        {"attempts in flight", test_reserve},
        {NULL, NULL},
    };
    return rt_run("runtime-probe", tests, NULL, NULL);
}
