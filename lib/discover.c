/* SPDX-License-Identifier: ISC */
/*
 * DescribeInstances and DescribeRegions (see discover.h, doc/wire.md):
 * the signed calls are cloud_rpc_call's, the wait between retries
 * ecs_backoff's, so the listing retries exactly as the console call
 * does (DESIGN 2.2 step 6), page by page.
 *
 * A page is read strictly: the cloud (or whoever sits in its place)
 * may send a page cut short, lists of the wrong shape or type, no
 * NextToken at all.  Each fails the region, which then keeps its last
 * good data (discover_merge.c): a page read "as best we can" would
 * silently lose the rest of a listing.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "discover.h"
#include "ecs.h"
#include "util.h"

#define API_VERSION	"2014-05-26"
#define TOKEN_MAX	512
#define ATTEMPT_MIN_MS	100LL
#define ENDPOINT_MAX	512

/* One request of a listing: its parameters, and what came back. */
struct req {
	const struct disc_call	*call;
	const char		*action;
	const char		*region;
	struct sign_param	 p[CLOUD_PARAMS_MAX];
	size_t			 np;
	char			 endpoint[ENDPOINT_MAX];
	char			 keys[20][16];	/* Tag.N.Key names */
	char			 vals[20][16];
	char			 tagk[20][65];	/* the filter's parts */
	char			 tagv[20][65];
};

static int
req_init(struct req *q, const struct disc_call *call, const char *action,
    const char *region)
{
	struct vg_instance where;

	memset(q, 0, sizeof(*q));
	q->call = call;
	q->action = action;
	q->region = region;
	memset(&where, 0, sizeof(where));
	vg_strlcpy(where.region, region, sizeof(where.region));
	q->p[q->np++] = (struct sign_param){ "RegionId", region };
	return ecs_endpoint(call->conf, &where, q->endpoint,
	    sizeof(q->endpoint));
}

/* inventory.tags as Tag.N.Key and Tag.N.Value (checked K=V at load). */
static void
req_tags(struct req *q)
{
	const struct vg_conf *cf = q->call->conf;
	const char *eq;
	size_t i;

	for (i = 0; i < cf->inventory.ntags && i < 20; i++) {
		eq = strchr(cf->inventory.tags[i], '=');
		if (eq == NULL)
			continue;
		snprintf(q->keys[i], sizeof(q->keys[i]), "Tag.%zu.Key", i + 1);
		snprintf(q->vals[i], sizeof(q->vals[i]), "Tag.%zu.Value",
		    i + 1);
		snprintf(q->tagk[i], sizeof(q->tagk[i]), "%.*s",
		    (int)(eq - cf->inventory.tags[i]), cf->inventory.tags[i]);
		vg_strlcpy(q->tagv[i], eq + 1, sizeof(q->tagv[i]));
		q->p[q->np++] = (struct sign_param){ q->keys[i], q->tagk[i] };
		q->p[q->np++] = (struct sign_param){ q->vals[i], q->tagv[i] };
	}
}

/* An attempt has api.timeout, or what is left of the listing's time. */
static long
attempt_ms(const struct disc_call *c)
{
	long long left = c->deadline - vg_now_ms();
	long long one = 1000LL * c->conf->api.timeout;

	return (long)(left < one ? left : one);
}

/* One attempt: 0 with an answer in resp (any status), else -1 and err. */
static int
send_once(struct req *q, struct http_response *resp, struct vg_cloud_err *e)
{
	const struct disc_call *c = q->call;
	const struct cloud_rpc rpc = {
		.endpoint = q->endpoint,
		.action = q->action,
		.version = API_VERSION,
		.params = q->p,
		.nparams = q->np,
		.sigver = c->conf->api.signature,
		.key_id = c->creds->id,
		.secret = c->creds->secret,
		.token = c->creds->token,
		.place = CLOUD_PARAMS_QUERY,
		.timeout_ms = attempt_ms(c),
		.what = q->action,
		.own_code = "ClientError",
	};

	if (rpc.timeout_ms <= ATTEMPT_MIN_MS) {
		cloud_err_detail(e, "Timeout", q->action, "the refresh's time "
		    "is used up");
		return -1;
	}
	return cloud_rpc_call(c->http, &rpc, resp, e);
}

/* An error answer into e; -1 always. */
static int
answer_error(const struct req *q, const struct http_response *resp,
    struct vg_cloud_err *e)
{
	char why[VG_ERRLEN];
	json_t *root;

	root = cloud_json_load(resp->body, resp->len, why, sizeof(why));
	if (root == NULL) {
		cloud_err_detail(e, resp->status >= 500 ? "HTTP5xx" :
		    "BadResponse", q->action, "HTTP %ld, %s", resp->status,
		    why);
		e->http_status = resp->status;
		return -1;
	}
	cloud_parse_error(root, resp->status, q->action, NULL, e);
	json_decref(root);
	return -1;
}

