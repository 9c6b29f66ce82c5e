/* SPDX-License-Identifier: ISC */
/*
 * Small helpers shared by every lib/ module.
 *
 * Conventions for all of lib/: functions return 0 on success and -1 on
 * failure (or an enum), and write one human sentence into a caller buffer
 * (err, errlen).  Nothing in lib/ exits, prints or keeps global state.
 */
#ifndef VG_UTIL_H
#define VG_UTIL_H

#include <stdarg.h>
#include <sys/types.h>
#include <stddef.h>
#include <time.h>

#define VG_ERRLEN 256

/* A growable byte buffer, always NUL-terminated when p != NULL. */
struct vg_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 oom;	/* sticky: set once an allocation failed */
};

void	 buf_init(struct vg_buf *);
int	 buf_add(struct vg_buf *, const void *, size_t);
int	 buf_adds(struct vg_buf *, const char *);
int	 buf_addc(struct vg_buf *, char);
int	 buf_addf(struct vg_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Hand the string over to the caller (who frees it); NULL on oom. */
char	*buf_take(struct vg_buf *);
/* Wipe then free: buffers may hold secrets. */
void	 buf_free(struct vg_buf *);

/* snprintf into err that never fails; err may be NULL. */
void	 vg_seterr(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* OPENSSL_cleanse, so the compiler cannot drop the wipe. */
void	 vg_wipe(void *, size_t);
/* Wipe a string's bytes then free it; NULL is fine. */
void	 vg_freestr(char *);

/* strdup that returns NULL for NULL. */
char	*vg_strdup(const char *);

/* Bounded copy; returns -1 (and truncates) when src does not fit. */
int	 vg_strlcpy(char *dst, const char *src, size_t size);

/* 1 when every byte of s is in the set, s is non-empty and at most max. */
int	 vg_charset_ok(const char *s, const char *set, size_t max);
/*
 * How many bytes s starts with of A-Z a-z 0-9 and extra: strspn,
 * without the 256-byte table glibc builds on every call with a long set
 * (the names of a 10,000-line inventory or ACL).
 */
size_t	 vg_alnum_span(const char *s, const char *extra);
/* vg_charset_ok with the set A-Z a-z 0-9 and extra. */
int	 vg_alnum_ok(const char *s, const char *extra, size_t max);

/* Validators for the identifiers of DESIGN 1.5. */
int	 vg_valid_instance_id(const char *);
int	 vg_valid_instance_name(const char *);
int	 vg_valid_region(const char *);

/*
 * The user names vncgate-shell and pam_vncgate accept: 1-VG_USER_MAX of
 * A-Z a-z 0-9 . _ @ -, not starting with '-'.  One set for both, so a
 * name the shell would refuse cannot pass the account gate either.
 */
#define VG_USER_MAX	63
int	 vg_valid_user(const char *);

/*
 * A DNS host name: labels of 1-63 of A-Z a-z 0-9 -, no '-' at either end
 * of one, joined by single dots (none leading or trailing), at most 253
 * bytes, the last label no number (all digits, or 0x and hex: a
 * browser would read an IPv4 address).  No IP literal, no userinfo, no
 * port: only what a host suffix can match.
 */
int	 vg_valid_host_name(const char *);

/* Milliseconds from CLOCK_MONOTONIC: durations and deadlines. */
long long vg_now_ms(void);
/*
 * Milliseconds since the epoch (CLOCK_REALTIME): times that other
 * processes read too (the rate-limit windows, the audit file's ts).
 */
long long vg_epoch_ms(void);

/*
 * 2n lower-case hex digits from the kernel's random source (getrandom)
 * into out, which holds 2n + 1 bytes: the request nonces, session and
 * issuance IDs.  -1 (errno set, out "") when there is no randomness.
 */
int	 vg_random_hex(char *out, size_t n);

/* The value of a hex digit of either case, or -1. */
int	 vg_hexval(int c);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void	 vg_hex(const unsigned char *in, size_t n, char *out);
/* Lower-case hex SHA-256 of data (NULL: "", with len 0) into out[65]. */
void	 vg_sha256_hex(const void *data, size_t len, char out[65]);

/*
 * Write all len bytes at fd's offset, again after EINTR and after a short
 * write: 0, or -1 with errno (ENOSPC when nothing more went in).
 */
int	 vg_write_all(int fd, const void *data, size_t len);
/*
 * Read up to len bytes, again after EINTR, stopping early only at the
 * end of the file: the count, or -1 with errno.
 */
ssize_t	 vg_read_full(int fd, void *buf, size_t len);

#endif
