/* SPDX-License-Identifier: ISC */
/*
 * The inventory cache (lib/discover_cache.c, DESIGN 1.10):
 * disc_cache_parse on any bytes, as every shell reads inventory.json.
 * Strict means one text per cache: whatever it accepts, disc_cache_dump
 * writes back and the parser reads again to the same text, and every
 * instance it holds passes the inventory's checks.  The same bytes as a
 * page of DescribeInstances (discover_parse_page) must never crash.
 */
#include "discover.h"
#include "fuzz.h"

static void
check_instances(const struct disc_cache *c)
{
	const struct vg_instance *in;
	size_t i, j;

	for (i = 0; i < c->n; i++)
		for (j = 0; j < c->r[i].inv.n; j++) {
			in = &c->r[i].inv.inst[j];
			FZ_CHECK(inventory_bad_id(in->id) == NULL);
			FZ_CHECK(in->name[0] == '\0' ||
			    inventory_bad_name(in->name) == NULL);
			FZ_CHECK(inventory_bad_description(in->description) ==
			    NULL);
			FZ_CHECK(inventory_bad_status(in->status) == NULL);
		}
}

static void
page(const uint8_t *data, size_t size)
{
	struct vg_cloud_err e;
	struct disc_region r;
	char token[600];

	disc_region_init(&r, "cn-hangzhou");
	cloud_err_clear(&e);
	(void)discover_parse_page("Name", 200, (const char *)data, size, 1,
	    &r, token, sizeof(token), &e);
	disc_region_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct disc_cache c, d;
	char err[VG_ERRLEN], *once, *twice;
	size_t n1, n2;

	page(data, size);
	if (disc_cache_parse((const char *)data, size, &c, err,
	    sizeof(err)) != 0)
		return 0;
	check_instances(&c);
	once = disc_cache_dump(&c, &n1);
	FZ_CHECK(once != NULL);
	FZ_CHECK(disc_cache_parse(once, n1, &d, err, sizeof(err)) == 0);
	twice = disc_cache_dump(&d, &n2);
	FZ_CHECK(twice != NULL && n1 == n2 && memcmp(once, twice, n1) == 0);
	free(once);
	free(twice);
	disc_cache_free(&c);
	disc_cache_free(&d);
	return 0;
}