/*
 * Send q until an answer of 2xx arrives (0, resp kept) or the failure is
 * not worth a retry, the retries are used up or the time is (-1, e; with
 * an error answer e->code is the cloud's).  *requests counts each send.
 */
static int
send_retried(struct req *q, struct http_response *resp, int *requests,
    struct vg_cloud_err *e)
{
	long max = q->call->conf->api.retries;
	char after[32];
	long long wait;
	int n;

	for (n = 0;; n++) {
		cloud_err_clear(e);
		after[0] = '\0';
		(*requests)++;
		if (send_once(q, resp, e) == 0) {
			if (resp->status >= 200 && resp->status <= 299)
				return 0;
			vg_strlcpy(after, resp->retry_after, sizeof(after));
			answer_error(q, resp, e);
			http_response_free(resp);
		}
		if (n >= max || !cloud_retryable(e))
			return -1;
		wait = ecs_backoff(n, after);
		if (vg_now_ms() + wait + ATTEMPT_MIN_MS >= q->call->deadline)
			return -1;
		ecs_nap(wait);
	}
}

/* Pages ------------------------------------------------------------------ */

/* The value of the 4 hex digits at p, or -1. */
static long
hex4(const char *p)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= p[i] - '0';
		else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
			v |= (p[i] | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * A \uD800-\uDFFF escape that is not half of a pair becomes \uFFFD, in
 * place (same length).  Whoever may name an instance may put a lone
 * surrogate in its name, which the API then sends escaped; jansson
 * refuses it, and one such name must not fail the whole region.
 */
static void
fix_surrogates(char *t, size_t len)
{
	size_t i;
	long v, w;

	for (i = 0; i + 5 < len; i++) {
		if (t[i] != '\\')
			continue;
		if (t[i + 1] != 'u') {
			i++;		/* \\ or \": skip the escaped byte */
			continue;
		}
		v = hex4(t + i + 2);
		w = i + 11 < len && t[i + 6] == '\\' && t[i + 7] == 'u' ?
		    hex4(t + i + 8) : -1;
		if (v >= 0xd800 && v <= 0xdbff && w >= 0xdc00 && w <= 0xdfff)
			i += 11;	/* a pair */
		else if (v >= 0xd800 && v <= 0xdfff)
			memcpy(t + i + 2, "FFFD", 4);
		else
			i += 5;
	}
}

/*
 * A page as a JSON object: duplicate keys refused (a second InstanceId
 * could pass a checker that saw the first), NUL in strings let through
 * to be judged field by field (opt_str), lone surrogates neutralised.
 */
static json_t *
page_load(const char *body, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root;
	char *copy;

	if (body == NULL || (copy = malloc(len + 1)) == NULL) {
		vg_seterr(err, errlen, "no answer, or out of memory");
		return NULL;
	}
	memcpy(copy, body, len);
	copy[len] = '\0';
	fix_surrogates(copy, len);
	root = json_loadb(copy, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
	    &je);
	free(copy);
	if (root == NULL || !json_is_object(root)) {
		/* never je.text: it may quote the page */
		vg_seterr(err, errlen, "the answer is not a JSON object "
		    "(line %d, column %d)", je.line, je.column);
		json_decref(root);
		return NULL;
	}
	return root;
}

/*
 * An optional string member: NULL when absent; -1 when not a string.
 * One holding a NUL is -1 too, or with lax NULL (unusable, as absent):
 * names and descriptions are anyone's text, IDs are the cloud's own.
 */
static int
opt_text(json_t *o, const char *key, int lax, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return -1;
	if (strlen(json_string_value(v)) != json_string_length(v))
		return lax ? 0 : -1;
	*out = json_string_value(v);
	return 0;
}

static int
opt_str(json_t *o, const char *key, const char **out)
{
	return opt_text(o, key, 0, out);
}

/* Tags.Tag into "K=V" strings (those of the charset); the name_tag's value */
static int
read_tags(json_t *inst, const char *name_tag, char ***tags, size_t *ntags,
    const char **named)
{
	json_t *t = json_object_get(inst, "Tags"), *list, *e;
	const char *k, *v;
	char kv[160];
	size_t i;

	if (t == NULL)
		return 0;
	if (!json_is_object(t) || (list = json_object_get(t, "Tag")) == NULL)
		return json_is_object(t) ? 0 : -1;
	if (!json_is_array(list) || json_array_size(list) > 64)
		return -1;
	if ((*tags = calloc(json_array_size(list) + 1, sizeof(char *))) ==
	    NULL)
		return -1;
	json_array_foreach(list, i, e) {
		if (!json_is_object(e) || opt_text(e, "TagKey", 1, &k) == -1 ||
		    opt_text(e, "TagValue", 1, &v) == -1)
			return -1;
		if (k == NULL)
			continue;	/* a NUL in it: no rule can name it */
		if (name_tag[0] != '\0' && strcmp(k, name_tag) == 0)
			*named = v;
		if (snprintf(kv, sizeof(kv), "%s=%s", k, v != NULL ? v : "") >=
		    (int)sizeof(kv) || inventory_bad_tag(kv) != NULL)
			continue;	/* no rule can name it */
		if (((*tags)[*ntags] = strdup(kv)) == NULL)
			return -1;
		(*ntags)++;
	}
	return 0;
}

static void
free_tags(char **tags, size_t n)
{
	while (n > 0)
		free(tags[--n]);
	free(tags);
}

/* The untrusted fields of one instance into in (description borrowed). */
static int
read_fields(json_t *o, const char *name_tag, struct vg_instance *in,
    const char **named)
{
	const char *id, *name, *desc, *os, *status;

	if (opt_str(o, "InstanceId", &id) == -1 || id == NULL ||
	    inventory_bad_id(id) != NULL ||
	    opt_text(o, "InstanceName", 1, &name) == -1 ||
	    opt_text(o, "Description", 1, &desc) == -1 ||
	    opt_str(o, "OSType", &os) == -1 ||
	    opt_str(o, "Status", &status) == -1 || status == NULL)
		return -1;
	vg_strlcpy(in->id, id, sizeof(in->id));
	*named = name_tag[0] == '\0' ? name : NULL;
	in->windows = os != NULL && strcmp(os, "windows") == 0;
	in->description = (char *)(desc != NULL &&
	    inventory_bad_description(desc) == NULL ? desc : "");
	vg_strlcpy(in->status, inventory_bad_status(status) == NULL ?
	    status : "Unknown", sizeof(in->status));
	return 0;
}

/* One instance of a page into r->inv; -1: garbled (or no memory). */
static int
read_instance(json_t *o, const char *name_tag, long long now,
    struct disc_region *r)
{
	struct vg_instance in;
	const char *named = NULL;
	int rc = -1;

	memset(&in, 0, sizeof(in));
	if (!json_is_object(o) || read_fields(o, name_tag, &in, &named) == -1)
		return -1;
	if (read_tags(o, name_tag, &in.tags, &in.ntags, &named) == 0 &&
	    inventory_by_id(&r->inv, in.id) == NULL) {
		if (named != NULL && inventory_bad_name(named) == NULL)
			vg_strlcpy(in.name, named, sizeof(in.name));
		vg_strlcpy(in.region, r->region, sizeof(in.region));
		in.seen = now;
		rc = inventory_add(&r->inv, &in, 1) == NULL ? -1 : 0;
	}
	free_tags(in.tags, in.ntags);
	return rc;
}

static int
token_ok(const char *t)
{
	return t != NULL && strlen(t) < TOKEN_MAX &&
	    vg_charset_ok(t[0] != '\0' ? t : "-", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/=._-:", TOKEN_MAX);
}

static int
garbled(struct vg_cloud_err *e, long status, const char *why)
{
	cloud_err_detail(e, "BadResponse", "DescribeInstances", "HTTP %ld, "
	    "%s", status, why);
	e->http_status = status;
	return -1;
}

int
discover_parse_page(const char *name_tag, long status, const char *body,
    size_t len, long long now, struct disc_region *r, char *token,
    size_t tokenlen, struct vg_cloud_err *e)
{
	json_t *root, *insts, *list, *o;
	const char *next;
	char why[VG_ERRLEN];
	size_t i;
	int rc = -1;

	if ((root = page_load(body, len, why, sizeof(why))) == NULL)
		return garbled(e, status, why);
	insts = json_object_get(root, "Instances");
	list = json_is_object(insts) ? json_object_get(insts, "Instance") :
	    NULL;
	if (opt_str(root, "NextToken", &next) == -1 || !token_ok(next))
		garbled(e, status, "NextToken is missing or malformed");
	else if ((insts != NULL && !json_is_object(insts)) ||
	    (list != NULL && !json_is_array(list)) ||
	    json_array_size(list) > DISC_PAGE_SIZE)
		garbled(e, status, "Instances.Instance is not a list of at "
		    "most 100");
	else if (r->inv.n + json_array_size(list) > DISC_REGION_INST_MAX)
		garbled(e, status, "more instances than a region may hold");
	else {
		rc = 0;
		json_array_foreach(list, i, o)
			if (rc == 0 && read_instance(o, name_tag, now, r) == -1)
				rc = garbled(e, status, "an instance's fields "
				    "are missing or of the wrong type");
		if (rc == 0)
			vg_strlcpy(token, next, tokenlen);
	}
	json_decref(root);
	return rc;
}

/* The listing ------------------------------------------------------------ */

/*
 * DescribeInstances answers a caller without the permission with an
 * empty list (reference, Round 2): only DryRunOperation says the
 * credentials may list, so only then is "no instance" believed.
 */
static int
dry_run(const struct disc_call *call, struct disc_region *r)
{
	struct http_response resp;
	struct req q;
	long status;
	int rc;

	if (req_init(&q, call, "DescribeInstances", r->region) == -1)
		return garbled(&r->err, 0, "no endpoint for the region");
	q.p[q.np++] = (struct sign_param){ "DryRun", "true" };
	rc = send_retried(&q, &resp, &r->requests, &r->err);
	if (rc == 0) {
		status = resp.status;
		http_response_free(&resp);
		return garbled(&r->err, status, "DryRun answered as a real "
		    "call");
	}
	if (strcmp(r->err.code, "DryRunOperation") != 0)
		return -1;
	cloud_err_clear(&r->err);
	return 0;
}

/* One page: send (retried), parse; token gets the next one. */
static int
one_page(struct req *q, struct disc_region *r, char *token, size_t len)
{
	struct http_response resp;
	int rc;

	if (send_retried(q, &resp, &r->requests, &r->err) == -1)
		return -1;
	rc = discover_parse_page(q->call->conf->inventory.name_tag,
	    resp.status, resp.body, resp.len, (long long)time(NULL), r, token,
	    len, &r->err);
	http_response_free(&resp);
	return rc;
}

int
discover_region(const struct disc_call *call, struct disc_region *r)
{
	char token[TOKEN_MAX], sent[TOKEN_MAX];
	long long t0 = vg_now_ms();
	struct req q;
	int rc = 0, pages = 0;

	cloud_err_clear(&r->err);
	token[0] = '\0';
	do {
		if (req_init(&q, call, "DescribeInstances", r->region) == -1)
			return garbled(&r->err, 0, "no endpoint for the region");
		q.p[q.np++] = (struct sign_param){ "MaxResults", "100" };
		req_tags(&q);
		vg_strlcpy(sent, token, sizeof(sent));
		if (sent[0] != '\0')
			q.p[q.np++] = (struct sign_param){ "NextToken", sent };
		rc = one_page(&q, r, token, sizeof(token));
	} while (rc == 0 && token[0] != '\0' &&
	    ++pages <= DISC_REGION_INST_MAX / DISC_PAGE_SIZE);
	if (rc == 0 && token[0] != '\0')
		rc = garbled(&r->err, 200, "the listing never ends");
	if (rc == 0 && r->inv.n == 0)
		rc = dry_run(call, r);
	r->latency_ms = vg_now_ms() - t0;
	if (rc == -1) {
		inventory_free(&r->inv);
		return -1;
	}
	r->ok = 1;
	r->fetched = (long long)time(NULL);
	return 0;
}

/* Regions ---------------------------------------------------------------- */

void
discover_free_ids(char **ids, size_t n)
{
	free_tags(ids, n);
}

static int
region_ids(json_t *root, char ***ids, size_t *n)
{
	json_t *rs = json_object_get(root, "Regions"), *list, *o;
	const char *id;
	size_t i;

	list = json_is_object(rs) ? json_object_get(rs, "Region") : NULL;
	if (!json_is_array(list) || json_array_size(list) > DISC_REGIONS_MAX ||
	    (*ids = calloc(json_array_size(list) + 1, sizeof(char *))) ==
	    NULL)
		return -1;
	json_array_foreach(list, i, o) {
		if (!json_is_object(o) || opt_str(o, "RegionId", &id) == -1 ||
		    id == NULL || !vg_valid_region(id) ||
		    ((*ids)[*n] = strdup(id)) == NULL)
			return -1;
		(*n)++;
	}
	return 0;
}

int
discover_regions(const struct disc_call *call, char ***ids, size_t *n,
    int *requests, struct vg_cloud_err *e)
{
	struct http_response resp;
	char why[VG_ERRLEN];
	json_t *root;
	struct req q;
	int rc = -1;

	*ids = NULL;
	*n = 0;
	if (req_init(&q, call, "DescribeRegions", call->conf->api.region) ==
	    -1)
		return garbled(e, 0, "no endpoint for api.region");
	q.p[q.np++] = (struct sign_param){ "AcceptLanguage", "en-US" };
	if (send_retried(&q, &resp, requests, e) == -1)
		return -1;
	if ((root = cloud_json_load(resp.body, resp.len, why, sizeof(why))) ==
	    NULL)
		garbled(e, resp.status, why);
	else if ((rc = region_ids(root, ids, n)) == -1)
		garbled(e, resp.status, "Regions.Region is not a list of "
		    "region IDs");
	json_decref(root);
	http_response_free(&resp);
	if (rc == -1) {
		discover_free_ids(*ids, *n);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}
