/* SPDX-License-Identifier: ISC */
/*
 * Opening files that decide security: see secfile.h.
 *
 * The order is the one google-authenticator-libpam and doas use: open
 * without following a final symlink, then check the opened fd (type,
 * owner, mode, size), so nobody can swap the file between the check and
 * the read.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "secfile.h"
#include "util.h"

static const char *const reasons[] = {
	[SECFILE_OK] = "is acceptable",
	[SECFILE_MISSING] = "does not exist",
	[SECFILE_UNREADABLE] = "cannot be opened",
	[SECFILE_SYMLINK] = "is a symbolic link",
	[SECFILE_NOT_REGULAR] = "is not a regular file",
	[SECFILE_BAD_OWNER] = "has the wrong owner",
	[SECFILE_GROUP_WRITABLE] = "is group-writable",
	[SECFILE_WORLD_WRITABLE] = "is world-writable",
	[SECFILE_WORLD_READABLE] = "is world-readable",
	[SECFILE_TOO_BIG] = "is too big",
};

const char *
secfile_reason(enum secfile_status st)
{
	if ((size_t)st >= sizeof(reasons) / sizeof(reasons[0]))
		return "cannot be checked";
	return reasons[st];
}

void
secfile_policy_default(struct secfile_policy *p, int privileged)
{
	memset(p, 0, sizeof(*p));
	p->owner = 0;
	/* a build-tree binary or an admin's -t may read their own files */
	p->allow_ruid = !privileged;
	p->ruid = getuid();
	p->no_world_read = 0;
	p->max_size = 0;
}

static enum secfile_status
open_status(int error)
{
	if (error == ENOENT)
		return SECFILE_MISSING;
	/* O_NOFOLLOW reports a final symlink as ELOOP */
	if (error == ELOOP)
		return SECFILE_SYMLINK;
	return SECFILE_UNREADABLE;
}

static int
owner_ok(const struct stat *sb, const struct secfile_policy *p)
{
	if (sb->st_uid == p->owner)
		return 1;
	return p->allow_ruid && sb->st_uid == p->ruid;
}

/* The checks on the opened file, in order: type, owner, mode, size. */
static enum secfile_status
check_fd(const struct stat *sb, const struct secfile_policy *p)
{
	off_t max = p->max_size > 0 ? p->max_size : SECFILE_MAX_DEFAULT;

	if (!S_ISREG(sb->st_mode))
		return SECFILE_NOT_REGULAR;
	if (!owner_ok(sb, p))
		return SECFILE_BAD_OWNER;
	if (sb->st_mode & S_IWGRP)
		return SECFILE_GROUP_WRITABLE;
	if (sb->st_mode & S_IWOTH)
		return SECFILE_WORLD_WRITABLE;
	if (p->no_world_read && (sb->st_mode & S_IROTH))
		return SECFILE_WORLD_READABLE;
	if (sb->st_size > max)
		return SECFILE_TOO_BIG;
	return SECFILE_OK;
}

/* One sentence naming the file and what is wrong with it. */
static void
explain(const char *path, enum secfile_status st, const struct stat *sb,
    const struct secfile_policy *p, int error, char *err, size_t errlen)
{
	off_t max = p->max_size > 0 ? p->max_size : SECFILE_MAX_DEFAULT;

	switch (st) {
	case SECFILE_UNREADABLE:
		vg_seterr(err, errlen, "%s cannot be opened: %s", path,
		    strerror(error));
		break;
	case SECFILE_BAD_OWNER:
		if (p->allow_ruid && p->ruid != p->owner)
			vg_seterr(err, errlen, "%s is owned by uid %lu, not "
			    "by uid %lu or %lu", path,
			    (unsigned long)sb->st_uid,
			    (unsigned long)p->owner, (unsigned long)p->ruid);
		else
			vg_seterr(err, errlen, "%s is owned by uid %lu, not "
			    "by uid %lu", path, (unsigned long)sb->st_uid,
			    (unsigned long)p->owner);
		break;
	case SECFILE_TOO_BIG:
		vg_seterr(err, errlen, "%s is too big (%lld bytes, the "
		    "limit is %lld)", path, (long long)sb->st_size,
		    (long long)max);
		break;
	default:
		vg_seterr(err, errlen, "%s %s", path, secfile_reason(st));
		break;
	}
}

/* Back to blocking reads: O_NONBLOCK was only for opening a fifo safely. */
static FILE *
to_stream(int fd, char *err, size_t errlen, const char *path)
{
	FILE *f;
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1 ||
	    (f = fdopen(fd, "r")) == NULL) {
		vg_seterr(err, errlen, "%s cannot be opened: %s", path,
		    strerror(errno));
		return NULL;
	}
	return f;
}

FILE *
secfile_fopen(const char *path, const struct secfile_policy *p,
    enum secfile_status *status, char *err, size_t errlen)
{
	struct stat sb;
	enum secfile_status st;
	FILE *f;
	int fd;

	memset(&sb, 0, sizeof(sb));
	if (path == NULL) {
		*status = SECFILE_MISSING;
		vg_seterr(err, errlen, "no file name given");
		return NULL;
	}
	/* O_NONBLOCK: opening a fifo planted at the path must not hang */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		int error = errno;

		*status = open_status(error);
		explain(path, *status, &sb, p, error, err, errlen);
		return NULL;
	}
	if (fstat(fd, &sb) == -1) {
		int error = errno;

		close(fd);
		*status = SECFILE_UNREADABLE;
		explain(path, *status, &sb, p, error, err, errlen);
		return NULL;
	}
	if ((st = check_fd(&sb, p)) != SECFILE_OK) {
		close(fd);
		*status = st;
		explain(path, st, &sb, p, 0, err, errlen);
		return NULL;
	}
	if ((f = to_stream(fd, err, errlen, path)) == NULL) {
		close(fd);
		*status = SECFILE_UNREADABLE;
		return NULL;
	}
	*status = SECFILE_OK;
	return f;
}

int
secfile_read(const char *path, const struct secfile_policy *p, char **buf,
    size_t *len, char *err, size_t errlen)
{
	off_t max = p->max_size > 0 ? p->max_size : SECFILE_MAX_DEFAULT;
	enum secfile_status st;
	struct vg_buf b;
	char chunk[4096];
	size_t n;
	FILE *f;

	*buf = NULL;
	*len = 0;
	if ((f = secfile_fopen(path, p, &st, err, errlen)) == NULL)
		return -1;
	buf_init(&b);
	/* the size was checked on the fd; a file growing since stops here */
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
	    b.len <= (size_t)max)
		buf_add(&b, chunk, n);
	if (ferror(f) || b.oom || b.len > (size_t)max) {
		vg_seterr(err, errlen, "%s cannot be read whole", path);
		fclose(f);
		buf_free(&b);
		return -1;
	}
	fclose(f);
	*len = b.len;
	if ((*buf = buf_take(&b)) == NULL) {
		vg_seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	return 0;
}
