/* SPDX-License-Identifier: ISC */
/*
 * discover: the cache read strictly (DESIGN 1.10: a corrupt, truncated
 * or hostile cache is refused whole, never half-used), a page of
 * DescribeInstances read strictly, and the rules that fold a refresh into
 * the cache (a failed region keeps its data, stale_after) and merge the
 * cache with the config's blocks (names, collisions, IDs as names).
 */
#include "unit.h"

#include <fcntl.h>

#include "discover.h"
#include "util.h"

#define NOW	1800000000LL

static const char good[] =
    "{\"version\":1,\"written\":1800000000,\"regions\":["
    "{\"region\":\"cn-hangzhou\",\"fetched\":1800000000,\"instances\":["
    "{\"id\":\"i-a1\",\"name\":\"web-1\",\"description\":\"front\","
    "\"os\":\"linux\",\"status\":\"Running\",\"tags\":[\"env=prod\"],"
    "\"seen\":1800000000},"
    "{\"id\":\"i-a2\",\"name\":\"\",\"description\":\"\",\"os\":\"windows\","
    "\"status\":\"Stopped\",\"tags\":[],\"seen\":1799990000}]},"
    "{\"region\":\"cn-shanghai\",\"fetched\":1800000000,\"instances\":["
    "{\"id\":\"i-b1\",\"name\":\"app-1\",\"description\":\"\","
    "\"os\":\"linux\",\"status\":\"Running\",\"tags\":[],"
    "\"seen\":1800000000}]}]}";

static int
parse(const char *text, struct disc_cache *c)
{
	char err[VG_ERRLEN];

	return disc_cache_parse(text, strlen(text), c, err, sizeof(err));
}

static void
test_good(void **state)
{
	struct disc_cache c;
	size_t len;
	char *again;

	(void)state;
	assert_int_equal(parse(good, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.r[0].inv.n, 2);
	assert_string_equal(c.r[0].inv.inst[0].name, "web-1");
	assert_string_equal(c.r[0].inv.inst[1].status, "Stopped");
	assert_true(c.r[0].inv.inst[1].windows);
	assert_int_equal(c.r[0].inv.inst[1].seen, 1799990000LL);
	/* what it writes is what it reads, byte for byte */
	again = disc_cache_dump(&c, &len);
	assert_non_null(again);
	assert_string_equal(again, good);
	free(again);
	disc_cache_free(&c);
}

/* Every prefix of a good cache is refused. */
static void
test_truncated(void **state)
{
	struct disc_cache c;
	char err[VG_ERRLEN];
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(good) - 1; n++)
		assert_int_equal(disc_cache_parse(good, n, &c, err,
		    sizeof(err)), -1);
}

/* One change at a time of the good text: each is refused. */
static const struct {
	const char	*from;
	const char	*to;
} bad[] = {
	{ "\"version\":1", "\"version\":2" },
	{ "\"version\":1", "\"version\":\"1\"" },
	{ "\"written\":1800000000", "\"written\":-1" },
	{ "\"written\":1800000000", "\"written\":1e9" },
	{ "{\"id\":\"i-a1\"", "{\"id\":\"-i-a1\"" },
	{ "{\"id\":\"i-a1\"", "{\"id\":12" },
	{ "\"id\":\"i-a2\"", "\"id\":\"i-a1\"" },		/* twice */
	{ "\"id\":\"i-b1\"", "\"id\":\"i-a1\"" },		/* across */
	{ "\"name\":\"web-1\"", "\"name\":\"web 1\"" },
	{ "\"name\":\"web-1\"", "\"name\":\"\\u001b[2J\"" },
	{ "\"name\":\"web-1\"", "\"name\":\"a\\u0000b\"" },
	{ "\"description\":\"front\"", "\"description\":\"a\\nb\"" },
	{ "\"os\":\"linux\"", "\"os\":\"beos\"" },
	{ "\"status\":\"Running\"", "\"status\":\"Run ning\"" },
	{ "\"status\":\"Running\"", "\"status\":null" },
	{ "\"tags\":[\"env=prod\"]", "\"tags\":[\"env\"]" },
	{ "\"tags\":[\"env=prod\"]", "\"tags\":\"env=prod\"" },
	{ "\"seen\":1799990000", "\"seen\":1799990000,\"x\":1" },
	{ "\"region\":\"cn-shanghai\"", "\"region\":\"CN\"" },
	{ "\"region\":\"cn-shanghai\"", "\"region\":\"cn-hangzhou\"" },
	{ "\"fetched\":1800000000,\"instances\":[{\"id\":\"i-b1\"",
	    "\"fetched\":1800000000,\"fetched\":1,\"instances\":[{\"id\":"
	    "\"i-b1\"" },
	{ "{\"version\"", "[{\"version\"" },
};

