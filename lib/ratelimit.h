/* SPDX-License-Identifier: ISC */
/*
 * Rate limits (DESIGN 1.5 limits, 2.2 step 4): sliding windows of one
 * minute per user and per instance, kept in limits.state_dir so that every
 * shell process on the bastion shares them.
 *
 * One file per key: "u-<sha256(user) in hex>" and "i-<instance id>" (a
 * user name never becomes a path).  Each file holds the issuance times
 * (ms, CLOCK_REALTIME) of the last minute as fixed-width records, and is
 * read under flock(LOCK_EX) and replaced whole (statefile.h: regular,
 * 0660, no links, a lock wait with a deadline).  Anything unexpected
 * fails closed: RL_ERROR, and the caller opens no console.
 */
#ifndef VG_RATELIMIT_H
#define VG_RATELIMIT_H

#include <stddef.h>

#include "secfile.h"

#define RL_WINDOW_MS	60000LL
/* the lock wait when the request names none: audit.lock_timeout's default */
#define RL_LOCK_DEFAULT_MS	5000L
/* "u-" + 64 hex digits, or "i-" + a 64-character instance ID */
#define RL_NAMEMAX	67

enum rl_scope {
	RL_USER = 0,
	RL_INSTANCE,
};

enum rl_result {
	RL_OK = 0,	/* recorded: go on */
	RL_LIMITED,	/* a window is full: refuse, retry later */
	RL_ERROR,	/* state unusable: refuse (fail closed) */
};

struct rl_request {
	const char			*dir;		/* limits.state_dir */
	const struct secfile_policy	*owner;		/* NULL: any owner */
	const char			*user;
	const char			*instance;	/* the instance ID */
	long				 user_limit;	/* 0: no limit */
	long				 instance_limit;
	long long			 now_ms;	/* vg_epoch_ms() */
	long				 lock_timeout_ms; /* 0: the default */
};

struct rl_verdict {
	enum rl_scope	scope;		/* RL_LIMITED: the full window */
	long long	retry_after_ms;	/* RL_LIMITED: until both have room */
	int		record;		/* take_run: record this refusal */
};

/*
 * The file name of a key's window in the state folder ("u-..." or
 * "i-..."); -1 when an instance ID is not valid.  out: RL_NAMEMAX + 1.
 */
int	ratelimit_file_name(enum rl_scope, const char *key, char *out,
	    size_t outlen);

/*
 * Open the state folder: a directory (not a symbolic link), not writable
 * by others, owned as the policy says (owner NULL: any owner).  Returns
 * an O_DIRECTORY fd, or -1 and a sentence.
 */
int	ratelimit_dir_open(const char *dir, const struct secfile_policy *owner,
	    char *err, size_t errlen);

/*
 * One window alone, in an opened state folder: record now_ms unless the
 * window already holds limit issuances (then RL_LIMITED and the time
 * until one leaves it in *retry_after_ms).  limit 0 records nothing.
 */
enum rl_result ratelimit_take(int dirfd, enum rl_scope, const char *key,
	    long limit, long long now_ms, long long *retry_after_ms,
	    char *err, size_t errlen);

/*
 * Both windows as one decision: lock the user's window, then the
 * instance's (always in that order, so two shells cannot deadlock),
 * refuse when either is full, else record in both.  With both limits 0
 * nothing is opened, not even the folder.  Every lock is waited for
 * until one deadline, lock_timeout_ms from the start: then RL_ERROR.
 */
enum rl_result ratelimit_take_pair(const struct rl_request *,
	    struct rl_verdict *, char *err, size_t errlen);

/*
 * One run of the shell by a user whom the ACL reaches nowhere, counted
 * in the user's window (rq->instance unused) like an issuance.  When
 * the window is full: RL_LIMITED, and v->record is 1 only for the first
 * refusal within a minute (the window file keeps the time of it), so
 * such a user leaves at most one rate_limited record a minute and the
 * audit file's growth stays bounded.  user_limit 0: RL_OK, no file.
 */
enum rl_result ratelimit_take_run(const struct rl_request *,
	    struct rl_verdict *, char *err, size_t errlen);

#endif
