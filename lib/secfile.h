/* SPDX-License-Identifier: ISC */
/*
 * Opening files that decide security: the config, the ACL, the access key.
 * Open first (O_NOFOLLOW), then check the opened fd, never the path, so the
 * checks and the read see the same file (DESIGN 1.2).
 */
#ifndef VG_SECFILE_H
#define VG_SECFILE_H

#include <stdio.h>
#include <sys/types.h>

enum secfile_status {
	SECFILE_OK = 0,
	SECFILE_MISSING,	/* ENOENT */
	SECFILE_UNREADABLE,	/* open failed otherwise (EACCES, ...) */
	SECFILE_SYMLINK,	/* the path is a symbolic link */
	SECFILE_NOT_REGULAR,	/* a directory, fifo, device ... */
	SECFILE_BAD_OWNER,	/* owner is neither root nor (if allowed) ruid */
	SECFILE_GROUP_WRITABLE,
	SECFILE_WORLD_WRITABLE,
	SECFILE_WORLD_READABLE,	/* only where the policy forbids it (keys) */
	SECFILE_TOO_BIG,
};

struct secfile_policy {
	uid_t	owner;		/* the expected owner: 0 in production */
	int	allow_ruid;	/* also accept files owned by ruid */
	uid_t	ruid;
	int	no_world_read;	/* the access key: root:vncgate 0640 */
	off_t	max_size;	/* 0: SECFILE_MAX_DEFAULT */
};

/*
 * The size caps.  The access key is a few lines; vncgate.conf and
 * acl.conf hold an inventory and rules that reach 100,000 entries (about
 * 16 MB and 12 MB), so conf_load and acl_load raise a policy whose
 * max_size is 0 to SECFILE_MAX_CONFIG.
 */
#define SECFILE_MAX_DEFAULT	((off_t)1 << 20)
#define SECFILE_MAX_CONFIG	((off_t)64 << 20)

/*
 * Fill a policy for this process: strict (root only) when privileged,
 * else root or the real uid (tests, an admin running -t).
 */
void	secfile_policy_default(struct secfile_policy *, int privileged);

/*
 * Open path read-only and check it against the policy.  On success returns
 * a FILE* (close with fclose) and SECFILE_OK in *status; on failure NULL,
 * the status, and a sentence naming the file and the reason in err.
 */
FILE	*secfile_fopen(const char *path, const struct secfile_policy *,
	    enum secfile_status *status, char *err, size_t errlen);

/*
 * The whole file, opened and checked as secfile_fopen does, into *buf
 * (heap, NUL-terminated, *len bytes without the NUL; the caller frees
 * it).  -1 with a sentence in err, *buf NULL, when it cannot be had.
 */
int	secfile_read(const char *path, const struct secfile_policy *,
	    char **buf, size_t *len, char *err, size_t errlen);

/* A short reason for a status ("is group-writable"). */
const char *secfile_reason(enum secfile_status);

#endif
