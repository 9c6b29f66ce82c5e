/* SPDX-License-Identifier: ISC */
/*
 * lib/creds_*.c: the RoleSessionName mapping, the session policy, the
 * parsers, and the three providers against the real mock cloud
 * (tests/mock/README.md), with its request log as the witness.
 */
#include "unit.h"
#include "mock.h"

#include <sys/socket.h>

#include <netinet/in.h>

#include <jansson.h>
#include <time.h>

#include "conf.h"
#include "creds.h"
#include "http.h"
#include "util.h"

#define MOCK_ARN	"acs:ram::1234567890123456:role/vncgate-operator"
#define MOCK_KEY_ID	"LTAI5tMOCKstaticKey01"
#define MOCK_SECRET	"MOCKstaticSecret0123456789abcdef"
#define ID1		"i-bp1hzoinajzkh91h0001"
#define ID2		"i-bp1hzoinajzkh91h0002"
#define POLICY(id)	"{\"Version\":\"1\",\"Statement\":[{\"Effect\":" \
			"\"Allow\",\"Action\":\"ecs:DescribeInstanceVncUrl\"," \
			"\"Resource\":\"acs:ecs:cn-hangzhou:1234567890123456:" \
			"instance/" id "\"}]}"
#define POLICY1		POLICY(ID1)
/* who credentials are for: a user without a ticket */
#define WHO(u)		(&(const struct creds_who){ (u), NULL, 0 })

static const struct vg_instance web1 = { "web-1", ID1, "cn-hangzhou", 0,
    "", NULL, 0, "", 0 };
static const struct vg_instance web2 = { "web-2", ID2, "cn-hangzhou", 0,
    "", NULL, 0, "", 0 };

/* RoleSessionName ------------------------------------------------------ */

static const struct {
	const char *user;
	const char *name;
} names[] = {
	{ "alice", "alice" },
	{ "a", "a@" },
	{ "svc_backup", "svc_backup" },
	{ "bob@corp", "bob@40corp" },
	{ "jos\xc3\xa9", "jos@C3@A9" },
	{ "first.last-2", "first.last-2" },
	{ "@", "@40" },
	{ "a b", "a@20b" },
	{ "AB", "AB" },
};

static void
check_round_trip(const char *user, const char *name)
{
	char enc[65], dec[256];

	assert_int_equal(creds_session_name(user, enc, sizeof(enc)), 0);
	assert_string_equal(enc, name);
	assert_int_equal(creds_session_name_decode(enc, dec, sizeof(dec)),
	    0);
	assert_string_equal(dec, user);
}

static void
test_session_name_mapping(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check_round_trip(names[i].user, names[i].name);
}

static void
test_session_name_limit(void **state)
{
	/* larger than 65: the limit must be the rule's, not the buffer's */
	char user[80], enc[128], small[4];

	(void)state;
	memset(user, 'x', 64);
	user[64] = '\0';
	check_round_trip(user, user);		/* exactly 64: kept */
	user[64] = 'x';
	user[65] = '\0';
	assert_int_equal(creds_session_name(user, enc, sizeof(enc)), -1);
	assert_string_equal(enc, "");
	memset(user, '@', 21);			/* 21 * 3 = 63 */
	user[21] = '\0';
	assert_int_equal(creds_session_name(user, enc, sizeof(enc)), 0);
	assert_int_equal(strlen(enc), 63);
	check_round_trip(user, enc);
	user[21] = '@';				/* 66: refused, not cut */
	user[22] = '\0';
	assert_int_equal(creds_session_name(user, enc, sizeof(enc)), -1);
	assert_int_equal(creds_session_name("", enc, sizeof(enc)), -1);
	assert_int_equal(creds_session_name(NULL, enc, sizeof(enc)), -1);
	assert_int_equal(creds_session_name("alice", small, sizeof(small)),
	    -1);
}

static void
test_session_name_decode_rejects(void **state)
{
	static const char *const bad[] = {
		"@4", "@zz", "x@4", "ab@4a", "A@41", "x@00y", "a", "",
		"a@b", "@@", "a@@", "ab cd", "ab/cd", "xy@", "@",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxx",
	};
	char out[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(creds_session_name_decode(bad[i], out,
		    sizeof(out)), -1);
		assert_string_equal(out, "");
	}
	/* an output buffer too small is refused, never cut */
	assert_int_equal(creds_session_name_decode("alice", out, 5), -1);
}

/* RoleSessionName with a ticket (DESIGN 1.11) ---------------------------- */

static const struct {
	const char *user;
	const char *ticket;
	const char *name;
} pairs[] = {
	{ "alice", "INC-1234", "alice@@INC-1234" },
	{ "a", "OPS:7/b", "a@@OPS@3A7@2Fb" },		/* no padding */
	{ "bob@corp", "CHG/9", "bob@40corp@@CHG@2F9" },
	{ "x@@y", "t", "x@40@40y@@t" },			/* "@@" in a name */
	{ "a--b", "c--d", "a--b@@c--d" },
	{ "@", ":", "@40@@@3A" },			/* "@" on both sides */
	{ "alice", "", "alice" },			/* no ticket */
	{ "a", NULL, "a@" },
};

