/* SPDX-License-Identifier: ISC */
/*
 * What sign_v3.c takes from sign.c, where V1 uses it too; not part of
 * sign.h.
 */
#ifndef VG_SIGN_INT_H
#define VG_SIGN_INT_H

#include <openssl/evp.h>

#include <stddef.h>

#include "sign.h"

/* HMAC of msg under key into out; -1 when OpenSSL fails. */
int	sign_hmac(const EVP_MD *md, const void *key, size_t keylen,
	    const char *msg, unsigned char *out, unsigned int *outlen);

/* The input checks both versions make; -1 with a sentence in err. */
int	sign_check_method(const char *m, char *err, size_t errlen);
int	sign_check_secret(const char *secret, char *err, size_t errlen);
int	sign_check_params(const struct sign_param *v, size_t n, int v1,
	    char *err, size_t errlen);

/* The canonical query string: params sorted, encoded; NULL on oom. */
char	*sign_canon_query(const struct sign_param *v, size_t n);

#endif
