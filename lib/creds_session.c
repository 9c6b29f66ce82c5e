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
 * credentials (principalId <roleId>:<session>, userName
 * <role>:<session>), so it names the operator, and the ticket that says
 * why (DESIGN 1.11).  STS takes 2..64 characters of [A-Za-z0-9.@_-];
 * user names may hold anything and tickets hold ':' and '/', so the
 * mapping must be lossless and unambiguous:
 *
 *   encode  every byte in [A-Za-z0-9._-] is kept; any other byte B
 *           becomes "@" and two upper-case hex digits of B.
 *   name    the user name, encoded.  A result of one character gets a
 *           lone "@" appended (STS wants at least two).
 *   pair    with a ticket: the user name encoded (never padded: the
 *           pair is long enough), then the separator "@@", then the
 *           ticket encoded the same way.
 *   decode  "@XX" is the byte 0xXX; only what encode produces is
 *           accepted ("@41" for "A", lower-case hex, "@00" are
 *           refused), so every session name stands for exactly one
 *           user and ticket.
 *
 * Why "@@" cannot be misread: an encoded part holds "@" only as the
 * start of "@XX", with X a hex digit, never "@" then "@", and it never
 * ends in "@" (the padding exists only without a ticket, and a padded
 * name has no separator after it).  So the first "@@" of a name is the
 * separator: it cannot start inside the user's part, nor straddle its
 * end.  A name without "@@" has no ticket.  An empty name or ticket, or
 * a result longer than 64 characters, is refused: truncating would
 * merge two users, or two tickets.
 *
 *   alice -> alice        a -> a@           svc_backup -> svc_backup
 *   bob@corp -> bob@40corp                  josé (UTF-8) -> jos@C3@A9
 *   alice, INC-1234 -> alice@@INC-1234      a, OPS:7/b -> a@@OPS@3A7@2Fb
 *   bob@corp, CHG/9 -> bob@40corp@@CHG@2F9
 */

#define SESSION_MAX	64
#define SEPARATOR	"@@"

static int
keep_byte(unsigned char c)
{
	return c != '\0' && strchr(NAME_SET, c) != NULL;
}

/*
 * s encoded into out from *n on; -1 when it would pass SESSION_MAX
 * characters or outlen.  out is terminated at *n.
 */
static int
encode(const char *s, char *out, size_t outlen, size_t *n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t need;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		need = keep_byte(*p) ? 1 : 3;
		if (*n + need > SESSION_MAX || *n + need >= outlen)
			return -1;
		if (need == 1)
			out[(*n)++] = (char)*p;
		else {
			out[(*n)++] = '@';
			out[(*n)++] = hex[*p >> 4];
			out[(*n)++] = hex[*p & 15];
		}
	}
	out[*n] = '\0';
	return 0;
}

int
creds_session_name(const char *user, char *out, size_t outlen)
{
	return creds_session_name_ticket(user, NULL, out, outlen);
}

int
creds_session_name_ticket(const char *user, const char *ticket, char *out,
    size_t outlen)
{
	size_t n = 0;

	if (outlen > 0)
		out[0] = '\0';
	if (user == NULL || *user == '\0' || outlen < 3 ||
	    encode(user, out, outlen, &n) == -1)
		goto bad;
	if (ticket != NULL && *ticket != '\0') {
		if (n + 2 > SESSION_MAX || n + 2 >= outlen)
			goto bad;
		memcpy(out + n, SEPARATOR, 2);
		n += 2;
		if (encode(ticket, out, outlen, &n) == -1)
			goto bad;
	} else if (n == 1)
		out[n++] = '@';	/* the padding: no ticket, one character */
	out[n] = '\0';
	return 0;
bad:
	if (outlen > 0)
		out[0] = '\0';
	return -1;
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

/*
 * len bytes of an encoded part into out; pad: a lone "@" may follow a
 * single character (a name without a ticket).  The caller checks that
 * encoding the result again gives the same bytes.
 */
static int
decode_bytes(const char *name, size_t len, int pad, char *out,
    size_t outlen)
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
		if (pad && i == 1 && len == 2) {	/* the padding */
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
	return len > 0 ? 0 : -1;
}

int
creds_session_name_decode(const char *name, char *out, size_t outlen)
{
	char ticket[SESSION_MAX + 1];

	if (creds_session_read(name, out, outlen, ticket,
	    sizeof(ticket)) == -1 || ticket[0] != '\0') {
		if (outlen > 0) {
			vg_wipe(out, outlen);
			out[0] = '\0';
		}
		return -1;
	}
	return 0;
}

/* Split name at its first separator; the ticket part is "" when none. */
static int
read_parts(const char *name, size_t len, char *user, size_t ulen,
    char *ticket, size_t tlen)
{
	const char *sep = strstr(name, SEPARATOR);
	size_t ul = sep != NULL ? (size_t)(sep - name) : len;

	ticket[0] = '\0';
	if (decode_bytes(name, ul, sep == NULL, user, ulen) == -1)
		return -1;
	return sep == NULL ? 0 : decode_bytes(sep + 2, len - ul - 2, 0,
	    ticket, tlen);
}

int
creds_session_read(const char *name, char *user, size_t ulen, char *ticket,
    size_t tlen)
{
	char again[SESSION_MAX + 1];
	size_t len;

	if (ulen == 0 || tlen == 0)
		return -1;
	user[0] = ticket[0] = '\0';
	if (name == NULL || (len = strlen(name)) < 2 || len > SESSION_MAX ||
	    read_parts(name, len, user, ulen, ticket, tlen) == -1)
		goto bad;
	/* a second spelling of one user or ticket would defeat the trail */
	if (creds_session_name_ticket(user, ticket, again, sizeof(again)) ==
	    -1 || strcmp(again, name) != 0)
		goto bad;
	return 0;
bad:
	vg_wipe(user, ulen);
	vg_wipe(ticket, tlen);
	user[0] = ticket[0] = '\0';
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

/* root as compact JSON into *json; -1 (and err) when out of memory. */
static int
policy_dump(json_t *root, char **json, char *err, size_t errlen)
{
	if (root != NULL)
		*json = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (*json == NULL) {
		vg_seterr(err, errlen, "out of memory building the policy");
		return -1;
	}
	return 0;
}

int
creds_listing_policy(const char *role_arn, char **json, char *err,
    size_t errlen)
{
	char acct[33], res[96];

	*json = NULL;
	if (arn_account(role_arn, acct, sizeof(acct)) == -1) {
		vg_seterr(err, errlen, "credentials.role_arn is not of the "
		    "form acs:ram::<account>:role/<name>");
		return -1;
	}
	snprintf(res, sizeof(res), "acs:ecs:*:%s:instance/*", acct);
	return policy_dump(json_pack("{s:s, s:[{s:s, s:s, s:s}, "
	    "{s:s, s:s, s:s}]}", "Version", "1", "Statement",
	    "Effect", "Allow", "Action", "ecs:DescribeInstances",
	    "Resource", res,
	    "Effect", "Allow", "Action", "ecs:DescribeRegions",
	    "Resource", "*"), json, err, errlen);
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
	return policy_dump(root, json, err, errlen);
}
