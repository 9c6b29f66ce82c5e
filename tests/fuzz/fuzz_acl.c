/* SPDX-License-Identifier: ISC */
/*
 * acl.conf parser: acl_load on any bytes.  An ACL that loads is then
 * asked about a few fixed requests, and the three ways of deciding
 * (acl_decide, acl_query_decide, acl_decide_any) must agree: the list
 * command and the PAM gate use the fast paths, the shell the plain one.
 */
#include <string.h>

#include "acl.h"
#include "fuzz.h"

static char *tags_web[] = { "env=prod", "team=web" };
static char *tags_db[] = { "env=prod", "team=db" };

static struct vg_instance insts[] = {
	{ "web-1", "i-bp1hzoinajzkh91h0001", "cn-hangzhou", 0, "", tags_web,
	  2, "", 0 },
	{ "db-1", "i-bp1hzoinajzkh91h0003", "cn-hangzhou", 0, "", tags_db,
	  2, "", 0 },
	{ "sandbox-1", "AY121018033933eaxxxxxxx", "cn-beijing", 1, "",
	  NULL, 0, "", 0 },
};
#define NINST	(sizeof(insts) / sizeof(insts[0]))

/* Not in order: the query path sorts them, the plain path does not. */
static const char *const groups[] = { "web-oncall", "dba", "duty" };
static const char *const groups2[] = { "duty", "dba" };

static const struct acl_request reqs[] = {
	{ "alice", groups, 1, NULL, "10.1.2.3", 1, 9 * 60 + 30 },
	{ "bob", groups + 1, 2, NULL, "2001:db8::1", 6, 3 * 60 },
	{ "nightops", NULL, 0, NULL, NULL, 0, 23 * 60 },
	{ "carol", groups, 3, NULL, "10.1.2.3", 5, 18 * 60 },
	{ "dave", groups2, 2, NULL, "::ffff:192.0.2.10", 5, 23 * 60 + 59 },
};
#define NREQ	(sizeof(reqs) / sizeof(reqs[0]))

static void
agree(const struct vg_acl *acl, const struct acl_request *base)
{
	struct vg_inventory inv;
	struct acl_request req = *base;
	struct acl_query *q;
	enum acl_decision d, dq, any = ACL_DENY;
	char r1[96], r2[96];
	size_t i;

	q = acl_query_new(acl, &req);
	for (i = 0; i < NINST; i++) {
		req.inst = &insts[i];
		d = acl_decide(acl, &req, r1, sizeof(r1));
		FZ_CHECK(r1[0] != '\0');
		/* any instance allowed; else any only break-glass reaches */
		if (d == ACL_ALLOW || (d == ACL_BREAKGLASS && any == ACL_DENY))
			any = d;
		if (q == NULL)
			continue;
		dq = acl_query_decide(q, &insts[i], r2, sizeof(r2));
		FZ_CHECK(d == dq);
		FZ_CHECK(strcmp(r1, r2) == 0);
	}
	acl_query_free(q);
	memset(&inv, 0, sizeof(inv));
	inv.inst = insts;
	inv.n = NINST;
	req.inst = NULL;
	FZ_CHECK(acl_decide_any(acl, &inv, &req, r1, sizeof(r1)) == any);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secfile_policy pol;
	struct vg_diags diags;
	struct vg_acl *acl = NULL;
	char line[600];
	size_t i;

	secfile_policy_default(&pol, 0);
	diag_init(&diags);
	if (acl_load(fz_file(data, size), &pol, &acl, &diags) == 0) {
		FZ_CHECK(acl != NULL);
		FZ_CHECK(diags.n == 0);
		for (i = 0; i < NREQ; i++)
			agree(acl, &reqs[i]);
		acl_free(acl);
		return 0;
	}
	FZ_CHECK(diags.n > 0);
	for (i = 0; i < diags.n; i++)
		diag_format(&diags.d[i], line, sizeof(line));
	acl_free(acl);
	return 0;
}
