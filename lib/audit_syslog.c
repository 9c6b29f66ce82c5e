/* SPDX-License-Identifier: ISC */
/*
 * The syslog sink: our own datagram socket connected to /dev/log.
 * glibc's syslog(3) drops a message it cannot send and says nothing, and
 * openlog() would change the process's logging for PAM's host; with our
 * own socket a record syslog did not take is known and can stop the URL
 * (audit.required), and each datagram can carry our credentials.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "util.h"

#define IDENT	"vncgate"

/* Room for one SCM_CREDENTIALS message, aligned as a cmsghdr. */
union vg_credmsg {
	char		buf[CMSG_SPACE(sizeof(struct ucred))];
	struct cmsghdr	align;
};

static int
dial(struct audit_syslog *sl)
{
	struct sockaddr_un sun;
	int fd, save;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	/* sl->path fits: audit_syslog_open checked it against sun_path */
	memcpy(sun.sun_path, sl->path, strlen(sl->path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		save = errno;
		close(fd);
		errno = save;
		return -1;
	}
	sl->fd = fd;
	return 0;
}

static int
valid_facility(int facility)
{
	return (facility & ~LOG_FACMASK) == 0 &&
	    LOG_FAC(facility) <= LOG_FAC(LOG_LOCAL7);
}

int
audit_syslog_open(struct audit_syslog *sl, const char *path, int facility,
    char *err, size_t errlen)
{
	struct sockaddr_un sun;

	memset(sl, 0, sizeof(*sl));
	sl->fd = -1;
	if (!valid_facility(facility)) {
		vg_seterr(err, errlen, "%d is not a syslog facility", facility);
		return -1;
	}
	if (path == NULL || *path == '\0' ||
	    strlen(path) >= sizeof(sun.sun_path) ||
	    vg_strlcpy(sl->path, path, sizeof(sl->path)) == -1) {
		vg_seterr(err, errlen, "the syslog socket path %.200s is "
		    "empty or too long", path != NULL ? path : "");
		return -1;
	}
	sl->facility = facility;
	if (dial(sl) == -1) {
		vg_seterr(err, errlen, "cannot connect to syslog at %s: %s",
		    sl->path, strerror(errno));
		return -1;
	}
	return 0;
}

void
audit_syslog_close(struct audit_syslog *sl)
{
	if (sl->fd >= 0)
		close(sl->fd);
	sl->fd = -1;
}

/*
 * RFC 3164 header.  The month comes from our own table, not %b: a
 * process that called setlocale() would otherwise send a local month
 * name the syslog daemon cannot parse.  %2d is %e (space-padded day).
 */
static int
header(struct vg_buf *b, int pri)
{
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;
	time_t now;

	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL || tm.tm_mon < 0 || tm.tm_mon > 11)
		return -1;
	return buf_addf(b, "<%d>%s %2d %02d:%02d:%02d %s[%ld]: ", pri,
	    months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    IDENT, (long)getpid());
}

/*
 * Our credentials go with every datagram (SCM_CREDENTIALS), with the
 * effective ids: the kernel fills in the real gid when none is passed,
 * and the setgid shell's real gid is the operator's.  It checks what we
 * pass (a caller may name only its own pid and one of its own real,
 * effective or saved ids), so the syslog daemon learns, from the kernel
 * and not from the line, that the sender had the group vncgate or was
 * root.  The shipped rsyslog snippet accepts "vncgate" lines on that
 * ground alone and sets aside any other sender that claims the tag
 * (`logger -t vncgate`, a user's own copy of the shell).
 */
static void
add_creds(struct msghdr *mh, union vg_credmsg *cm)
{
	struct ucred uc;
	struct cmsghdr *c;

	memset(cm, 0, sizeof(*cm));
	uc.pid = getpid();
	uc.uid = geteuid();
	uc.gid = getegid();
	mh->msg_control = cm->buf;
	mh->msg_controllen = sizeof(cm->buf);
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(uc));
	memcpy(CMSG_DATA(c), &uc, sizeof(uc));
}

/* A datagram goes whole or not at all; a short count is a failure too. */
static int
send_msg(const struct audit_syslog *sl, const struct vg_buf *m)
{
	union vg_credmsg cm;
	struct msghdr mh;
	struct iovec iov;
	ssize_t n;

	if (sl->fd < 0) {
		errno = ENOTCONN;
		return -1;
	}
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = m->p;
	iov.iov_len = m->len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	add_creds(&mh, &cm);
	do
		n = sendmsg(sl->fd, &mh, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != m->len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

/*
 * A restarted syslog daemon leaves our socket connected to nothing
 * (ECONNREFUSED): dial again once, then give up and say so.
 */
static int
syslog_emit(void *ctx, const struct audit_rec *rec, const char *line,
    char *err, size_t errlen)
{
	struct audit_syslog *sl = ctx;
	struct vg_buf m;
	int rc = 0;

	buf_init(&m);
	if (header(&m, sl->facility | audit_severity(rec)) == -1 ||
	    buf_adds(&m, line) == -1) {
		buf_free(&m);
		vg_seterr(err, errlen, "syslog at %s did not take the record: "
		    "cannot build the message", sl->path);
		return -1;
	}
	if (send_msg(sl, &m) == -1) {
		audit_syslog_close(sl);
		if (dial(sl) == -1 || send_msg(sl, &m) == -1) {
			vg_seterr(err, errlen, "syslog at %s did not take the "
			    "record: %s", sl->path, strerror(errno));
			rc = -1;
		}
	}
	buf_free(&m);
	return rc;
}

void
audit_syslog_sink(struct audit_syslog *sl, struct audit_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->name = "syslog";
	sink->emit = syslog_emit;
	sink->ctx = sl;
}
