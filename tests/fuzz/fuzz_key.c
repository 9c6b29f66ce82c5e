/* SPDX-License-Identifier: ISC */
/*
 * The access_key file's own reader (lib/conf_key.c): conf_load_access_key
 * on any bytes.  Beyond memory safety: a key that loads passes the rules
 * of DESIGN 1.5, a refusal says why, and no problem ever quotes the
 * file, which holds the secret: each one is one of the reader's fixed
 * sentences.
 */
#include <string.h>

#include "conf.h"
#include "util.h"
#include "fuzz.h"

/* What a problem of the key file may say, after "FILE[:LINE]: ". */
static const char *const sentences[] = {
	"syntax error (details withheld: the file holds a secret)",
	"access_key_id must be 1-128 of A-Z a-z 0-9 .",
	"access_key_secret must be 1-256 printable characters without spaces",
	"access_key_id must not be empty",
	"access_key_secret must not be empty",
	"access_key_id is missing",
	"access_key_secret is missing",
	"${...} (environment substitution) is not allowed",
	"a NUL byte is not allowed",
	"out of memory",
};

static int
known(const char *msg)
{
	size_t i;

	for (i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++)
		if (strcmp(msg, sentences[i]) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secfile_policy pol;
	struct vg_diags diags;
	char *id, *secret;
	size_t i;

	secfile_policy_default(&pol, 0);
	diag_init(&diags);
	if (conf_load_access_key(fz_file(data, size), &pol, &id, &secret,
	    &diags) == 0) {
		FZ_CHECK(diags.n == 0);
		FZ_CHECK(vg_alnum_ok(id, ".", 128));
		FZ_CHECK(secret[0] != '\0' && strlen(secret) <= 256);
		for (i = 0; secret[i] != '\0'; i++)
			FZ_CHECK(secret[i] > 0x20 && secret[i] < 0x7f);
		vg_freestr(id);
		vg_freestr(secret);
		return 0;
	}
	FZ_CHECK(id == NULL && secret == NULL);
	FZ_CHECK(diags.n > 0);
	for (i = 0; i < diags.n; i++)
		FZ_CHECK(known(diags.d[i].msg));
	return 0;
}