/* user and ticket into a session name, and exactly back */
static void
check_pair(const char *user, const char *ticket, const char *want)
{
	char enc[128], u[256], t[256];

	assert_int_equal(creds_session_name_ticket(user, ticket, enc,
	    sizeof(enc)), 0);
	if (want != NULL)
		assert_string_equal(enc, want);
	assert_int_equal(creds_session_read(enc, u, sizeof(u), t, sizeof(t)),
	    0);
	assert_string_equal(u, user);
	assert_string_equal(t, ticket != NULL ? ticket : "");
}

static void
test_session_pair_mapping(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		check_pair(pairs[i].user, pairs[i].ticket, pairs[i].name);
}

/* What encoding costs, counted apart from lib/creds_session.c. */
static size_t
cost(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
		    "YZ0123456789._-", *s) != NULL ? 1 : 3;
	return n;
}

/*
 * Every byte 0x01..0xff in the user name, alone, first, last and beside
 * "@" and "-", with tickets of every ticket character: each pair reads
 * back to itself, and no two pairs give one session name.
 */
static void
test_session_pair_every_byte(void **state)
{
	static const char tset[] = "AZaz09._:/-";
	static const char *const shapes[] = { "%c", "%cx", "x%c", "@%c@",
	    "-%c-", "%c%c" };
	char user[8], ticket[4], enc[65], plain[65];
	size_t k, j;
	int b;

	(void)state;
	for (b = 1; b < 256; b++)
		for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
			snprintf(user, sizeof(user), shapes[k], b, b);
			for (j = 0; tset[j] != '\0'; j++) {
				snprintf(ticket, sizeof(ticket), "%c%c",
				    tset[j], b == 'q' ? ':' : 'T');
				check_pair(user, ticket, NULL);
			}
			/* the pair is never the plain name of another */
			assert_int_equal(creds_session_name_ticket(user, "T",
			    enc, sizeof(enc)), 0);
			assert_non_null(strstr(enc, "@@"));
			assert_int_equal(creds_session_name(user, plain,
			    sizeof(plain)), 0);
			assert_null(strstr(plain, "@@"));
		}
}

/* Random users (any byte) and tickets: read back, or refused at 65+. */
static void
test_session_pair_random(void **state)
{
	static const char tset[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789._:/-";
	char user[40], ticket[VG_TICKET_MAX + 1], enc[128];
	unsigned int seed = 20261127;
	size_t ul, tl, i;
	int i2, rc;

	(void)state;
	for (i2 = 0; i2 < 20000; i2++) {
		ul = 1 + rand_r(&seed) % 30;
		tl = 1 + rand_r(&seed) % VG_TICKET_MAX;
		for (i = 0; i < ul; i++)
			user[i] = (char)(1 + rand_r(&seed) % 255);
		user[ul] = '\0';
		for (i = 0; i < tl; i++)
			ticket[i] = tset[rand_r(&seed) % (sizeof(tset) - 1)];
		ticket[tl] = '\0';
		rc = creds_session_name_ticket(user, ticket, enc, sizeof(enc));
		if (cost(user) + 2 + cost(ticket) <= 64) {
			assert_int_equal(rc, 0);
			check_pair(user, ticket, NULL);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(enc, "");
		}
	}
}

/* 64 characters are kept, 65 refused, not cut: at every split. */
static void
test_session_pair_limit(void **state)
{
	/* larger than 65: the limit must be the rule's, not the buffer's */
	char user[64], ticket[64], enc[128], want[160];
	size_t ul;

	(void)state;
	for (ul = 1; ul <= 61; ul++) {
		memset(user, 'u', ul);
		user[ul] = '\0';
		memset(ticket, 't', 62 - ul);		/* 64 in all */
		ticket[62 - ul] = '\0';
		snprintf(want, sizeof(want), "%s@@%s", user, ticket);
		check_pair(user, ticket, want);
		assert_int_equal(strlen(want), 64);
		ticket[62 - ul] = 't';			/* 65: refused */
		ticket[63 - ul] = '\0';
		assert_int_equal(creds_session_name_ticket(user, ticket, enc,
		    sizeof(enc)), -1);
		assert_string_equal(enc, "");
	}
	/* ':' and '/' count three: 55 + 2 + 7 = 64, one more is 67 */
	memset(user, 'u', 55);
	user[55] = '\0';
	check_pair(user, "A:/", "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
	    "uuuuuuuuuu@@A@3A@2F");
	assert_int_equal(creds_session_name_ticket(user, "A:/:", enc,
	    sizeof(enc)), -1);
	/* a 32-character ticket leaves 30 for the name */
	memset(user, 'u', 30);
	user[30] = '\0';
	check_pair(user, "T2345678901234567890123456789012", NULL);
	user[30] = 'u';
	user[31] = '\0';
	assert_int_equal(creds_session_name_ticket(user,
	    "T2345678901234567890123456789012", enc, sizeof(enc)), -1);
}

/* What creds_session_name_ticket never gives is not read. */
static void
test_session_read_rejects(void **state)
{
	static const char *const bad[] = {
		"alice@@", "@@INC", "@@", "a@@@@41", "alice@@INC@@x",
		"a@@@@@3A", "alice@@inc@3a", "a@@x@", "a@@@00", "al ice@@I",
		"a@@@2f", "alice@@I@41", "a@@@",
	};
	char u[128], t[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(creds_session_read(bad[i], u, sizeof(u), t,
		    sizeof(t)), -1);
		assert_string_equal(u, "");
		assert_string_equal(t, "");
	}
	/* a name with a ticket is not a plain name */
	assert_int_equal(creds_session_name_decode("alice@@INC-1", u,
	    sizeof(u)), -1);
	/* a buffer too small for the ticket is refused, never cut */
	assert_int_equal(creds_session_read("alice@@INC-1234", u, sizeof(u),
	    t, 4), -1);
}

/* Session policy ------------------------------------------------------- */

static void
test_session_policy_exact(void **state)
{
	char err[VG_ERRLEN], *json;

	(void)state;
	assert_int_equal(creds_session_policy(
	    "acs:ram::1234567890123456:role/bastion-vnc", &web1, &json, err,
	    sizeof(err)), 0);
	assert_string_equal(json, POLICY1);
	free(json);
}

static void
test_session_policy_refused(void **state)
{
	static const char *const arns[] = {
		"", "acs:ram::12ab:role/x", "acs:ram::123:user/x",
		"acs:ram::123:role/", "acs:ram:cn-hangzhou:123:role/x",
		"acs:ram:::role/x", "acs:ram::123:role/a b",
		"acs:ram::123:role/x\"}],\"Effect\":\"Allow",
		"acs:ecs::123:role/x", "acs:ram::123:role/x/y",
	};
	struct vg_instance bad = web1;
	char err[VG_ERRLEN], *json;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(arns) / sizeof(arns[0]); i++) {
		err[0] = '\0';
		json = (char *)"untouched";
		assert_int_equal(creds_session_policy(arns[i], &web1, &json,
		    err, sizeof(err)), -1);
		assert_null(json);
		assert_true(strstr(err, "role_arn") != NULL);
	}
	assert_int_equal(creds_session_policy(NULL, &web1, &json, err,
	    sizeof(err)), -1);
	/* the resource is built from the instance: no quote may get in */
	strcpy(bad.id, "i-1\"}");
	assert_int_equal(creds_session_policy(MOCK_ARN, &bad, &json, err,
	    sizeof(err)), -1);
	bad = web1;
	strcpy(bad.region, "cn/*");
	assert_int_equal(creds_session_policy(MOCK_ARN, &bad, &json, err,
	    sizeof(err)), -1);
}

