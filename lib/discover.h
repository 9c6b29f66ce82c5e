/* SPDX-License-Identifier: ISC */
/*
 * The inventory from the cloud (DESIGN 1.10).  discover.c lists one
 * region (DescribeInstances, every page, DryRun before an empty answer
 * is trusted) and the regions (DescribeRegions); discover_cache.c reads
 * and writes the cache, <state_dir>/inventory.json, as strictly as the
 * config; discover_merge.c folds a fresh listing into the cache (a
 * failed region keeps its last good data, stale_after) and the cache
 * with the config's instance blocks into the inventory the ACL, the
 * menu and the issuance see; discover_refresh.c is the refresh itself:
 * the credentials of the listing, the regions in parallel, the lock.
 *
 * Everything the cloud says is untrusted: a name that breaks the name
 * charset, or that another instance has too, leaves the instance known
 * by its ID alone; a description with control bytes is dropped; a tag
 * that is no K=V of the tag charset is dropped (it could match no rule
 * anyway); a garbled page fails its region.
 */
#ifndef VG_DISCOVER_H
#define VG_DISCOVER_H

#include <stddef.h>

#include "cloud.h"
#include "conf.h"
#include "creds.h"
#include "http.h"
#include "inventory.h"
#include "secfile.h"

#define DISC_CACHE_NAME		"inventory.json"
#define DISC_LOCK_NAME		"inventory.lock"
#define DISC_CACHE_VERSION	1
#define DISC_REGIONS_MAX	64	/* regions in one refresh */
#define DISC_REGION_INST_MAX	50000	/* instances of one region */
#define DISC_CACHE_MAX		(256L * 1024 * 1024)	/* bytes */
#define DISC_PAGE_SIZE		100	/* MaxResults */

/*
 * One region as last listed: its instances (name: the cloud's name when
 * it fits the charset, else ""; seen: when last in an answer), when the
 * listing ended, and for a refresh what it cost and how it ended.
 */
struct disc_region {
	char			 region[INVENTORY_REGION_MAX + 1];
	long long		 fetched;	/* epoch s; 0: never */
	struct vg_inventory	 inv;
	/* a refresh's: */
	int			 ok;
	int			 requests;
	long long		 latency_ms;
	size_t			 added, removed;
	struct vg_cloud_err	 err;
};

/* The cache: the regions that were listed whole at least once. */
struct disc_cache {
	long long		 written;	/* epoch s */
	struct disc_region	*r;
	size_t			 n;
};

/* discover.c ------------------------------------------------------------ */

/* What one listing needs. */
struct disc_call {
	struct http_client	*http;
	const struct vg_conf	*conf;
	const struct vg_creds	*creds;
	long long		 deadline;	/* vg_now_ms(): the listing's
						   last moment */
};

/*
 * Every page of DescribeInstances for out->region (MaxResults 100,
 * NextToken until it is empty, the tag filters of inventory.tags),
 * each page retried as DESIGN 2.2 says; an empty answer is trusted only
 * after DryRun=true answers DryRunOperation.  0 with out->inv filled and
 * out->ok set, or -1 with out->err (the partial listing is dropped).
 * out->requests counts every request sent.
 */
int	discover_region(const struct disc_call *, struct disc_region *out);

/*
 * DescribeRegions (in api.region): the RegionIds into *ids (at most
 * DISC_REGIONS_MAX, each checked), freed with discover_free_ids.
 */
int	discover_regions(const struct disc_call *, char ***ids, size_t *n,
	    int *requests, struct vg_cloud_err *);
void	discover_free_ids(char **ids, size_t n);

/*
 * One page of DescribeInstances (status and body) into r->inv; its
 * NextToken into token.  -1 with err: a garbled page.  For tests and
 * fuzzing.
 */
int	discover_parse_page(const char *name_tag, long status,
	    const char *body, size_t len, long long now, struct disc_region *r,
	    char *token, size_t tokenlen, struct vg_cloud_err *err);

/* discover_cache.c ------------------------------------------------------ */

void	disc_region_init(struct disc_region *, const char *region);
void	disc_region_free(struct disc_region *);
/* n regions and the array that holds them (NULL: nothing). */
void	disc_regions_free(struct disc_region *, size_t n);
void	disc_cache_free(struct disc_cache *);

