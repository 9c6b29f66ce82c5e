/* SPDX-License-Identifier: ISC */
/*
 * One refresh of the inventory cache (DESIGN 1.10, see discover.h):
 * the listing's credentials, the regions (inventory.regions, or what
 * DescribeRegions lists for {"*"}), each region listed in a thread of
 * its own with a client of its own (so a refresh takes as long as the
 * slowest region, not the sum), then the fold and the write.  And the
 * lock beside the cache that makes one run the refresher.
 *
 * The threads share nothing but what they only read (the config, the
 * credentials); each writes its own struct disc_region.  Everything
 * they call is thread-safe: libcurl with one easy handle each and the
 * global init done before, jansson, OpenSSL 3, getrandom.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "discover.h"
#include "ratelimit.h"
#include "statefile.h"
#include "util.h"

/* The listing: at most this many times api.timeout, all regions. */
#define REFRESH_TIMEOUTS	6

struct job {
	const struct http_opts	*opts;
	struct disc_call	 call;
	struct disc_region	*r;
	pthread_t		 tid;
	int			 started;
};

static void *
job_run(void *arg)
{
	struct job *j = arg;
	struct disc_call call = j->call;
	char why[VG_ERRLEN];

	if (http_client_new(&call.http, j->opts, why, sizeof(why)) == -1) {
		cloud_err_detail(&j->r->err, "ClientError", "DescribeInstances",
		    "%s", why);
		return NULL;
	}
	(void)discover_region(&call, j->r);
	http_client_free(call.http);
	return NULL;
}

/* Each region in a thread; one that cannot start runs here. */
static void
list_all(const struct disc_call *call, const struct http_opts *opts,
    struct disc_region *r, size_t n)
{
	struct job *jobs;
	size_t i;

	if ((jobs = calloc(n + 1, sizeof(*jobs))) == NULL) {
		for (i = 0; i < n; i++)
			(void)discover_region(call, &r[i]);
		return;
	}
	for (i = 0; i < n; i++) {
		jobs[i].opts = opts;
		jobs[i].call = *call;
		jobs[i].r = &r[i];
		jobs[i].started = pthread_create(&jobs[i].tid, NULL, job_run,
		    &jobs[i]) == 0;
	}
	for (i = 0; i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].tid, NULL);
		else
			(void)discover_region(call, &r[i]);
	}
	free(jobs);
}

/* The regions to list: inventory.regions, or DescribeRegions's. */
static int
pick_regions(const struct disc_call *call, struct disc_refresh *out)
{
	const struct vg_conf *cf = call->conf;
	char **ids = NULL;
	size_t i, n = 0;
	int rc = 0;

	if (cf->inventory.all_regions) {
		if (discover_regions(call, &ids, &n, &out->requests,
		    &out->err) == -1)
			return -1;
	} else {
		ids = cf->inventory.regions;
		n = cf->inventory.nregions;
	}
	if ((out->r = calloc(n + 1, sizeof(*out->r))) == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++)
		disc_region_init(&out->r[out->n++], ids[i]);
	if (cf->inventory.all_regions)
		discover_free_ids(ids, n);
	if (rc == -1)
		cloud_err_detail(&out->err, "ClientError", NULL, "out of "
		    "memory");
	return rc;
}

static void
sum_up(struct disc_refresh *out, const struct disc_cache *c)
{
	size_t i;

	out->ok = 1;
	for (i = 0; i < out->n; i++) {
		out->ok &= out->r[i].ok;
		out->requests += out->r[i].requests;
		out->added += out->r[i].added;
		out->removed += out->r[i].removed;
	}
	for (i = 0, out->count = 0; i < c->n; i++)
		out->count += c->r[i].inv.n;
}

static int
any_ok(const struct disc_refresh *out)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		if (out->r[i].ok)
			return 1;
	return 0;
}

int
discover_refresh(const struct disc_refresh_in *in, struct disc_cache *c,
    struct disc_refresh *out)
{
	const struct vg_conf *cf = in->conf;
	const struct creds_who who = { NULL, NULL, 1 };
	long long t0 = vg_now_ms();
	struct disc_call call;
	char why[VG_ERRLEN];

	memset(out, 0, sizeof(*out));
	memset(&call, 0, sizeof(call));
	call.http = in->http;
	call.conf = cf;
	call.deadline = t0 + 1000LL * cf->api.timeout * REFRESH_TIMEOUTS;
	if (creds_get(in->creds, &who, NULL, time(NULL), &call.creds,
	    &out->err) == -1 || pick_regions(&call, out) == -1) {
		out->latency_ms = vg_now_ms() - t0;
		return -1;
	}
	list_all(&call, in->opts, out->r, out->n);
	out->latency_ms = vg_now_ms() - t0;
	if (disc_cache_fold(c, out->r, out->n, (long long)time(NULL),
	    cf->inventory.stale_after) == -1) {
		cloud_err_detail(&out->err, "ClientError", NULL, "out of "
		    "memory");
		return -1;
	}
	sum_up(out, c);
	/* nothing new: the last good cache stays byte for byte */
	if (!any_ok(out))
		return -1;
	if (disc_cache_write(in->dirfd, c, why, sizeof(why)) == -1) {
		cloud_err_detail(&out->err, "CacheError", NULL, "%s", why);
		out->ok = 0;
		return -1;
	}
	return out->ok ? 0 : -1;
}

void
disc_refresh_free(struct disc_refresh *out)
{
	disc_regions_free(out->r, out->n);
	memset(out, 0, sizeof(*out));
}

/* The lock --------------------------------------------------------------- */

int
discover_lock(int dirfd, long long deadline, char *err, size_t errlen)
{
	char why[VG_ERRLEN];
	int fd;

	if ((fd = statefile_open(dirfd, DISC_LOCK_NAME, STATEFILE_CREATE, why,
	    sizeof(why))) == -1) {
		vg_seterr(err, errlen, "%s %s", DISC_LOCK_NAME, why);
		return -1;
	}
	if (statefile_lock(fd, LOCK_EX, deadline) == -1) {
		vg_seterr(err, errlen, errno == EWOULDBLOCK ? "another run "
		    "is refreshing the inventory" : "%s cannot be locked",
		    DISC_LOCK_NAME);
		close(fd);
		return -1;
	}
	return fd;
}

/* The inventory of a run ------------------------------------------------- */

int
discover_apply(struct vg_conf *conf, struct disc_cache *c)
{
	struct vg_inventory inv;

	inventory_init(&inv);
	if (discover_merge(&conf->inv, c, &inv) == -1) {
		inventory_free(&inv);
		return -1;
	}
	inventory_free(&conf->inv);
	conf->inv = inv;
	return 0;
}

int
discover_apply_cache(struct vg_conf *conf, const struct secfile_policy *owner,
    char *err, size_t errlen)
{
	struct disc_cache c;
	int dirfd, rc;

	if (!conf->inventory.discover)
		return 0;
	if ((dirfd = ratelimit_dir_open(conf->limits.state_dir, owner, err,
	    errlen)) == -1)
		return -1;
	rc = disc_cache_read(dirfd, &c, err, errlen);
	close(dirfd);
	if (rc == 1)
		return 0;
	if (rc == 0 && (rc = discover_apply(conf, &c)) == -1)
		vg_seterr(err, errlen, "out of memory");
	disc_cache_free(&c);
	return rc;
}
