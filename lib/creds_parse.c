/* SPDX-License-Identifier: ISC */
/*
 * Credentials as they arrive, read and checked: the answers of the
 * metadata service and of STS AssumeRole (their JSON and Expiration,
 * doc/wire.md e, f), and the access_key file, which is the static
 * provider's credentials and the key that signs AssumeRole.  Also their
 * wiping: every provider stands on this file.
 *
 * The input is untrusted and holds secrets: every field is checked for
 * length and characters, an error names the field but never its value,
 * and jansson's copies are wiped before the tree is freed (cloud.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "creds_int.h"
#include "util.h"

/* the operator's sentence, as cloud_error.c words them */
#define KEY_MSG		N_("the bastion's access key file is unusable; " \
			"tell your admin")

void
creds_wipe(struct vg_creds *cr)
{
	if (cr == NULL)
		return;
	vg_freestr(cr->secret);
	vg_freestr(cr->token);
	vg_wipe(cr, sizeof(*cr));
	memset(cr, 0, sizeof(*cr));
}

/* ------------------------------------------------------------------ */
/* Expiration */

static int
num(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int
creds_parse_time(const char *s, time_t *out)
{
	static const char p20[] = "dddd-dd-ddTdd:dd:ddZ";
	static const char p24[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	const char *pat;
	struct tm tm;
	size_t i, len;
	time_t t;

	if (s == NULL || ((len = strlen(s)) != 20 && len != 24))
		return -1;
	pat = len == 20 ? p20 : p24;
	for (i = 0; i < len; i++)
		if (pat[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != pat[i])
			return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = num(s, 4) - 1900;
	tm.tm_mon = num(s + 5, 2) - 1;
	tm.tm_mday = num(s + 8, 2);
	tm.tm_hour = num(s + 11, 2);
	tm.tm_min = num(s + 14, 2);
	tm.tm_sec = num(s + 17, 2);
	/* timegm would fold 2023-02-30 into March: check the ranges first */
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > mdays(num(s, 4), tm.tm_mon + 1) ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return -1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*out = t;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Shared with the providers (creds_int.h) */

int
creds_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x21 || *s > 0x7e)
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* The credentials */

/* A string member of at most max bytes from set (NULL: printable). */
static const char *
str_field(json_t *o, const char *key, size_t max, const char *set,
    char *err, size_t errlen)
{
	json_t *v;
	const char *s;
	size_t len;

	if ((v = json_object_get(o, key)) == NULL) {
		vg_seterr(err, errlen, "the answer has no %s", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		vg_seterr(err, errlen, "%s is not a string", key);
		return NULL;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0 || len > max || strlen(s) != len) {
		vg_seterr(err, errlen, "%s is empty or longer than %zu bytes",
		    key, max);
		return NULL;
	}
	if (set != NULL ? !vg_charset_ok(s, set, max) : !creds_printable(s)) {
		vg_seterr(err, errlen, "%s holds unexpected characters", key);
		return NULL;
	}
	return s;
}

static int
fill_creds(json_t *o, struct vg_creds *out, char *err, size_t errlen)
{
	const char *id, *secret, *token, *exp;

	if ((id = str_field(o, "AccessKeyId", sizeof(out->id) - 1, ID_SET,
	    err, errlen)) == NULL ||
	    (secret = str_field(o, "AccessKeySecret", SECRET_MAX, NULL, err,
	    errlen)) == NULL ||
	    (token = str_field(o, "SecurityToken", SECRET_MAX, NULL, err,
	    errlen)) == NULL ||
	    (exp = str_field(o, "Expiration", 24, NULL, err, errlen)) == NULL)
		return -1;
	if (creds_parse_time(exp, &out->expiration) == -1) {
		vg_seterr(err, errlen, "Expiration is not a UTC time");
		return -1;
	}
	vg_strlcpy(out->id, id, sizeof(out->id));
	if ((out->secret = strdup(secret)) == NULL ||
	    (out->token = strdup(token)) == NULL) {
		creds_wipe(out);
		vg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
creds_parse_imds(const char *json, size_t len, struct vg_creds *out,
    char *err, size_t errlen)
{
	const char *code;
	json_t *root;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if ((root = cloud_json_load(json, len, err, errlen)) == NULL)
		return -1;
	if ((code = str_field(root, "Code", 64, NULL, err, errlen)) == NULL)
		;
	else if (strcmp(code, "Success") != 0)
		vg_seterr(err, errlen, "the answer's Code is not Success");
	else
		rc = fill_creds(root, out, err, errlen);
	cloud_json_free_wiped(root);
	return rc;
}

int
creds_parse_sts(const char *json, size_t len, struct vg_creds *out,
    char *err, size_t errlen)
{
	json_t *root, *c;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if ((root = cloud_json_load(json, len, err, errlen)) == NULL)
		return -1;
	if ((c = json_object_get(root, "Credentials")) == NULL)
		vg_seterr(err, errlen, "the answer has no Credentials");
	else if (!json_is_object(c))
		vg_seterr(err, errlen, "Credentials is not an object");
	else
		rc = fill_creds(c, out, err, errlen);
	cloud_json_free_wiped(root);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The access_key file */

/* The access_key file: for static, and as the caller of AssumeRole. */
int
creds_load_key(struct creds_ctx *c, char **id, char **secret,
    struct vg_cloud_err *err)
{
	struct secfile_policy p;
	struct vg_diags d;
	char why[VG_ERRLEN] = "the file could not be read";

	if (c->policy != NULL)
		p = *c->policy;
	else
		secfile_policy_default(&p, 1);
	p.no_world_read = 1;		/* root:vncgate 0640 (DESIGN 1.1) */
	diag_init(&d);
	*id = *secret = NULL;
	if (conf_load_access_key(c->conf->creds.access_key_file, &p, id,
	    secret, &d) == 0 && *id != NULL && *secret != NULL &&
	    vg_charset_ok(*id, ID_SET, 127))
		return 0;
	if (d.n > 0)
		diag_format(&d.d[0], why, sizeof(why));
	else if (*id != NULL)
		snprintf(why, sizeof(why), "%s: access_key_id is not an "
		    "AccessKeyId", c->conf->creds.access_key_file);
	vg_freestr(*id);
	vg_freestr(*secret);
	*id = *secret = NULL;
	cloud_err_fail(err, UNAVAILABLE, KEY_MSG, "access key: %s", why);
	return -1;
}