/*
 * The cache's text into c (discover_read.c): exactly what
 * disc_cache_dump writes, every field through the inventory's checks,
 * counts and sizes bounded, no ID twice.  Any fault refuses the whole
 * text: -1, err says where, c holds nothing.  The regions' instances
 * are not indexed (inventory_take): walk them.
 */
int	disc_cache_parse(const char *text, size_t len, struct disc_cache *c,
	    char *err, size_t errlen);
/* c as the cache's text (NUL-terminated, *len bytes); NULL: no memory. */
char	*disc_cache_dump(const struct disc_cache *c, size_t *len);

/*
 * Read DISC_CACHE_NAME from the state folder dirfd (statefile rules).
 * 0: read; 1: there is none; -1: refused (err says why).
 */
int	disc_cache_read(int dirfd, struct disc_cache *c, char *err,
	    size_t errlen);
/* Replace it: written beside, synced, renamed (the lock held). */
int	disc_cache_write(int dirfd, const struct disc_cache *c, char *err,
	    size_t errlen);

/* discover_merge.c ------------------------------------------------------ */

/*
 * Fold the regions of a refresh into c: a region listed whole replaces
 * its entry, keeping for stale_after seconds after they were last seen
 * the instances its new answer lacks (fresh->added and ->removed count
 * the changes); a failed one leaves its entry as it was.  Takes the
 * instances of fresh (its inv is left empty).
 */
int	disc_cache_fold(struct disc_cache *c, struct disc_region *fresh,
	    size_t n, long long now, long stale_after);

/*
 * The inventory the run sees: the config's instance blocks, then every
 * cached instance (DESIGN 1.10: names, collisions, the blocks that set
 * a discovered ID's name, description and os) into inv, which the
 * caller made empty.  The cached instances' strings move into inv: c is
 * then only to be freed.
 */
int	discover_merge(const struct vg_inventory *blocks, struct disc_cache *c,
	    struct vg_inventory *inv);

/* discover_refresh.c ---------------------------------------------------- */

/* What a refresh needs: the caller's client and credentials. */
struct disc_refresh_in {
	const struct vg_conf	*conf;
	struct http_client	*http;		/* for STS, DescribeRegions */
	const struct http_opts	*opts;		/* a client per region */
	struct creds_ctx	*creds;
	int			 dirfd;		/* the state folder */
};

/* How a refresh went: per region, and in sum (the inventory record). */
struct disc_refresh {
	struct disc_region	*r;		/* the regions listed */
	size_t			 n;
	struct vg_cloud_err	 err;		/* before any region: the
						   credentials, DescribeRegions,
						   or the cache's write */
	int			 ok;		/* every region listed */
	int			 requests;
	long long		 latency_ms;
	size_t			 count, added, removed;
};

/*
 * Refresh c (the last good cache, or empty) with the caller holding
 * discover_lock: the listing's credentials, the regions listed in
 * parallel, folded into c (a failed region keeps its entry), and c
 * written when any region was listed.  0 when every region was; -1
 * otherwise (out says what failed, c stays the last good cache with
 * whatever regions did succeed).  Free out with disc_refresh_free.
 */
int	discover_refresh(const struct disc_refresh_in *, struct disc_cache *c,
	    struct disc_refresh *out);
void	disc_refresh_free(struct disc_refresh *);

/*
 * conf->inv becomes the blocks and c merged (discover_merge; c is then
 * only to be freed); -1 when out of memory (conf->inv unchanged).
 */
int	discover_apply(struct vg_conf *conf, struct disc_cache *c);
/*
 * With inventory.discover, the cache as it is (no refresh, no network)
 * merged into conf->inv: for -t -C and pam_vncgate, which decide for the
 * instances the shell would show.  0 also when there is no cache yet;
 * -1 and err when it cannot be read or is refused (conf->inv unchanged:
 * the blocks alone, the narrower inventory).
 */
int	discover_apply_cache(struct vg_conf *conf,
	    const struct secfile_policy *owner, char *err, size_t errlen);

/*
 * Take the refresh lock (DISC_LOCK_NAME beside the cache) by deadline
 * (a vg_now_ms() time; a past one tries once): the fd, which the caller
 * closes to let go, or -1 and err.
 */
int	discover_lock(int dirfd, long long deadline, char *err,
	    size_t errlen);

#endif
