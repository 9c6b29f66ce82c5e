/* SPDX-License-Identifier: ISC */
/*
 * vncgate.conf (DESIGN 1.5) parsed into a plain struct.  Only the config
 * readers (conf.c, conf_parse.c) and acl.c include confuse.h: the
 * libconfuse state is freed once the values are copied out.
 */
#ifndef VG_CONF_H
#define VG_CONF_H

#include <stddef.h>

#include "diag.h"
#include "secfile.h"

#define VG_DEFAULT_CONFIG	SYSCONFDIR "/vncgate/vncgate.conf"

enum vg_reauth	 { VG_REAUTH_LOGIN, VG_REAUTH_ISSUANCE };
enum vg_output	 { VG_OUT_AUTO, VG_OUT_URL, VG_OUT_QR, VG_OUT_BOTH };
enum vg_sigver	 { VG_SIG_V3, VG_SIG_V1 };
enum vg_provider { VG_CRED_ECS_RAM_ROLE, VG_CRED_RAM_ROLE_ARN, VG_CRED_STATIC };
enum vg_mdtoken	 { VG_MDTOKEN_REQUIRED, VG_MDTOKEN_OPTIONAL };

struct vg_instance {
	char	  name[65];		/* the section title */
	char	  id[65];
	char	  region[33];		/* api.region when unset */
	int	  windows;		/* os = "windows" */
	char	 *description;		/* "" when unset */
	char	**tags;			/* "K=V" strings */
	size_t	  ntags;
};

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

	struct {
		char		*region;
		char		*endpoint;	/* "" = https://ecs.<instance region>.aliyuncs.com */
		char		*sts_endpoint;	/* resolved: never "" */
		enum vg_sigver	 signature;
		char		*ca_file;	/* "" = system store */
		long		 connect_timeout;
		long		 timeout;
		long		 retries;
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
	} audit;

	struct {
		long	 user_per_minute;
		long	 instance_per_minute;
		char	*state_dir;
	} limits;

	struct vg_instance *inst;
	size_t		    ninst;
};

/*
 * Read and validate path.  Every problem goes into diags (FILE:LINE:
 * message); returns 0 only when there was none.  On failure *conf holds
 * nothing to free.
 */
int	conf_load(const char *path, const struct secfile_policy *,
	    struct vg_conf *conf, struct vg_diags *diags);
void	conf_free(struct vg_conf *);

/* An instance by name or by ID; NULL when the inventory has neither. */
const struct vg_instance *conf_find_instance(const struct vg_conf *,
	    const char *target);

/*
 * The access_key file (access_key_id, access_key_secret).  The secret is
 * heap memory that the caller wipes with vg_freestr.
 */
int	conf_load_access_key(const char *path, const struct secfile_policy *,
	    char **id, char **secret, struct vg_diags *diags);

/* "authpriv" -> LOG_AUTHPRIV; -1 when unknown. */
int	conf_facility(const char *name);

#endif
