/* SPDX-License-Identifier: ISC */
/*
 * The hash index of names and the doubling array growth: see index.h.
 * Linear probing over a power-of-two table, FNV-1a.
 */
#include <stdlib.h>
#include <string.h>

#include "index.h"

/* FNV-1a */
static size_t
hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void
vg_index_init(struct vg_index *x,
    const char *(*key)(const void *, size_t), const void *arg)
{
	memset(x, 0, sizeof(*x));
	x->key = key;
	x->arg = arg;
}

/*
 * Where name is, or the free slot where it would go.  The stored hash is
 * compared first: a name read for nothing is a cache miss.
 */
static struct vg_index_slot *
slot(const struct vg_index *x, const char *name, size_t h)
{
	size_t i = h & (x->nslots - 1);
	struct vg_index_slot *sl;

	for (;; i = (i + 1) & (x->nslots - 1)) {
		sl = &x->slots[i];
		if (sl->entry == 0 || (sl->hash == h &&
		    strcmp(x->key(x->arg, sl->entry - 1), name) == 0))
			return sl;
	}
}

size_t
vg_index_find(const struct vg_index *x, const char *name)
{
	if (x->nslots == 0 || name == NULL)
		return 0;
	return slot(x, name, hash(name))->entry;
}

static int
rehash(struct vg_index *x)
{
	struct vg_index_slot *old = x->slots;
	size_t i, j, n = x->nslots == 0 ? 64 : x->nslots * 2;

	if ((x->slots = calloc(n, sizeof(*x->slots))) == NULL) {
		x->slots = old;
		return -1;
	}
	/* the names differ: each goes to the first free slot */
	for (i = 0, x->nslots = n; old != NULL && i < n / 2; i++) {
		if (old[i].entry == 0)
			continue;
		for (j = old[i].hash & (n - 1); x->slots[j].entry != 0;
		    j = (j + 1) & (n - 1))
			continue;
		x->slots[j] = old[i];
	}
	free(old);
	return 0;
}

int
vg_index_add(struct vg_index *x, size_t i)
{
	const char *name = x->key(x->arg, i);
	struct vg_index_slot *sl;
	size_t h = hash(name);

	if (2 * (x->n + 1) > x->nslots && rehash(x) == -1)
		return -1;
	/* a name indexed already keeps its first entry */
	if ((sl = slot(x, name, h))->entry == 0) {
		sl->hash = h;
		sl->entry = i + 1;
		x->n++;
	}
	return 0;
}

void *
vg_grow(void *p, size_t n, size_t size)
{
	if (n != 0 && (n & (n - 1)) != 0)
		return p;
	return reallocarray(p, n == 0 ? 1 : 2 * n, size);
}

void
vg_index_free(struct vg_index *x)
{
	free(x->slots);
	x->slots = NULL;
	x->nslots = x->n = 0;
}
