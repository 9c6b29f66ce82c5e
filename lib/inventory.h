/* SPDX-License-Identifier: ISC */
/*
 * The inventory (DESIGN 1.5, 1.10): the instances an operator may ask
 * for, each known by its name and by its ID.  Plain data with two hash
 * indexes, filled by whoever reads instances (the instance blocks of
 * vncgate.conf, conf_parse.c) and read by the ACL, the shell and the PAM
 * module.  It stands on util only, so a reader of other sources (the
 * cloud's DescribeInstances, a cache file) can fill it the same way.
 */
#ifndef VG_INVENTORY_H
#define VG_INVENTORY_H

#include <stddef.h>

#include "index.h"

#define INVENTORY_NAME_MAX	64	/* DESIGN 1.5 */
#define INVENTORY_ID_MAX	64
#define INVENTORY_REGION_MAX	32
#define INVENTORY_DESC_MAX	256
#define INVENTORY_STATUS_MAX	15	/* Running, Stopped ... */

struct vg_instance {
	char	  name[INVENTORY_NAME_MAX + 1];
	char	  id[INVENTORY_ID_MAX + 1];
	char	  region[INVENTORY_REGION_MAX + 1];
	int	  windows;		/* os = "windows" */
	char	 *description;		/* "" when unset */
	char	**tags;			/* "K=V" strings */
	size_t	  ntags;
	/* DESIGN 1.10: the instances of the cloud; "" and 0 otherwise */
	char	  status[INVENTORY_STATUS_MAX + 1];
	long long seen;			/* epoch s, last in an answer */
};

/*
 * The instances in the order they were added, indexed.  The indexes
 * point at no address: the struct may be moved or copied whole (not
 * both kept), which is why the fields are read through the functions
 * below once it is filled.
 */
struct vg_inventory {
	struct vg_instance	*inst;
	size_t			 n;
	struct vg_index		 names;
	struct vg_index		 ids;
};

void	inventory_init(struct vg_inventory *);
void	inventory_free(struct vg_inventory *);

/*
 * Append a copy of in (its description and tags copied too), indexed by
 * its name, and by its ID when by_id (an ID that was cut short or is
 * missing must match no other).  A name or ID indexed already keeps its
 * first instance: the caller looks for duplicates first, to say so.
 * NULL when out of memory (nothing was added).
 */
struct vg_instance *inventory_add(struct vg_inventory *,
	    const struct vg_instance *in, int by_id);
/*
 * Append in as it is, with index indexed by name and ID (without, the
 * lookups below find none of them: for a list only walked, whose
 * duplicates the caller rules out): its description and tag strings
 * become the inventory's (the array of tag pointers is copied).  -1
 * when out of memory: nothing was added and in still owns them.
 */
int	inventory_take(struct vg_inventory *, struct vg_instance *in,
	    int index);
/* Give back what the doubling growth left unused at the end. */
void	inventory_trim(struct vg_inventory *);

/* The instance of that name, or of that ID; NULL when none. */
const struct vg_instance *inventory_by_name(const struct vg_inventory *,
	    const char *name);
const struct vg_instance *inventory_by_id(const struct vg_inventory *,
	    const char *id);
/* A target as the operator types it: a name first, else an ID. */
const struct vg_instance *inventory_find(const struct vg_inventory *,
	    const char *target);

/*
 * The checks of an instance's fields, for every reader (DESIGN 1.5):
 * NULL when v is fine, else what is wrong with it, as a phrase.
 */
const char *inventory_bad_name(const char *v);
const char *inventory_bad_id(const char *v);
const char *inventory_bad_description(const char *v);
const char *inventory_bad_tag(const char *v);
/* A status of the cloud: 1-15 letters. */
const char *inventory_bad_status(const char *v);

#endif
