/* SPDX-License-Identifier: ISC */
/*
 * The session record (lib/sessrec.c, DESIGN 1.2): sessrec_parse on any
 * bytes, as a privileged shell reads a file it found in the sessions
 * folder.  Strict means one text per record: whatever it accepts,
 * sessrec_format writes back byte for byte, with an address that is a
 * numeric one or none.
 */
#include <arpa/inet.h>

#include "fuzz.h"
#include "sessrec.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char back[SESSREC_MAX + 1];
	unsigned char a[16];
	struct sessrec r;

	if (sessrec_parse((const char *)data, size, &r) != 0)
		return 0;
	FZ_CHECK(size <= SESSREC_MAX);
	FZ_CHECK(sessrec_format(&r, back, sizeof(back)) == 0);
	FZ_CHECK(strlen(back) == size && memcmp(back, data, size) == 0);
	FZ_CHECK(r.uid != (uid_t)-1);
	FZ_CHECK(r.rhost[0] == '\0' || inet_pton(AF_INET, r.rhost, a) == 1 ||
	    inet_pton(AF_INET6, r.rhost, a) == 1);
	return 0;
}
