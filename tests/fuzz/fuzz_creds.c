/* SPDX-License-Identifier: ISC */
/*
 * Role credentials answers: creds_parse_imds (the metadata service) and
 * creds_parse_sts (AssumeRole) on the same bytes, and creds_parse_time on
 * them as a string.  Accepted credentials are printable and expire;
 * refused ones leave nothing behind, and the sentence never quotes a
 * secret from the answer.  The RoleSessionName (DESIGN 1.11) on the same
 * string: a name that reads back is the one spelling of its user and
 * ticket, and a user and ticket (split at the first newline) that map
 * read back exactly.
 */
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "creds.h"
#include "fuzz.h"

/* Characters no error sentence of creds_parse.c holds. */
#define MARKS	"@#$^|~`"

static void
no_secret_in(const char *err, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	const char *s;

	if (!json_is_string(v))
		return;
	s = json_string_value(v);
	/* a value with a mark cannot be part of a fixed sentence */
	if (strlen(s) >= 4 && strpbrk(s, MARKS) != NULL)
		FZ_CHECK(strstr(err, s) == NULL);
}

static void
check(int rc, const struct vg_creds *c, const char *err, json_t *o)
{
	const char *s;

	if (rc == 0) {
		FZ_CHECK(c->id[0] != '\0' && c->secret != NULL &&
		    c->token != NULL && c->expiration > 0);
		for (s = c->secret; *s != '\0'; s++)
			FZ_CHECK(*s > 0x20 && *s < 0x7f);
		for (s = c->token; *s != '\0'; s++)
			FZ_CHECK(*s > 0x20 && *s < 0x7f);
		return;
	}
	FZ_CHECK(c->id[0] == '\0' && c->secret == NULL && c->token == NULL);
	FZ_CHECK(err[0] != '\0');
	if (o != NULL) {
		no_secret_in(err, o, "AccessKeySecret");
		no_secret_in(err, o, "SecurityToken");
	}
}

/* An accepted time prints back as the same date and time. */
static void
check_time(const char *s)
{
	char back[32];
	struct tm tm;
	time_t t;

	if (creds_parse_time(s, &t) == -1)
		return;
	FZ_CHECK(gmtime_r(&t, &tm) != NULL);
	FZ_CHECK(strftime(back, sizeof(back), "%Y-%m-%dT%H:%M:%S", &tm) ==
	    19);
	FZ_CHECK(strncmp(back, s, 19) == 0);
}

static void
check_session(char *s)
{
	char name[65], again[65], user[256], ticket[256], *nl;

	if (creds_session_read(s, user, sizeof(user), ticket,
	    sizeof(ticket)) == 0) {
		FZ_CHECK(creds_session_name_ticket(user, ticket, again,
		    sizeof(again)) == 0);
		FZ_CHECK(strcmp(again, s) == 0);
	}
	if ((nl = strchr(s, '\n')) != NULL)
		*nl++ = '\0';
	if (creds_session_name_ticket(s, nl, name, sizeof(name)) == -1)
		return;
	FZ_CHECK(strlen(name) >= 2 && strlen(name) <= 64);
	FZ_CHECK(strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
	    "uvwxyz0123456789.@_-") == strlen(name));
	FZ_CHECK(creds_session_read(name, user, sizeof(user), ticket,
	    sizeof(ticket)) == 0);
	FZ_CHECK(strcmp(user, s) == 0);
	FZ_CHECK(strcmp(ticket, nl != NULL ? nl : "") == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VG_ERRLEN], *s;
	struct vg_creds c;
	json_t *root;
	int rc;

	root = json_loadb((const char *)data, size, 0, NULL);
	err[0] = '\0';
	rc = creds_parse_imds((const char *)data, size, &c, err, sizeof(err));
	check(rc, &c, err, root);
	creds_wipe(&c);
	err[0] = '\0';
	rc = creds_parse_sts((const char *)data, size, &c, err, sizeof(err));
	check(rc, &c, err, json_object_get(root, "Credentials"));
	creds_wipe(&c);
	json_decref(root);
	s = fz_string(data, size);
	check_time(s);
	check_session(s);
	free(s);
	return 0;
}
