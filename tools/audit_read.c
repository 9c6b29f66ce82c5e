/* SPDX-License-Identifier: ISC */
/*
 * What vncgate-audit's commands share (audit_tool.h): files read line by
 * line under the writers' lock, bytes made safe for the auditor's
 * terminal, and the times of --since.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "audit_tool.h"

/* The size of the open file under the writers' lock, then let go. */
static int
size_locked(struct reader *r)
{
	char err[VG_ERRLEN];
	struct stat st;
	int dfd;

	if (fstat(fileno(r->f), &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	dfd = audit_file_lock_dir(r->path, LOCK_SH, AUDIT_LOCK_TIMEOUT_MS, err,
	    sizeof(err));
	if (dfd == -1 && errno == EWOULDBLOCK) {
		tool_warn("%s", err);
		return -1;
	}
	if (fstat(fileno(r->f), &st) == 0)
		r->end = st.st_size;
	if (dfd != -1)
		close(dfd);
	return 0;
}

int
reader_open(struct reader *r, const char *path, int lock)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->end = -1;
	if ((r->f = fopen(path, "re")) == NULL) {
		tool_warn("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (lock && size_locked(r) == -1) {
		fclose(r->f);
		r->f = NULL;
		return -1;
	}
	return 0;
}

int
reader_next(struct reader *r, size_t *len, int *nl)
{
	ssize_t n;

	errno = 0;
	if (r->end >= 0 && r->off >= r->end)
		return 0;
	if ((n = getline(&r->line, &r->cap, r->f)) == -1) {
		if (ferror(r->f)) {
			tool_warn("cannot read %s: %s", r->path,
			    strerror(errno != 0 ? errno : EIO));
			return -1;
		}
		return 0;
	}
	/* what a writer appended after the size was taken is not ours */
	if (r->end >= 0 && r->off + n > r->end)
		n = (ssize_t)(r->end - r->off);
	r->off += n;
	r->lineno++;
	*nl = n > 0 && r->line[n - 1] == '\n';
	*len = (size_t)n - (*nl ? 1 : 0);
	r->line[*len] = '\0';
	return 1;
}

void
reader_close(struct reader *r)
{
	if (r->f != NULL)
		fclose(r->f);
	free(r->line);
	memset(r, 0, sizeof(*r));
}

void
tool_safe(struct vg_buf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; p[i] != '\0' && (max == 0 || i < max); i++) {
		if (p[i] == '\\')
			buf_adds(b, "\\\\");
		else if (p[i] >= 0x20 && p[i] <= 0x7e)
			buf_addc(b, (char)p[i]);
		else
			buf_addf(b, "\\x%02x", p[i]);
	}
	if (p[i] != '\0')
		buf_adds(b, "...");
}

/* Is s exactly the digits and separators of pattern ('9' = a digit)? */
static int
shaped(const char *s, const char *pattern)
{
	for (; *pattern != '\0'; s++, pattern++) {
		if (*pattern == '9' ? (*s < '0' || *s > '9') : *s != *pattern)
			return 0;
	}
	return *s == '\0';
}

int
tool_parse_time(const char *s, long long *ms)
{
	struct tm tm, back;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (!shaped(s, "9999-99-99") && !shaped(s, "9999-99-99T99:99") &&
	    !shaped(s, "9999-99-99T99:99:99"))
		return -1;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	/* timegm normalises 02-30 into March: such a date is refused */
	if ((t = timegm(&tm)) == (time_t)-1 || tm.tm_mday != back.tm_mday ||
	    tm.tm_mon != back.tm_mon || tm.tm_hour != back.tm_hour ||
	    tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec)
		return -1;
	*ms = (long long)t * 1000;
	return 0;
}
