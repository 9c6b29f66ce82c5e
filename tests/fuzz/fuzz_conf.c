/* SPDX-License-Identifier: ISC */
/*
 * vncgate.conf parser: conf_load on any bytes.  Beyond memory safety, a
 * config that loads must hold only what DESIGN 1.5 allows, since the
 * shell trusts those values from then on.
 */
#include <string.h>

#include "conf.h"
#include "util.h"
#include "fuzz.h"

static void
check_instances(const struct vg_conf *conf)
{
	const struct vg_instance *in;
	size_t i, j;

	for (i = 0; i < conf->inv.n; i++) {
		in = &conf->inv.inst[i];
		FZ_CHECK(vg_valid_instance_name(in->name));
		FZ_CHECK(vg_valid_instance_id(in->id));
		FZ_CHECK(vg_valid_region(in->region));
		FZ_CHECK(in->description != NULL);
		FZ_CHECK(strlen(in->description) <= 256);
		for (j = 0; j < in->ntags; j++)
			FZ_CHECK(strchr(in->tags[j], '=') != NULL);
		/* names and IDs are unique: a lookup finds this one */
		FZ_CHECK(inventory_find(&conf->inv, in->name) == in);
		FZ_CHECK(inventory_find(&conf->inv, in->id) == in);
	}
}

static void
check_conf(const struct vg_conf *conf)
{
	FZ_CHECK(conf->url_ttl >= 1 && conf->url_ttl <= 300);
	FZ_CHECK(conf->idle_timeout >= 10 && conf->idle_timeout <= 86400);
	FZ_CHECK(conf->api.connect_timeout >= 1);
	FZ_CHECK(conf->api.timeout >= conf->api.connect_timeout);
	FZ_CHECK(conf->api.retries >= 0 && conf->api.retries <= 5);
	FZ_CHECK(conf->api.sts_endpoint != NULL &&
	    conf->api.sts_endpoint[0] != '\0');
	FZ_CHECK(strncmp(conf->console_page, "https://", 8) == 0);
	FZ_CHECK(vg_valid_region(conf->api.region));
	check_instances(conf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secfile_policy pol;
	struct vg_diags diags;
	struct vg_conf conf;
	char line[600];
	size_t i;

	secfile_policy_default(&pol, 0);
	diag_init(&diags);
	if (conf_load(fz_file(data, size), &pol, &conf, &diags) == 0) {
		FZ_CHECK(diags.n == 0);
		check_conf(&conf);
		conf_free(&conf);
		return 0;
	}
	/* a refusal always says why */
	FZ_CHECK(diags.n > 0);
	for (i = 0; i < diags.n; i++)
		diag_format(&diags.d[i], line, sizeof(line));
	return 0;
}
