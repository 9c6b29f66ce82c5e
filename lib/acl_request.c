/* SPDX-License-Identifier: ISC */
/*
 * An ACL request (acl.h): the user's group names from the system, and
 * the one builder that every caller makes its request with, the
 * weekday and minute taken in the configured zone.
 */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "tz.h"
#include "util.h"

/* getpwnam_r and getgrgid_r say ERANGE until the buffer is big enough */
static char *
bigger(char *buf, size_t *len)
{
	char *nb;

	*len = *len == 0 ? 1024 : *len * 2;
	if (*len > (1u << 20) || (nb = realloc(buf, *len)) == NULL) {
		free(buf);
		return NULL;
	}
	return nb;
}

/* "not found" as the getpwnam_r manual lists it */
static int
not_found(int rc)
{
	return rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF ||
	    rc == EPERM;
}

static int
primary_gid(const char *user, gid_t *gid, int *found)
{
	struct passwd pw, *res = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	do {
		if ((buf = bigger(buf, &len)) == NULL)
			return -1;
	} while ((rc = getpwnam_r(user, &pw, buf, len, &res)) == ERANGE);
	*found = rc == 0 && res != NULL;
	if (*found)
		*gid = pw.pw_gid;
	free(buf);
	return not_found(rc) ? 0 : -1;
}

static int
all_gids(const char *user, gid_t gid, gid_t **out, int *n)
{
	gid_t *g = NULL, *ng;
	int cap = 32, want;

	for (;;) {
		if (cap > 65536 * 2 ||
		    (ng = reallocarray(g, (size_t)cap, sizeof(*g))) == NULL) {
			free(g);
			return -1;
		}
		g = ng;
		want = cap;
		if (getgrouplist(user, gid, g, &want) != -1)
			break;
		/* glibc says how many it needs in want */
		cap = want > cap ? want : cap * 2;
	}
	*out = g;
	*n = want;
	return 0;
}

/* The group's name in *name (NULL when the gid has none). */
static int
group_name(gid_t gid, char **name)
{
	struct group gr, *res = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*name = NULL;
	do {
		if ((buf = bigger(buf, &len)) == NULL)
			return -1;
	} while ((rc = getgrgid_r(gid, &gr, buf, len, &res)) == ERANGE);
	if (rc == 0 && res != NULL && (*name = strdup(gr.gr_name)) == NULL)
		rc = ENOMEM;
	free(buf);
	return not_found(rc) ? 0 : -1;
}

int
acl_user_groups(const char *user, char ***groups, size_t *ngroups)
{
	gid_t gid = 0, *gids = NULL;
	char **v;
	int i, n = 0, found = 0;

	*groups = NULL;
	*ngroups = 0;
	if (user != NULL && *user != '\0' &&
	    (primary_gid(user, &gid, &found) == -1 ||
	    (found && all_gids(user, gid, &gids, &n) == -1)))
		return -1;
	if ((v = calloc((size_t)n + 1, sizeof(*v))) == NULL) {
		free(gids);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (group_name(gids[i], &v[*ngroups]) == -1) {
			free(gids);
			acl_groups_free(v);
			*ngroups = 0;
			return -1;
		}
		if (v[*ngroups] != NULL)
			(*ngroups)++;
	}
	free(gids);
	*groups = v;
	return 0;
}

void
acl_groups_free(char **groups)
{
	size_t i;

	if (groups == NULL)
		return;
	for (i = 0; groups[i] != NULL; i++)
		free(groups[i]);
	free(groups);
}

int
acl_request_build(struct acl_request *req, const char *user,
    const char *const *groups, size_t ngroups,
    const struct vg_instance *inst, const char *from, time_t when,
    const struct vg_tz *tz)
{
	struct tm tm;
	int rc;

	memset(req, 0, sizeof(req[0]));
	req->user = user;
	req->groups = groups;
	req->ngroups = ngroups;
	req->inst = inst;
	req->from = from;
	/* tm_zone points into tz: only the weekday and minute are kept */
	rc = tz != NULL ? tz_localtime(tz, when, &tm) : tz_civil(when, &tm);
	if (rc == -1)
		return -1;
	req->wday = tm.tm_wday;
	req->minute = tm.tm_hour * 60 + tm.tm_min;
	return 0;
}
