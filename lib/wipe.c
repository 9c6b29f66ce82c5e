/* SPDX-License-Identifier: ISC */
/*
 * Allocators that wipe what they free (see wipe.h).  The whole usable
 * size is wiped, not only what was asked for: a library may have written
 * a secret anywhere in its block.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "wipe.h"

void *
vg_wipe_malloc(size_t n)
{
	return malloc(n);
}

void *
vg_wipe_calloc(size_t n, size_t size)
{
	return calloc(n, size);
}

char *
vg_wipe_strdup(const char *s)
{
	return strdup(s);
}

void
vg_wipe_free(void *p)
{
	if (p == NULL)
		return;
	vg_wipe(p, malloc_usable_size(p));
	free(p);
}

/*
 * realloc would leave the old block's bytes behind when it moves it, so
 * a block that must grow moves here: a new one, the copy, the old one
 * wiped and freed.  One that fits stays where it is (a shrink releases
 * nothing: the whole block is wiped when it is freed).  Size 0 frees, as
 * glibc's realloc does, which is what the libraries were written for.
 */
void *
vg_wipe_realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		vg_wipe_free(p);
		return NULL;
	}
	old = malloc_usable_size(p);
	if (n <= old)
		return p;
	if ((q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, old);
	vg_wipe_free(p);
	return q;
}