static void
test_hostile(void **state)
{
	struct disc_cache c;
	char text[4096];
	const char *at;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		at = strstr(good, bad[i].from);
		assert_non_null(at);
		k = (size_t)(at - good);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)k, good,
		    bad[i].to, at + strlen(bad[i].from));
		if (parse(text, &c) != -1)
			fail_msg("accepted: %s", bad[i].to);
	}
}

/* More instances than a region may hold: refused, not cut. */
static void
test_huge(void **state)
{
	struct vg_buf b;
	struct disc_cache c;
	char *text;
	size_t i;

	(void)state;
	buf_init(&b);
	buf_addf(&b, "{\"version\":1,\"written\":1,\"regions\":[{\"region\":"
	    "\"cn-hangzhou\",\"fetched\":1,\"instances\":[");
	for (i = 0; i <= DISC_REGION_INST_MAX; i++)
		buf_addf(&b, "%s{\"id\":\"i-%zu\",\"name\":\"\",\"description\":"
		    "\"\",\"os\":\"linux\",\"status\":\"Running\",\"tags\":[],"
		    "\"seen\":1}", i > 0 ? "," : "", i);
	buf_addf(&b, "]}]}");
	text = buf_take(&b);
	assert_non_null(text);
	assert_int_equal(parse(text, &c), -1);
	free(text);
}

/* ------------------------------------------------------------------ */
/* pages */

static void
test_page(void **state)
{
	static const char page[] =
	    "{\"RequestId\":\"r\",\"NextToken\":\"t1\",\"Instances\":{"
	    "\"Instance\":[{\"InstanceId\":\"i-1\",\"InstanceName\":"
	    "\"web\\u0000x\",\"Status\":\"Running\",\"Description\":\"ok\"},"
	    "{\"InstanceId\":\"i-2\",\"InstanceName\":\"bad\\udc00\","
	    "\"Status\":\"Stopped\",\"OSType\":\"windows\",\"Tags\":{\"Tag\":"
	    "[{\"TagKey\":\"env\",\"TagValue\":\"prod\"},{\"TagKey\":\"x y\","
	    "\"TagValue\":\"z\"}]}}]}}";
	struct vg_cloud_err e;
	struct disc_region r;
	char token[64];

	(void)state;
	disc_region_init(&r, "cn-hangzhou");
	cloud_err_clear(&e);
	assert_int_equal(discover_parse_page("", 200, page, strlen(page), NOW,
	    &r, token, sizeof(token), &e), 0);
	assert_string_equal(token, "t1");
	assert_int_equal(r.inv.n, 2);
	/* a NUL or a lone surrogate: the name is dropped, not the page */
	assert_string_equal(r.inv.inst[0].name, "");
	assert_string_equal(r.inv.inst[1].name, "");
	assert_true(r.inv.inst[1].windows);
	assert_int_equal(r.inv.inst[1].ntags, 1);
	assert_string_equal(r.inv.inst[1].tags[0], "env=prod");
	assert_int_equal(r.inv.inst[0].seen, NOW);
	disc_region_free(&r);
}

