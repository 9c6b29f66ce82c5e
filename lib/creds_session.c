/* SPDX-License-Identifier: ISC */
/*
 * Who role credentials are for (DESIGN 2.2 step 5): the RoleSessionName
 * that names the operator in ActionTrail, and the session policy that
 * scopes AssumeRole's credentials to one instance (doc/wire.md f, h).
 * Pure functions of their inputs, for creds_sts.c, the tests and the
 * auditors' decoding.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "creds_int.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/*
 * RoleSessionName: the auditors' reference.
 *
 * ActionTrail records the RoleSessionName with every call made with the
 * credentials, so it names the operator.  STS takes 2..64 characters of
 * [A-Za-z0-9.@_-]; user names may hold anything, so the mapping must be
 * lossless and unambiguous:
 *
 *   encode  every byte of the user name in [A-Za-z0-9._-] is kept; any
 *           other byte B becomes "@" and two upper-case hex digits of B.
 *           A result of one character gets a lone "@" appended (STS wants
 *           at least two).  An empty name, or a result longer than 64
 *           characters, is refused: truncating would merge two users.
 *   decode  "@XX" is the byte 0xXX; a lone "@" is allowed only as the
 *           second and last character.  Only what encode produces is
 *           accepted ("@41" for "A", lower-case hex, "@00" are refused),
 *           so every session name stands for exactly one user.
 *
 *   alice -> alice        a -> a@           svc_backup -> svc_backup
 *   bob@corp -> bob@40corp                  josé (UTF-8) -> jos@C3@A9
 */

static int
keep_byte(unsigned char c)
{
	return c != '\0' && strchr(NAME_SET, c) != NULL;
}

int
creds_session_name(const char *user, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t n = 0, need;

	if (outlen > 0)
		out[0] = '\0';
	if (user == NULL || *user == '\0' || outlen < 3)
		return -1;
	for (p = (const unsigned char *)user; *p != '\0'; p++) {
		need = keep_byte(*p) ? 1 : 3;
		if (n + need > 64 || n + need >= outlen) {
			out[0] = '\0';
			return -1;
		}
		if (need == 1)
			out[n++] = (char)*p;
		else {
			out[n++] = '@';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	if (n == 1)
		out[n++] = '@';
	out[n] = '\0';
	return 0;
}

/* Upper case only: lower case is not what encode gives. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
decode_bytes(const char *name, size_t len, char *out, size_t outlen)
{
	size_t i = 0, n = 0;
	int hi, lo;

	while (i < len) {
		if (n + 1 >= outlen)
			return -1;
		if (name[i] != '@') {
			if (!keep_byte((unsigned char)name[i]))
				return -1;
			out[n++] = name[i++];
			continue;
		}
		if (i == 1 && len == 2) {	/* the padding */
			i++;
			continue;
		}
		if (i + 2 >= len)
			return -1;
		/* "@00" would cut the name short in C */
		if ((hi = hexval(name[i + 1])) < 0 ||
		    (lo = hexval(name[i + 2])) < 0 || (hi | lo) == 0)
			return -1;
		out[n++] = (char)(hi << 4 | lo);
		i += 3;
	}
	out[n] = '\0';
	return 0;
}

int
creds_session_name_decode(const char *name, char *out, size_t outlen)
{
	char again[65];
	size_t len;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (name == NULL || (len = strlen(name)) < 2 || len > 64 ||
	    decode_bytes(name, len, out, outlen) == -1)
		goto bad;
	/* a second spelling of one user would defeat the audit trail */
	if (creds_session_name(out, again, sizeof(again)) == -1 ||
	    strcmp(again, name) != 0)
		goto bad;
	return 0;
bad:
	vg_wipe(out, outlen);
	out[0] = '\0';
	return -1;
}

/* ------------------------------------------------------------------ */
/* Session policy (reference h) */

/* The account of acs:ram::<digits>:role/<name>; anything else is refused. */
static int
arn_account(const char *arn, char *acct, size_t acctlen)
{
	static const char pfx[] = "acs:ram::";
	const char *p, *e;

	if (arn == NULL || strncmp(arn, pfx, sizeof(pfx) - 1) != 0)
		return -1;
	p = arn + sizeof(pfx) - 1;
	for (e = p; *e >= '0' && *e <= '9'; e++)
		continue;
	if (e == p || (size_t)(e - p) >= acctlen ||
	    strncmp(e, ":role/", 6) != 0 ||
	    !vg_charset_ok(e + 6, NAME_SET, 64))
		return -1;
	memcpy(acct, p, (size_t)(e - p));
	acct[e - p] = '\0';
	return 0;
}

int
creds_session_policy(const char *role_arn, const struct vg_instance *inst,
    char **json, char *err, size_t errlen)
{
	char acct[33], res[160];
	json_t *root;

	*json = NULL;
	if (arn_account(role_arn, acct, sizeof(acct)) == -1) {
		vg_seterr(err, errlen, "credentials.role_arn is not of the "
		    "form acs:ram::<account>:role/<name>");
		return -1;
	}
	if (inst == NULL || !vg_valid_instance_id(inst->id) ||
	    !vg_valid_region(inst->region)) {
		vg_seterr(err, errlen, "the instance has no valid ID or "
		    "region for a session policy");
		return -1;
	}
	snprintf(res, sizeof(res), "acs:ecs:%s:%s:instance/%s",
	    inst->region, acct, inst->id);
	root = json_pack("{s:s, s:[{s:s, s:s, s:s}]}", "Version", "1",
	    "Statement", "Effect", "Allow", "Action",
	    "ecs:DescribeInstanceVncUrl", "Resource", res);
	if (root != NULL)
		*json = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (*json == NULL) {
		vg_seterr(err, errlen, "out of memory building the policy");
		return -1;
	}
	return 0;
}
