/* SPDX-License-Identifier: ISC */
/* Small helpers shared by every lib/ module: see util.h. */
#include <sys/random.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void
buf_init(struct vg_buf *b)
{
	memset(b, 0, sizeof(*b));
}

static int
grow(struct vg_buf *b, size_t need)
{
	size_t ncap;
	char *np;

	if (b->oom)
		return -1;
	if (need < b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap <= need) {
		if (ncap > ((size_t)1 << 30)) {
			b->oom = 1;
			return -1;
		}
		ncap *= 2;
	}
	/* no realloc: the old block may hold a secret and must be wiped */
	if ((np = malloc(ncap)) == NULL) {
		b->oom = 1;
		return -1;
	}
	if (b->p != NULL) {
		memcpy(np, b->p, b->len + 1);
		vg_wipe(b->p, b->cap);
		free(b->p);
	}
	b->p = np;
	b->cap = ncap;
	return 0;
}

int
buf_add(struct vg_buf *b, const void *s, size_t n)
{
	if (b->len + n < b->len || grow(b, b->len + n) == -1)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
buf_adds(struct vg_buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addc(struct vg_buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int
buf_addf(struct vg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, b->len + (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *
buf_take(struct vg_buf *b)
{
	char *p;

	if (b->oom) {
		buf_free(b);
		return NULL;
	}
	if (b->p == NULL && grow(b, 0) == -1)
		return NULL;
	if (b->len == 0)
		b->p[0] = '\0';
	p = b->p;
	buf_init(b);
	return p;
}

void
buf_free(struct vg_buf *b)
{
	if (b->p != NULL) {
		vg_wipe(b->p, b->cap);
		free(b->p);
	}
	buf_init(b);
}

void
vg_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void
vg_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}

void
vg_freestr(char *s)
{
	if (s == NULL)
		return;
	vg_wipe(s, strlen(s));
	free(s);
}

char *
vg_strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

int
vg_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (size == 0)
		return -1;
	n = strlen(src);
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int
vg_charset_ok(const char *s, const char *set, size_t max)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	n = strlen(s);
	return n <= max && strspn(s, set) == n;
}

size_t
vg_alnum_span(const char *s, const char *extra)
{
	const char *p;
	int c;

	for (p = s; (c = (unsigned char)*p) != '\0'; p++)
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(extra, c) != NULL))
			break;
	return (size_t)(p - s);
}

int
vg_alnum_ok(const char *s, const char *extra, size_t max)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	n = vg_alnum_span(s, extra);
	return n <= max && s[n] == '\0';
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

int
vg_valid_instance_id(const char *s)
{
	/* a leading '-' would read as an option somewhere downstream */
	return vg_charset_ok(s, ALNUM "-", 64) && s[0] != '-';
}

int
vg_valid_instance_name(const char *s)
{
	return vg_charset_ok(s, ALNUM "._-", 64) && s[0] != '-';
}

int
vg_valid_region(const char *s)
{
	return vg_charset_ok(s, "abcdefghijklmnopqrstuvwxyz0123456789-", 32);
}

int
vg_valid_user(const char *s)
{
	return vg_charset_ok(s, ALNUM "._@-", VG_USER_MAX) && s[0] != '-';
}

/* One label of a host name: 1-63 of A-Z a-z 0-9 -, no '-' at an end. */
static size_t
host_label(const char *s)
{
	size_t n = vg_alnum_span(s, "-");

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	return n;
}

int
vg_valid_host_name(const char *s)
{
	const char *last = s;
	size_t n;

	if (strlen(s) > 253)
		return 0;
	for (;;) {
		if ((n = host_label(s)) == 0)
			return 0;
		last = s;
		if (s[n] == '\0')
			break;
		if (s[n] != '.')
			return 0;
		s += n + 1;
	}
	/*
	 * a last label that is a number (decimal, or 0x and hex) makes a
	 * browser read the whole host as an IPv4 address (WHATWG URL)
	 */
	if ((last[0] == '0' && (last[1] == 'x' || last[1] == 'X') &&
	    strspn(last + 2, "0123456789abcdefABCDEF") == n - 2))
		return 0;
	return strspn(last, "0123456789") != n;
}

static long long
clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
vg_now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

long long
vg_epoch_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

int
vg_random_hex(char *out, size_t n)
{
	unsigned char r[64];
	size_t got = 0;
	ssize_t k;

	out[0] = '\0';
	if (n > sizeof(r)) {
		errno = EINVAL;
		return -1;
	}
	while (got < n) {
		if ((k = getrandom(r + got, n - got, 0)) == -1 &&
		    errno == EINTR)
			continue;
		if (k <= 0) {
			vg_wipe(r, sizeof(r));
			return -1;
		}
		got += (size_t)k;
	}
	vg_hex(r, n, out);
	vg_wipe(r, sizeof(r));
	return 0;
}

void
vg_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void
vg_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	if (data == NULL) {
		if (len != 0)
			return;
		data = "";
	}
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return;
	vg_hex(md, mdlen, out);
}

int
vg_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
vg_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

ssize_t
vg_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, p + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}