static void
test_page_garbled(void **state)
{
	static const char *const pages[] = {
		"{\"Instances\":{\"Instance\":[]}}",		/* no token */
		"{\"NextToken\":\"\",\"Instances\":[]}",	/* shape */
		"{\"NextToken\":\"\",\"Instances\":{\"Instance\":[{"
		    "\"InstanceId\":1,\"Status\":\"Running\"}]}}",
		"{\"NextToken\":\"\",\"Instances\":{\"Instance\":[{"
		    "\"InstanceId\":\"i-1\",\"Status\":null}]}}",
		"{\"NextToken\":\"\",\"Instances\":{\"Instance\":[{"
		    "\"InstanceId\":\"i-1\",\"Status\":\"Running\","
		    "\"Tags\":{\"Tag\":\"x\"}}]}}",
		"{\"NextToken\":\"\",\"NextToken\":\"a\"}",
		"{\"NextToken\":\"a b\"}",
		"{\"NextToken\":\"\",\"Instances\":{\"Instance\":[",
	};
	struct vg_cloud_err e;
	struct disc_region r;
	char token[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		disc_region_init(&r, "cn-hangzhou");
		if (discover_parse_page("", 200, pages[i], strlen(pages[i]),
		    NOW, &r, token, sizeof(token), &e) != -1)
			fail_msg("accepted: %s", pages[i]);
		disc_region_free(&r);
	}
}

/* ------------------------------------------------------------------ */
/* the rules */

static void
add(struct vg_inventory *inv, const char *name, const char *id,
    const char *region, long long seen)
{
	struct vg_instance in;

	memset(&in, 0, sizeof(in));
	vg_strlcpy(in.name, name, sizeof(in.name));
	vg_strlcpy(in.id, id, sizeof(in.id));
	vg_strlcpy(in.region, region, sizeof(in.region));
	vg_strlcpy(in.status, "Running", sizeof(in.status));
	in.seen = seen;
	assert_non_null(inventory_add(inv, &in, 1));
}

/* A failed region keeps its entry; stale_after counts from last seen. */
static void
test_fold(void **state)
{
	struct disc_region fresh[2];
	struct disc_cache c;

	(void)state;
	assert_int_equal(parse(good, &c), 0);
	disc_region_init(&fresh[0], "cn-hangzhou");
	disc_region_init(&fresh[1], "cn-shanghai");
	/* hangzhou answers without i-a2 (seen 10,000 s ago) */
	add(&fresh[0].inv, "web-1", "i-a1", "cn-hangzhou", NOW + 10);
	fresh[0].ok = 1;
	fresh[1].ok = 0;		/* shanghai failed */
	assert_int_equal(disc_cache_fold(&c, fresh, 2, NOW + 10, 10010), 0);
	assert_int_equal(c.n, 2);
	/* seen 10,010 s ago: gone at stale_after 10010 */
	assert_int_equal(c.r[0].inv.n, 1);
	assert_int_equal(fresh[0].removed, 1);
	assert_int_equal(c.r[1].inv.n, 1);
	disc_region_free(&fresh[0]);
	disc_region_free(&fresh[1]);
	disc_cache_free(&c);

	assert_int_equal(parse(good, &c), 0);
	disc_region_init(&fresh[0], "cn-hangzhou");
	fresh[0].ok = 1;
	/* one second less: still listed */
	assert_int_equal(disc_cache_fold(&c, fresh, 1, NOW + 10, 10011), 0);
	assert_int_equal(c.n, 1);	/* shanghai was not asked: dropped */
	assert_int_equal(c.r[0].inv.n, 2);
	assert_int_equal(fresh[0].removed, 0);
	disc_region_free(&fresh[0]);
	disc_cache_free(&c);
}