/* creds_parse_time ----------------------------------------------------- */

static void
test_parse_time_good(void **state)
{
	time_t t;

	(void)state;
	assert_int_equal(creds_parse_time("2017-11-01T05:20:01Z", &t), 0);
	assert_int_equal((long long)t, 1509513601LL);
	assert_int_equal(creds_parse_time("2017-11-01T05:20:01.999Z", &t),
	    0);
	assert_int_equal((long long)t, 1509513601LL);
	assert_int_equal(creds_parse_time("2024-02-29T23:59:59Z", &t), 0);
	assert_int_equal((long long)t, 1709251199LL);
	assert_int_equal(creds_parse_time("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal((long long)t, 0);
}

static void
test_parse_time_bad(void **state)
{
	static const char *const bad[] = {
		"", "2017-11-01 05:20:01Z", "2017-11-01T05:20:01",
		"2017-11-01T05:20:01+08:00", "2017-13-01T05:20:01Z",
		"2017-00-01T05:20:01Z", "2017-11-00T05:20:01Z",
		"2023-02-29T00:00:00Z", "2017-04-31T00:00:00Z",
		"2017-11-01T24:00:00Z", "2017-11-01T05:60:01Z",
		"2017-11-01T05:20:60Z", "2017-11-01T05:20:01.12Z",
		"2017-11-01T05:20:01.1234Z", "2017-1-01T05:20:01Z",
		"+017-11-01T05:20:01Z", "1969-12-31T23:59:59Z",
		"2017-11-01T05:20:01z", "2017-11-01T05:20:01Z ",
		"2017-11-01t05:20:01Z", "2017-11-01T05:2a:01Z",
	};
	time_t t = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(creds_parse_time(bad[i], &t), -1);
	assert_int_equal((long long)t, 42);
	assert_int_equal(creds_parse_time(NULL, &t), -1);
}

/* Parsers -------------------------------------------------------------- */

#define SECRET	"S3cretValue/+="
#define TOKEN	"CAIStokenValue+/="
#define EXP	"2030-01-02T03:04:05Z"

/* The four credential fields; NULL leaves one out. */
static void
add_fields(struct vg_buf *b, const char *id, const char *secret,
    const char *token, const char *exp)
{
	if (id != NULL)
		buf_addf(b, "\"AccessKeyId\":\"%s\",", id);
	if (secret != NULL)
		buf_addf(b, "\"AccessKeySecret\":\"%s\",", secret);
	if (token != NULL)
		buf_addf(b, "\"SecurityToken\":\"%s\",", token);
	if (exp != NULL)
		buf_addf(b, "\"Expiration\":\"%s\",", exp);
}

static char *
imds_doc(const char *code, const char *id, const char *secret,
    const char *token, const char *exp)
{
	struct vg_buf b;

	buf_init(&b);
	buf_adds(&b, "{");
	if (code != NULL)
		buf_addf(&b, "\"Code\":\"%s\",", code);
	add_fields(&b, id, secret, token, exp);
	buf_adds(&b, "\"LastUpdated\":\"2030-01-01T21:04:05Z\"}");
	return buf_take(&b);
}

static char *
sts_doc(const char *id, const char *secret, const char *token,
    const char *exp)
{
	struct vg_buf b;

	buf_init(&b);
	buf_adds(&b, "{\"RequestId\":\"6894B13B-6D71-4EF5-88FA-F32781734A7F\","
	    "\"AssumedRoleUser\":{\"Arn\":\"" MOCK_ARN "/alice\","
	    "\"AssumedRoleId\":\"3xxx:alice\"},\"Credentials\":{");
	add_fields(&b, id, secret, token, exp);
	buf_adds(&b, "\"Extra\":1}}");
	return buf_take(&b);
}

static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

typedef int	(*parse_fn)(const char *, size_t, struct vg_creds *, char *,
		    size_t);

static void
expect_good(parse_fn parse, char *doc, const char *id)
{
	struct vg_creds cr;
	char err[VG_ERRLEN];
	time_t exp;

	assert_int_equal(parse(doc, strlen(doc), &cr, err, sizeof(err)), 0);
	assert_string_equal(cr.id, id);
	assert_string_equal(cr.secret, SECRET);
	assert_string_equal(cr.token, TOKEN);
	assert_int_equal(creds_parse_time(EXP, &exp), 0);
	assert_int_equal((long long)cr.expiration, (long long)exp);
	assert_string_equal(cr.scope, "");
	creds_wipe(&cr);
	assert_null(cr.secret);
	free(doc);
}

/* Refused, nothing kept, and the error names no secret. */
static void
expect_bad(parse_fn parse, char *doc)
{
	struct vg_creds cr;
	char err[VG_ERRLEN] = "";

	assert_int_equal(parse(doc, strlen(doc), &cr, err, sizeof(err)), -1);
	assert_null(cr.secret);
	assert_null(cr.token);
	assert_string_not_equal(err, "");
	assert_null(strstr(err, "S3cret"));
	assert_null(strstr(err, "CAIS"));
	free(doc);
}

static void
test_parse_imds_good(void **state)
{
	char *id = repeat('S', 127), *big = repeat('x', 4096);
	struct vg_creds cr;
	char err[VG_ERRLEN], *doc;

	(void)state;
	expect_good(creds_parse_imds, imds_doc("Success", "STS.NTest01",
	    SECRET, TOKEN, EXP), "STS.NTest01");
	expect_good(creds_parse_imds, imds_doc("Success", id, SECRET, TOKEN,
	    "2030-01-02T03:04:05.000Z"), id);
	/* 4096 bytes are the bound, not past it */
	doc = imds_doc("Success", "STS.x", big, big, EXP);
	assert_int_equal(creds_parse_imds(doc, strlen(doc), &cr, err,
	    sizeof(err)), 0);
	assert_int_equal(strlen(cr.token), 4096);
	creds_wipe(&cr);
	free(doc);
	free(id);
	free(big);
}

static void
test_parse_imds_bad(void **state)
{
	char *longid = repeat('S', 128), *big = repeat('x', 4097);

	(void)state;
	expect_bad(creds_parse_imds, imds_doc(NULL, "STS.a", SECRET, TOKEN,
	    EXP));
	expect_bad(creds_parse_imds, imds_doc("Failed", "STS.a", SECRET,
	    TOKEN, EXP));
	expect_bad(creds_parse_imds, imds_doc("Success", NULL, SECRET, TOKEN,
	    EXP));
	expect_bad(creds_parse_imds, imds_doc("Success", "STS.a", NULL, TOKEN,
	    EXP));
	expect_bad(creds_parse_imds, imds_doc("Success", "STS.a", SECRET,
	    NULL, EXP));
	expect_bad(creds_parse_imds, imds_doc("Success", "STS.a", SECRET,
	    TOKEN, NULL));
	expect_bad(creds_parse_imds, imds_doc("Success", longid, SECRET,
	    TOKEN, EXP));
	expect_bad(creds_parse_imds, imds_doc("Success", "STS/a", SECRET,
	    TOKEN, EXP));
	expect_bad(creds_parse_imds, imds_doc("Success", "STS.a", big, TOKEN,
	    EXP));
	expect_bad(creds_parse_imds, imds_doc("Success", "STS.a", SECRET, big,
	    EXP));
	expect_bad(creds_parse_imds, imds_doc("Success", "STS.a", "",
	    TOKEN, EXP));
	expect_bad(creds_parse_imds, imds_doc("Success", "STS.a", SECRET,
	    "CAIS\\u0007", EXP));
	expect_bad(creds_parse_imds, imds_doc("Success", "STS.a", SECRET,
	    TOKEN, "tomorrow"));
	expect_bad(creds_parse_imds, strdup("{\"Code\":\"Success\","
	    "\"AccessKeyId\":\"STS.a\",\"AccessKeyId\":\"STS.b\","
	    "\"AccessKeySecret\":\"" SECRET "\",\"SecurityToken\":\"" TOKEN
	    "\",\"Expiration\":\"" EXP "\"}"));
	expect_bad(creds_parse_imds, strdup("{\"Code\":\"Success\","
	    "\"AccessKeyId\":5,\"AccessKeySecret\":\"" SECRET "\","
	    "\"SecurityToken\":\"" TOKEN "\",\"Expiration\":\"" EXP "\"}"));
	expect_bad(creds_parse_imds, strdup("{\"Code\":\"Success\","
	    "\"AccessKeySecret\":\"" SECRET));
	expect_bad(creds_parse_imds, strdup("[\"" SECRET "\"]"));
	free(longid);
	free(big);
}

static void
test_parse_sts_good(void **state)
{
	(void)state;
	expect_good(creds_parse_sts, sts_doc("STS.NUgYrLnoC37mZZCNnAbez2E",
	    SECRET, TOKEN, EXP), "STS.NUgYrLnoC37mZZCNnAbez2E");
}

static void
test_parse_sts_bad(void **state)
{
	char *longid = repeat('S', 128), *big = repeat('x', 4097);

	(void)state;
	expect_bad(creds_parse_sts, sts_doc(NULL, SECRET, TOKEN, EXP));
	expect_bad(creds_parse_sts, sts_doc("STS.a", NULL, TOKEN, EXP));
	expect_bad(creds_parse_sts, sts_doc("STS.a", SECRET, NULL, EXP));
	expect_bad(creds_parse_sts, sts_doc("STS.a", SECRET, TOKEN, NULL));
	expect_bad(creds_parse_sts, sts_doc(longid, SECRET, TOKEN, EXP));
	expect_bad(creds_parse_sts, sts_doc("STS.a", big, TOKEN, EXP));
	expect_bad(creds_parse_sts, sts_doc("STS.a", SECRET, big, EXP));
	expect_bad(creds_parse_sts, sts_doc("STS.a", SECRET, TOKEN,
	    "2030-02-30T00:00:00Z"));
	/* the fields must sit in Credentials, not at the top */
	expect_bad(creds_parse_sts, imds_doc("Success", "STS.a", SECRET,
	    TOKEN, EXP));
	expect_bad(creds_parse_sts, strdup("{\"Credentials\":\"" SECRET
	    "\"}"));
	expect_bad(creds_parse_sts, strdup("{\"Credentials\":{"
	    "\"AccessKeyId\":\"STS.a\",\"AccessKeySecret\":\"" SECRET "\","
	    "\"AccessKeySecret\":\"x\",\"SecurityToken\":\"" TOKEN "\","
	    "\"Expiration\":\"" EXP "\"}}"));
	expect_bad(creds_parse_sts, strdup("{\"RequestId\":\"a\","
	    "\"RequestId\":\"b\",\"Credentials\":{\"AccessKeyId\":\"STS.a\","
	    "\"AccessKeySecret\":\"" SECRET "\",\"SecurityToken\":\"" TOKEN
	    "\",\"Expiration\":\"" EXP "\"}}"));
	free(longid);
	free(big);
}

/* The mock cloud -------------------------------------------------------- */

struct fx {
	struct mock		 mock;		/* a mock per test */
	char			 keydir[64];	/* the access_key file's */
	char			 keyfile[512];
	struct vg_conf		 conf;
	struct secfile_policy	 pol;
	struct http_client	*http;
	struct creds_ctx	 ctx;
	struct vg_cloud_err	 err;
};

static void
fx_conf(struct fx *f)
{
	struct vg_conf *c = &f->conf;

	memset(c, 0, sizeof(*c));
	c->api.region = (char *)"cn-hangzhou";
	c->api.endpoint = (char *)"";
	c->api.sts_endpoint = f->mock.sts_url;
	c->api.signature = VG_SIG_V3;
	c->api.ca_file = f->mock.ca;
	c->api.connect_timeout = 3;
	c->api.timeout = 10;
	c->creds.provider = VG_CRED_ECS_RAM_ROLE;
	c->creds.role_name = (char *)"";
	c->creds.metadata_url = f->mock.imds_url;
	c->creds.metadata_token = VG_MDTOKEN_REQUIRED;
	c->creds.access_key_file = f->keyfile;
	c->creds.role_arn = (char *)MOCK_ARN;
	c->creds.session_policy = 1;
	c->creds.duration = 900;
}

static int
fx_start(void **state, const char *const *extra)
{
	struct http_opts o;
	char err[VG_ERRLEN], *pem;
	struct fx *f;

	assert_non_null(f = calloc(1, sizeof(*f)));
	*state = f;
	assert_int_equal(mock_init(&f->mock, "test-creds"), 0);
	mock_start(&f->mock, extra);
	unit_tmpdir(f->keydir, sizeof(f->keydir), "test-creds-key");
	vg_strlcpy(f->keyfile, unit_write_file(f->keydir, "access_key",
	    "access_key_id = \"" MOCK_KEY_ID "\"\n"
	    "access_key_secret = \"" MOCK_SECRET "\"\n", 0640),
	    sizeof(f->keyfile));
	memset(&f->pol, 0, sizeof(f->pol));
	f->pol.owner = getuid();
	f->pol.allow_ruid = 1;
	f->pol.ruid = getuid();
	memset(&o, 0, sizeof(o));
	o.ca_pem = pem = unit_read_file(f->mock.ca, &o.ca_len);
	o.connect_timeout_ms = 3000;
	o.timeout_ms = 10000;
	assert_int_equal(http_client_new(&f->http, &o, err, sizeof(err)), 0);
	free(pem);
	fx_conf(f);
	creds_init(&f->ctx, &f->conf, f->http, &f->pol);
	return 0;
}

static int
fx_stop(void **state)
{
	struct fx *f = *state;

	if (f == NULL)
		return 0;
	creds_clear(&f->ctx);
	if (f->http != NULL)
		http_client_free(f->http);
	mock_fini(&f->mock);
	unit_rm_tree(f->keydir);
	free(f);
	return 0;
}

static int
setup_plain(void **state)
{
	return fx_start(state, NULL);
}

static int
setup_notoken(void **state)
{
	static const char *const a[] = { "--fault", "imds-notoken", NULL };

	return fx_start(state, a);
}

static int
setup_imds_down(void **state)
{
	static const char *const a[] = { "--fault", "imds-down", NULL };

	return fx_start(state, a);
}

static int
setup_ttl200(void **state)
{
	static const char *const a[] = { "--cred-ttl", "200", NULL };

	return fx_start(state, a);
}

static int
setup_sts_denied(void **state)
{
	static const char *const a[] = { "--fault", "sts-denied", NULL };

	return fx_start(state, a);
}

static int
setup_wronghost(void **state)
{
	static const char *const a[] = { "--fault", "wronghost", NULL };

	return fx_start(state, a);
}

/* requests.log lines of service; *last (when asked) the newest one. */
static int
log_count(const struct fx *f, const char *service, json_t **last)
{
	char line[16384];
	json_t *j;
	FILE *fp;
	int n = 0;

	if (last != NULL)
		*last = NULL;
	if ((fp = fopen(mock_path(&f->mock, "requests.log"), "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		assert_non_null(j = json_loads(line, 0, NULL));
		if (strcmp(json_string_value(json_object_get(j, "service")),
		    service) == 0) {
			n++;
			if (last != NULL) {
				json_decref(*last);
				*last = json_incref(j);
			}
		}
		json_decref(j);
	}
	fclose(fp);
	return n;
}

static const char *
field(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	assert_non_null(s);
	return s;
}

/* Failed, with our code, and nothing secret in what is shown or logged. */
static void
expect_fail(struct fx *f, const char *user, const struct vg_instance *inst,
    const char *code)
{
	const struct vg_creds *cr = (const struct vg_creds *)&cr;

	assert_int_equal(creds_get(&f->ctx, WHO(user), inst, time(NULL), &cr,
	    &f->err), -1);
	assert_null(cr);
	assert_string_equal(f->err.code, code);
	assert_string_not_equal(f->err.message, "");
	assert_string_not_equal(f->err.detail, "");
	assert_null(strstr(f->err.message, MOCK_SECRET));
	assert_null(strstr(f->err.detail, MOCK_SECRET));
}

static const struct vg_creds *
expect_sts_creds(struct fx *f, const char *user,
    const struct vg_instance *inst, time_t now)
{
	const struct vg_creds *cr = NULL;
	int rc;

	rc = creds_get(&f->ctx, WHO(user), inst, now, &cr, &f->err);
	if (rc != 0)
		print_message("# %s: %s\n", f->err.code, f->err.detail);
	assert_int_equal(rc, 0);
	assert_non_null(cr);
	assert_int_equal(strncmp(cr->id, "STS.", 4), 0);
	assert_non_null(cr->secret);
	assert_non_null(cr->token);
	assert_true(cr->expiration > time(NULL));
	return cr;
}

/* ecs_ram_role --------------------------------------------------------- */

static void
test_imds_required_token_flow(void **state)
{
	struct fx *f = *state;
	const struct vg_creds *cr, *again;
	json_t *last;

	cr = expect_sts_creds(f, "alice", &web1, time(NULL));
	assert_string_equal(cr->scope, "");
	/* PUT token, GET the role list, GET the role's credentials */
	assert_int_equal(log_count(f, "imds", &last), 3);
	assert_string_equal(field(last, "path"),
	    "/latest/meta-data/ram/security-credentials/VncGateRole");
	assert_int_equal(json_integer_value(json_object_get(last, "status")),
	    200);
	json_decref(last);
	/* cached: the same credentials, no new request */
	assert_int_equal(creds_get(&f->ctx, WHO("alice"), &web2, time(NULL),
	    &again, &f->err), 0);
	assert_ptr_equal(again, cr);
	assert_int_equal(log_count(f, "imds", NULL), 3);
}

static void
test_imds_required_notoken_fails(void **state)
{
	struct fx *f = *state;

	expect_fail(f, "alice", &web1, "CredentialsUnavailable");
	assert_true(strstr(f->err.message, "metadata service") != NULL);
	/* hardened mode never falls back to a tokenless GET */
	assert_int_equal(log_count(f, "imds", NULL), 1);
}

static void
test_imds_optional_falls_back(void **state)
{
	struct fx *f = *state;
	json_t *last;

	f->conf.creds.metadata_token = VG_MDTOKEN_OPTIONAL;
	expect_sts_creds(f, "alice", &web1, time(NULL));
	assert_int_equal(log_count(f, "imds", &last), 3);
	assert_string_equal(field(last, "method"), "GET");
	json_decref(last);
}

static void
test_imds_optional_with_token(void **state)
{
	struct fx *f = *state;

	/* optional still uses the token when the service hands one out */
	f->conf.creds.metadata_token = VG_MDTOKEN_OPTIONAL;
	f->conf.creds.role_name = (char *)"VncGateRole";
	expect_sts_creds(f, "alice", &web1, time(NULL));
	assert_int_equal(log_count(f, "imds", NULL), 2);
}

static void
test_imds_down(void **state)
{
	struct fx *f = *state;

	expect_fail(f, "alice", &web1, "CredentialsUnavailable");
	assert_true(strstr(f->err.detail, "500") != NULL);
	f->conf.creds.metadata_token = VG_MDTOKEN_OPTIONAL;
	expect_fail(f, "alice", &web1, "CredentialsUnavailable");
	assert_int_equal(f->ctx.have, 0);
}

static void
test_imds_role_name(void **state)
{
	struct fx *f = *state;

	f->conf.creds.role_name = (char *)"NoSuchRole";
	expect_fail(f, "alice", &web1, "CredentialsUnavailable");
	/* it would become part of the URL path */
	f->conf.creds.role_name = (char *)"../VncGateRole";
	expect_fail(f, "alice", &web1, "CredentialsUnavailable");
	assert_int_equal(log_count(f, "imds", NULL), 3);
}

/* ram_role_arn --------------------------------------------------------- */

static void
check_assume_role(struct fx *f, const char *sigver, const char *session,
    const char *policy)
{
	json_t *last;

	assert_true(log_count(f, "sts", &last) > 0);
	assert_string_equal(field(last, "action"), "AssumeRole");
	assert_string_equal(field(last, "sigver"), sigver);
	assert_string_equal(field(last, "access_key_id"), MOCK_KEY_ID);
	assert_string_equal(field(last, "role_session_name"), session);
	assert_string_equal(field(last, "policy"), policy);
	assert_int_equal(json_integer_value(json_object_get(last, "status")),
	    200);
	json_decref(last);
}

static void
test_sts_v1(void **state)
{
	struct fx *f = *state;
	const struct vg_creds *cr;

	f->conf.creds.provider = VG_CRED_RAM_ROLE_ARN;
	f->conf.api.signature = VG_SIG_V1;
	cr = expect_sts_creds(f, "bob@corp", &web1, time(NULL));
	assert_string_equal(cr->scope, ID1);
	check_assume_role(f, "v1", "bob@40corp", POLICY1);
}

static void
test_sts_v3(void **state)
{
	struct fx *f = *state;
	const struct vg_creds *cr;

	f->conf.creds.provider = VG_CRED_RAM_ROLE_ARN;
	cr = expect_sts_creds(f, "a", &web1, time(NULL));
	assert_string_equal(cr->scope, ID1);
	check_assume_role(f, "v3", "a@", POLICY1);
}

static void
test_sts_cache(void **state)
{
	struct fx *f = *state;
	const struct vg_creds *cr, *again;

	f->conf.creds.provider = VG_CRED_RAM_ROLE_ARN;
	cr = expect_sts_creds(f, "alice", &web1, time(NULL));
	again = expect_sts_creds(f, "alice", &web1, time(NULL));
	assert_ptr_equal(again, cr);
	assert_int_equal(log_count(f, "sts", NULL), 1);
	/* another instance needs its own session policy */
	cr = expect_sts_creds(f, "alice", &web2, time(NULL));
	assert_string_equal(cr->scope, ID2);
	assert_int_equal(log_count(f, "sts", NULL), 2);
	check_assume_role(f, "v3", "alice", POLICY(ID2));
	/* another operator must not act under alice's session name */
	expect_sts_creds(f, "carol", &web2, time(NULL));
	assert_int_equal(log_count(f, "sts", NULL), 3);
	check_assume_role(f, "v3", "carol", POLICY(ID2));
}

static void
test_sts_cache_margin(void **state)
{
	struct fx *f = *state;
	time_t now = time(NULL);

	f->conf.creds.provider = VG_CRED_RAM_ROLE_ARN;
	f->conf.creds.session_policy = 0;
	expect_sts_creds(f, "alice", &web1, now);
	/* without a session policy any instance reuses them */
	expect_sts_creds(f, "alice", &web2, now);
	assert_int_equal(log_count(f, "sts", NULL), 1);
	check_assume_role(f, "v3", "alice", "");
	/* DurationSeconds 900: 500 s later 400 s are left, still cached */
	expect_sts_creds(f, "alice", &web2, now + 500);
	assert_int_equal(log_count(f, "sts", NULL), 1);
	/* 700 s later only 200 are left, inside the 300 s margin */
	expect_sts_creds(f, "alice", &web2, now + 700);
	assert_int_equal(log_count(f, "sts", NULL), 2);
}

static void
test_short_ttl_refetched(void **state)
{
	struct fx *f = *state;

	/* --cred-ttl 200 is less than the margin: never served from cache */
	f->conf.creds.provider = VG_CRED_RAM_ROLE_ARN;
	expect_sts_creds(f, "alice", &web1, time(NULL));
	expect_sts_creds(f, "alice", &web1, time(NULL));
	expect_sts_creds(f, "alice", &web1, time(NULL));
	assert_int_equal(log_count(f, "sts", NULL), 3);
	creds_clear(&f->ctx);
	f->conf.creds.provider = VG_CRED_ECS_RAM_ROLE;
	expect_sts_creds(f, "alice", &web1, time(NULL));
	expect_sts_creds(f, "alice", &web1, time(NULL));
	assert_int_equal(log_count(f, "imds", NULL), 6);
}

static void
test_sts_denied(void **state)
{
	struct fx *f = *state;

	f->conf.creds.provider = VG_CRED_RAM_ROLE_ARN;
	expect_fail(f, "alice", &web1, "NoPermission");
	assert_int_equal(f->err.http_status, 403);
	assert_string_not_equal(f->err.request_id, "");
	assert_true(strstr(f->err.message, "role") != NULL);
	assert_true(strstr(f->err.detail, "NoPermission") != NULL);
	assert_int_equal(f->ctx.have, 0);
}

static void
test_sts_unreachable(void **state)
{
	struct fx *f = *state;
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int s;

	/* a port that was just free: connection refused */
	assert_true((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
	close(s);
	snprintf(f->mock.sts_url, sizeof(f->mock.sts_url),
	    "https://127.0.0.1:%d", ntohs(sa.sin_port));
	f->conf.creds.provider = VG_CRED_RAM_ROLE_ARN;
	expect_fail(f, "alice", &web1, "NetworkError");
	assert_int_equal(f->err.attempts, 1);
	/* and never over plain http: refused here, so nothing was sent */
	snprintf(f->mock.sts_url, sizeof(f->mock.sts_url), "%s",
	    f->mock.imds_url);
	expect_fail(f, "alice", &web1, "CredentialsUnavailable");
	assert_int_equal(f->err.attempts, 0);
	assert_int_equal(log_count(f, "imds", NULL), 0);
}

static void
test_sts_wronghost(void **state)
{
	struct fx *f = *state;

	f->conf.creds.provider = VG_CRED_RAM_ROLE_ARN;
	expect_fail(f, "alice", &web1, "TLSError");
	assert_int_equal(log_count(f, "sts", NULL), 0);
}

static void
test_sts_key_refused(void **state)
{
	struct fx *f = *state;

	f->conf.creds.provider = VG_CRED_RAM_ROLE_ARN;
	assert_int_equal(chmod(f->keyfile, 0644), 0);
	expect_fail(f, "alice", &web1, "CredentialsUnavailable");
	assert_true(strstr(f->err.detail, "access_key") != NULL);
	assert_int_equal(log_count(f, "sts", NULL), 0);
}

/* static ----------------------------------------------------------------- */

static void
test_static(void **state)
{
	struct fx *f = *state;
	const struct vg_creds *cr, *again;

	f->conf.creds.provider = VG_CRED_STATIC;
	assert_int_equal(creds_get(&f->ctx, WHO("alice"), &web1, time(NULL),
	    &cr, &f->err), 0);
	assert_string_equal(cr->id, MOCK_KEY_ID);
	assert_string_equal(cr->secret, MOCK_SECRET);
	assert_null(cr->token);
	assert_int_equal((long long)cr->expiration, 0);
	/* expiration 0: good for ever, read once */
	assert_int_equal(creds_get(&f->ctx, WHO("bob"), &web2,
	    time(NULL) + 86400, &again, &f->err), 0);
	assert_ptr_equal(again, cr);
	creds_clear(&f->ctx);
	assert_int_equal(f->ctx.have, 0);
	/* a world-readable key is refused (DESIGN 1.1: 0640) */
	assert_int_equal(chmod(f->keyfile, 0644), 0);
	expect_fail(f, "alice", &web1, "CredentialsUnavailable");
	unlink(f->keyfile);
	expect_fail(f, "alice", &web1, "CredentialsUnavailable");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_name_mapping),
		cmocka_unit_test(test_session_name_limit),
		cmocka_unit_test(test_session_name_decode_rejects),
		cmocka_unit_test(test_session_pair_mapping),
		cmocka_unit_test(test_session_pair_every_byte),
		cmocka_unit_test(test_session_pair_random),
		cmocka_unit_test(test_session_pair_limit),
		cmocka_unit_test(test_session_read_rejects),
		cmocka_unit_test(test_session_policy_exact),
		cmocka_unit_test(test_session_policy_refused),
		cmocka_unit_test(test_parse_time_good),
		cmocka_unit_test(test_parse_time_bad),
		cmocka_unit_test(test_parse_imds_good),
		cmocka_unit_test(test_parse_imds_bad),
		cmocka_unit_test(test_parse_sts_good),
		cmocka_unit_test(test_parse_sts_bad),
		cmocka_unit_test_setup_teardown(test_imds_required_token_flow,
		    setup_plain, fx_stop),
		cmocka_unit_test_setup_teardown(
		    test_imds_required_notoken_fails, setup_notoken, fx_stop),
		cmocka_unit_test_setup_teardown(test_imds_optional_falls_back,
		    setup_notoken, fx_stop),
		cmocka_unit_test_setup_teardown(test_imds_optional_with_token,
		    setup_plain, fx_stop),
		cmocka_unit_test_setup_teardown(test_imds_down,
		    setup_imds_down, fx_stop),
		cmocka_unit_test_setup_teardown(test_imds_role_name,
		    setup_plain, fx_stop),
		cmocka_unit_test_setup_teardown(test_sts_v1, setup_plain,
		    fx_stop),
		cmocka_unit_test_setup_teardown(test_sts_v3, setup_plain,
		    fx_stop),
		cmocka_unit_test_setup_teardown(test_sts_cache, setup_plain,
		    fx_stop),
		cmocka_unit_test_setup_teardown(test_sts_cache_margin,
		    setup_plain, fx_stop),
		cmocka_unit_test_setup_teardown(test_short_ttl_refetched,
		    setup_ttl200, fx_stop),
		cmocka_unit_test_setup_teardown(test_sts_denied,
		    setup_sts_denied, fx_stop),
		cmocka_unit_test_setup_teardown(test_sts_unreachable,
		    setup_plain, fx_stop),
		cmocka_unit_test_setup_teardown(test_sts_wronghost,
		    setup_wronghost, fx_stop),
		cmocka_unit_test_setup_teardown(test_sts_key_refused,
		    setup_plain, fx_stop),
		cmocka_unit_test_setup_teardown(test_static, setup_plain,
		    fx_stop),
	};
	static const char *const proxies[] = { "http_proxy", "https_proxy",
	    "HTTPS_PROXY", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy" };
	size_t i;

	/* the mock is on 127.0.0.1: a proxy from the environment must not
	   take the STS requests elsewhere */
	for (i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
		unsetenv(proxies[i]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
