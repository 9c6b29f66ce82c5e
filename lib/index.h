/* SPDX-License-Identifier: ISC */
/*
 * A hash index of names, and the array growth that goes with it: what
 * finds instances by name and ID (inventory.c), duplicate rule names
 * (acl_load.c) and a request's rules by user and group (acl_match.c) in
 * time linear in their number.  Part of util: plain C, no libconfuse.
 */
#ifndef VG_INDEX_H
#define VG_INDEX_H

#include <stddef.h>

/*
 * A hash index of names, for duplicate checks and lookups in time linear
 * in the file: libconfuse's own title check compares each new block with
 * every earlier one.  The entries live in the caller's array and may
 * move; key(arg, i) names entry i wherever it is now.
 */
struct vg_index_slot {
	size_t		  hash;		/* of the name, kept */
	size_t		  entry;	/* entry + 1; 0 = free */
};

struct vg_index {
	struct vg_index_slot *slots;
	size_t		  nslots;	/* 0, or a power of 2 over 2n */
	size_t		  n;
	const char	*(*key)(const void *arg, size_t i);
	const void	 *arg;
};

void	vg_index_init(struct vg_index *,
	    const char *(*key)(const void *, size_t), const void *arg);
/* The entry named name, plus one; 0 when there is none. */
size_t	vg_index_find(const struct vg_index *, const char *name);
/*
 * Index entry i under key(arg, i), unless that name is indexed already:
 * the first entry keeps it.  -1 when out of memory.
 */
int	vg_index_add(struct vg_index *, size_t i);
void	vg_index_free(struct vg_index *);

/*
 * An array of n elements with room for one more: grown by doubling when
 * n is 0 or a power of two (the capacity follows from n).  NULL when out
 * of memory; p is then still the caller's.
 */
void	*vg_grow(void *p, size_t n, size_t size);

#endif
