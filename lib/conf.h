/* SPDX-License-Identifier: ISC */
/*
 * vncgate.conf (DESIGN 1.5) parsed into a plain struct: the settings, the
 * inventory of its instance blocks, and the zone of `timezone`, loaded.
 * Only the config readers (conf.c, conf_parse.c) and acl_load.c include
 * confuse.h: the libconfuse state is freed once the values are copied
 * out.
 */
#ifndef VG_CONF_H
#define VG_CONF_H

#include <regex.h>
#include <stddef.h>

#include "conf_ticket.h"
#include "conf_value.h"
#include "diag.h"
#include "inventory.h"
#include "secfile.h"
#include "tz.h"

#define VG_DEFAULT_CONFIG	SYSCONFDIR "/vncgate/vncgate.conf"

struct vg_conf {
	char		*path;		/* the file it was read from */
	char		*acl_file;
	char		*pam_service;	/* "" = no step-up */
	enum vg_reauth	 reauth;
	enum vg_output	 output;
	char		*console_page;
	long		 url_ttl;
	long		 idle_timeout;
	char		*timezone;	/* "" = the system zone */
	struct vg_tz	 tz;		/* that zone, loaded */

	struct {
		char		*region;
		char		*endpoint;	/* "" = https://ecs.<instance region>.aliyuncs.com */
		char		*sts_endpoint;	/* resolved: never "" */
		enum vg_sigver	 signature;
		char		*ca_file;	/* "" = system store */
		char		*ca_pem;	/* its text, read through
						   secfile; NULL with "" */
		size_t		 ca_len;
		long		 connect_timeout;
		long		 timeout;
		long		 retries;
		char		**vnc_hosts;	/* lower-case; ".d" a domain,
						   "h" one host (DESIGN 1.8) */
		size_t		 nvnc_hosts;
	} api;

	struct {
		enum vg_provider provider;
		char		*role_name;
		char		*metadata_url;
		enum vg_mdtoken	 metadata_token;
		char		*access_key_file;
		char		*role_arn;
		int		 session_policy;
		long		 duration;
	} creds;

	struct {
		int	 facility;	/* LOG_AUTHPRIV etc., from <syslog.h> */
		char	*file;		/* "" = syslog only */
		int	 required;
		long	 lock_timeout;	/* s: the audit and rate-limit locks */
	} audit;

	struct {
		long	 user_per_minute;
		long	 instance_per_minute;
		char	*state_dir;
	} limits;

	struct {
		enum vg_ticket_mode mode;
		char		*pattern;	/* "" = any ticket of the set */
		/* ^(pattern)$ compiled at load, for conf_ticket_check */
		regex_t		 re;
		int		 have_re;
	} ticket;

	/* DESIGN 1.10: the instances listed from the cloud */
	struct {
		int	 discover;
		char	**regions;	/* {} in the file: {api.region} */
		size_t	 nregions;
		int	 all_regions;	/* {"*"}: what DescribeRegions lists */
		char	**tags;		/* "K=V", ANDed Tag.N filters */
		size_t	 ntags;
		char	*name_tag;	/* "" = InstanceName */
		long	 ttl;
		long	 stale_after;
	} inventory;

	struct vg_inventory inv;	/* the instance blocks (and, once
					   discovery merged them, the
					   instances of the cloud) */
};

/*
 * Read and validate path, then load the zone of `timezone` (a zone that
 * cannot be loaded is a problem at the line of `timezone`: the ACL's
 * hours would otherwise be read in no zone at all), and api.ca_file
 * through secfile with the same policy as the config (a problem at the
 * line of `ca_file`: the file decides whom the cloud calls trust).  Every problem goes
 * into diags (FILE:LINE: message); returns 0 only when there was none.
 * On failure *conf holds nothing to free.  conf->tz belongs to conf:
 * a struct tm that tz_localtime filled points into it.
 */
int	conf_load(const char *path, const struct secfile_policy *,
	    struct vg_conf *conf, struct vg_diags *diags);
void	conf_free(struct vg_conf *);

/*
 * The access_key file (access_key_id, access_key_secret).  The secret is
 * heap memory that the caller wipes with vg_freestr.
 */
int	conf_load_access_key(const char *path, const struct secfile_policy *,
	    char **id, char **secret, struct vg_diags *diags);

/* "authpriv" -> LOG_AUTHPRIV; -1 when unknown. */
int	conf_facility(const char *name);


#endif
