/* SPDX-License-Identifier: ISC */
/*
 * Allocation functions whose free wipes the block first, for the
 * libraries that copy secrets into buffers of their own: jansson (the
 * answers holding a SecurityToken or a VncUrl, and its lexer's copies)
 * and libcurl (the signed URL, the Authorization and SecurityToken
 * headers, its receive buffer).  OpenSSL needs no allocator of ours: it
 * wipes what it decrypted itself when asked (http_options.c), and its
 * allocator would cost every one of its many allocations a wipe.
 * Freed unwiped, those bytes stay in the heap until reused, and a core
 * dump, a swap page or a later bug would show them (DESIGN 1.2).
 *
 * The libraries take their allocators process-wide, so lib/ only offers
 * the functions; the program hands them over once, before the library
 * allocates anything (cloud_json_wipe, http_global_init).
 * Every block still comes from malloc: what one allocator hands out the
 * other may free.
 */
#ifndef VG_WIPE_H
#define VG_WIPE_H

#include <stddef.h>

void	*vg_wipe_malloc(size_t);
void	*vg_wipe_calloc(size_t, size_t);
char	*vg_wipe_strdup(const char *);
/* Never leaves an unwiped old block: a new one, the copy, the old wiped. */
void	*vg_wipe_realloc(void *, size_t);
/* Wipes all malloc_usable_size bytes of the block, then frees it. */
void	 vg_wipe_free(void *);

#endif
