/* SPDX-License-Identifier: ISC */
/*
 * What a value of vncgate.conf or the access_key file may be (DESIGN
 * 1.5): the rule of each string key, the range of each number, and the
 * words of each choice with the C value it stands for.  The choices'
 * enums are defined here, beside their table, and conf.h takes them
 * from here.  Plain strings and numbers in, NULL (fine) or a phrase
 * saying what is wrong out; conf_parse.c ties the rules to libconfuse
 * and words the messages.  No libconfuse here.
 */
#ifndef VG_CONF_VALUE_H
#define VG_CONF_VALUE_H

#include <stddef.h>

/* The choices; each word is in the table of conf_value.c. */
enum vg_reauth	 { VG_REAUTH_LOGIN, VG_REAUTH_ISSUANCE };
enum vg_output	 { VG_OUT_AUTO, VG_OUT_URL, VG_OUT_QR, VG_OUT_BOTH };
enum vg_sigver	 { VG_SIG_V3, VG_SIG_V1 };
enum vg_provider { VG_CRED_ECS_RAM_ROLE, VG_CRED_RAM_ROLE_ARN, VG_CRED_STATIC };
enum vg_mdtoken	 { VG_MDTOKEN_REQUIRED, VG_MDTOKEN_OPTIONAL };
enum vg_ticket_mode { VG_TICKET_OFF, VG_TICKET_OPTIONAL, VG_TICKET_REQUIRED };

/* The rule for a string key, named "[section|]key" as libconfuse does. */
struct conf_str_rule {
	const char	*name;
	const char	*(*bad)(const char *);
	int		 empty_ok;
	int		 keyfile;	/* a key of the access_key file */
};

/* The i-th string rule, to register callbacks by; NULL past the end. */
const struct conf_str_rule *conf_value_rule(size_t i);

/* The rule for key of section (NULL: the top level); NULL when none. */
const struct conf_str_rule *conf_value_find(const char *section,
	    const char *key);

/* NULL when v passes the rule, else what is wrong ("must not be empty"). */
const char *conf_value_check(const struct conf_str_rule *, const char *v);

/* -1, with the bounds in *min and *max, when v is out of key's range. */
int	conf_value_range(const char *key, long v, long *min, long *max);

/* The value of word among key's choices; -1 when it is not one of them. */
int	conf_value_choose(const char *key, const char *word);

/*
 * An entry of api.vnc_hosts: a host name (vg_valid_host_name), or one
 * with a leading dot for every host under that domain; NULL when fine.
 */
const char *conf_value_bad_vnc_host(const char *v);

/* An entry of inventory.regions: a region ID or "*"; NULL when fine. */
const char *conf_value_bad_inv_region(const char *v);

/* key's choices as a phrase: "login or issuance", "auto, url, qr or both". */
void	conf_value_choices(const char *key, char *out, size_t outlen);

#endif
