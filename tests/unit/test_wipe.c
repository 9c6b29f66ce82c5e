/* SPDX-License-Identifier: ISC */
/*
 * wipe: the allocators that wipe what they free (lib/wipe.c), and the
 * readers that must leave no freed copy of a secret behind: the access
 * key file (lib/conf_key.c) and jansson with the hook installed.
 *
 * A freed block cannot be looked at afterwards, so this binary is linked
 * with -Wl,--wrap=free (the Makefile): every free() of lib/ and of this
 * file goes through __wrap_free, which looks for the watched secret in
 * the block's whole usable size before the real free.  The control
 * tests prove the watcher sees a secret freed unwiped.
 */
#include "unit.h"

#include <jansson.h>
#include <malloc.h>

#include "cloud.h"
#include "conf.h"
#include "util.h"
#include "wipe.h"

#define SECRET		"vgunit-SECRET-4f1c9e-value"

void	__real_free(void *);
void	__wrap_free(void *);

/* volatile: gcc takes free() for one that changes no variable of ours */
static const char *volatile watched;	/* NULL: not watching */
static volatile int seen;		/* freed blocks that held it */

void
__wrap_free(void *p)
{
	size_t n;

	if (p != NULL && watched != NULL) {
		n = malloc_usable_size(p);
		if (memmem(p, n, watched, strlen(watched)) != NULL)
			seen++;
	}
	__real_free(p);
}

static void
watch(const char *s)
{
	watched = s;
	seen = 0;
}

/* the watcher itself: a block freed as it is shows the secret */
static void
test_control_unwiped(void **state)
{
	char *p;

	(void)state;
	assert_non_null(p = strdup("x " SECRET " y"));
	assert_non_null(strstr(p, SECRET));
	watch(SECRET);
	free(p);
	assert_int_equal(seen, 1);
	watch(NULL);
}

static void
test_free_wipes(void **state)
{
	char *p;

	(void)state;
	assert_non_null(p = vg_wipe_malloc(100));
	memset(p, 'a', 100);
	/* past what was asked for: the whole usable size goes */
	memcpy(p + malloc_usable_size(p) - strlen(SECRET), SECRET,
	    strlen(SECRET));
	watch(SECRET);
	vg_wipe_free(p);
	vg_wipe_free(NULL);
	assert_int_equal(seen, 0);
	watch(NULL);
}

static void
test_realloc_leaves_nothing(void **state)
{
	char *p, *q;

	(void)state;
	assert_non_null(p = vg_wipe_strdup(SECRET));
	watch(SECRET);
	/* growing moves the block: the old one is wiped, the copy kept */
	assert_non_null(q = vg_wipe_realloc(p, 8192));
	assert_int_equal(seen, 0);
	assert_string_equal(q, SECRET);
	/* shrinking keeps it in place */
	assert_ptr_equal(vg_wipe_realloc(q, 8), q);
	/* size 0 frees, as glibc's realloc does */
	assert_null(vg_wipe_realloc(q, 0));
	assert_int_equal(seen, 0);
	watch(NULL);
	assert_non_null(p = vg_wipe_calloc(4, 4));
	assert_non_null(p = vg_wipe_realloc(p, 64));
	vg_wipe_free(p);
}

/* the access key file: no freed block of the reader held the secret */
static void
test_key_file(void **state)
{
	struct secfile_policy pol;
	struct vg_diags d;
	char dir[64], *id, *secret;
	const char *path;

	(void)state;
	unit_tmpdir(dir, sizeof(dir), "wipe");
	path = unit_write_file(dir, "access_key", "# the key\n"
	    "access_key_id = \"LTAI5tExample\"\n"
	    "access_key_secret = \"" SECRET "\"\n", 0640);
	memset(&pol, 0, sizeof(pol));
	pol.owner = getuid();
	pol.allow_ruid = 1;
	pol.ruid = getuid();
	pol.no_world_read = 1;
	diag_init(&d);
	watch(SECRET);
	assert_int_equal(conf_load_access_key(path, &pol, &id, &secret, &d),
	    0);
	assert_string_equal(secret, SECRET);
	assert_int_equal(seen, 0);
	vg_freestr(id);
	vg_freestr(secret);
	assert_int_equal(seen, 0);
	watch(NULL);
	assert_int_equal(unit_rm_tree(dir), 0);
}

/* jansson with cloud_json_wipe: its copies are freed wiped */
static void
test_json_hook(void **state)
{
	const char *text = "{\"SecurityToken\": \"" SECRET "\", "
	    "\"" SECRET "\": 1}";
	json_t *root;

	(void)state;
	/* the control: jansson's copies, freed as they are */
	json_set_alloc_funcs(malloc, free);
	watch(SECRET);
	assert_non_null(root = json_loads(text, 0, NULL));
	json_decref(root);
	assert_true(seen > 0);
	cloud_json_wipe();
	watch(SECRET);
	assert_non_null(root = json_loads(text, 0, NULL));
	json_decref(root);
	assert_int_equal(seen, 0);
	watch(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_unwiped),
		cmocka_unit_test(test_free_wipes),
		cmocka_unit_test(test_realloc_leaves_nothing),
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_json_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