static const struct vg_instance *
named(const struct vg_inventory *inv, const char *id)
{
	const struct vg_instance *in = inventory_by_id(inv, id);

	assert_non_null(in);
	return in;
}

static void
test_merge(void **state)
{
	struct vg_inventory blocks, inv;
	struct disc_cache c;
	struct vg_instance b;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.r = calloc(2, sizeof(*c.r));
	assert_non_null(c.r);
	c.n = 1;
	disc_region_init(&c.r[0], "cn-hangzhou");
	add(&c.r[0].inv, "twin", "i-t1", "cn-hangzhou", NOW);
	add(&c.r[0].inv, "twin", "i-t2", "cn-hangzhou", NOW);
	add(&c.r[0].inv, "i-t1", "i-alias", "cn-hangzhou", NOW);
	add(&c.r[0].inv, "cfg-name", "i-other", "cn-hangzhou", NOW);
	add(&c.r[0].inv, "cloud", "i-cfg", "cn-hangzhou", NOW);
	add(&c.r[0].inv, "solo", "i-solo", "cn-hangzhou", NOW);
	inventory_init(&blocks);
	memset(&b, 0, sizeof(b));
	vg_strlcpy(b.name, "cfg-name", sizeof(b.name));
	vg_strlcpy(b.id, "i-cfg", sizeof(b.id));
	vg_strlcpy(b.region, "cn-beijing", sizeof(b.region));
	b.windows = 1;
	b.description = (char *)"from the config";
	assert_non_null(inventory_add(&blocks, &b, 1));
	inventory_init(&inv);
	assert_int_equal(discover_merge(&blocks, &c, &inv), 0);
	assert_int_equal(inv.n, 6);
	/* a name two instances share names neither */
	assert_string_equal(named(&inv, "i-t1")->name, "i-t1");
	assert_string_equal(named(&inv, "i-t2")->name, "i-t2");
	assert_null(inventory_by_name(&inv, "twin"));
	/* a name that is another's ID is not taken */
	assert_string_equal(named(&inv, "i-alias")->name, "i-alias");
	assert_string_equal(inventory_find(&inv, "i-t1")->id, "i-t1");
	/* a block's name wins over the cloud's */
	assert_string_equal(named(&inv, "i-other")->name, "i-other");
	/* a block over a discovered ID: its name, os, description; the
	 * cloud's region and status */
	assert_string_equal(named(&inv, "i-cfg")->name, "cfg-name");
	assert_true(named(&inv, "i-cfg")->windows);
	assert_string_equal(named(&inv, "i-cfg")->description,
	    "from the config");
	assert_string_equal(named(&inv, "i-cfg")->region, "cn-hangzhou");
	assert_string_equal(named(&inv, "i-cfg")->status, "Running");
	assert_null(inventory_by_name(&inv, "cloud"));
	assert_string_equal(named(&inv, "i-solo")->name, "solo");
	inventory_free(&inv);
	inventory_free(&blocks);
	disc_cache_free(&c);
}

/* The file: written 0660 beside, read back; a symlink is refused. */
static void
test_file(void **state)
{
	struct disc_cache c, d;
	char dir[64], err[VG_ERRLEN], path[128];
	struct stat st;
	int fd;

	(void)state;
	unit_tmpdir(dir, sizeof(dir), "discover");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(disc_cache_read(fd, &c, err, sizeof(err)), 1);
	assert_int_equal(parse(good, &c), 0);
	assert_int_equal(disc_cache_write(fd, &c, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, DISC_CACHE_NAME);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(disc_cache_read(fd, &d, err, sizeof(err)), 0);
	assert_int_equal(d.n, 2);
	disc_cache_free(&d);
	disc_cache_free(&c);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(disc_cache_read(fd, &d, err, sizeof(err)), -1);
	close(fd);
	assert_int_equal(nftw(dir, unit_rm_one, 8, FTW_DEPTH | FTW_PHYS), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_page_garbled),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
