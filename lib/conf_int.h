/* SPDX-License-Identifier: ISC */
/*
 * What conf.c and conf_parse.c share; not part of conf.h.  conf.c holds
 * the schema of vncgate.conf, copies the values out and is the
 * interface; conf_parse.c reads a file into a schema with libconfuse,
 * checking each value where libconfuse hands it over, and hands each
 * instance block to the inventory.  Both include confuse.h,
 * as acl_load.c does; this header needs it for cfg_t.  It does not
 * include conf.h: conf_parse.c stands below conf.c, never beside it.
 */
#ifndef VG_CONF_INT_H
#define VG_CONF_INT_H

#include <stddef.h>

#include <confuse.h>

#include "conf_file.h"
#include "diag.h"
#include "inventory.h"
#include "secfile.h"

/* The hidden option that leads callbacks to struct conf_ctx (conf_file.h). */
#define CONF_CTX_OPT(c)	{ .name = CONF_CTX_KEY, .type = CFGT_PTR, \
			  .simple_value.ptr = &(c)->self }

/* The state of one conf_load. */
struct conf_ctx {
	void		*self;		/* what CONF_CTX_OPT points at */
	struct vg_diags	*diags;
	const char	*path;
	int		 nerr;
	unsigned int	 seen;		/* one bit per plain section */
	struct vg_inventory *inv;	/* the instance blocks read so far */
	int		 tz_line;	/* `timezone`'s line, or 0 */
	int		 ca_line;	/* `ca_file`'s line, or 0 */
	int		 pattern_line;	/* `ticket.pattern`'s line, or 0 */
};

/* A problem at line of c->path (0: of the whole file); counted in nerr. */
void	conf_note(struct conf_ctx *c, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * The parse callback of an instance's tags (the schema's, in conf.c): the
 * problem of each tag is reported where it stands in the file.
 */
int	conf_parse_tag(cfg_t *cfg, cfg_opt_t *opt, const char *value,
	    void *result);
/* The same for each entry of api.vnc_hosts. */
int	conf_parse_vnc_host(cfg_t *cfg, cfg_opt_t *opt, const char *value,
	    void *result);

/* The same for each entry of inventory.regions and inventory.tags. */
int	conf_parse_inv_region(cfg_t *cfg, cfg_opt_t *opt, const char *value,
	    void *result);
int	conf_parse_inv_tag(cfg_t *cfg, cfg_opt_t *opt, const char *value,
	    void *result);

/*
 * Open c->path through secfile, scan it, and parse it into cfg with the
 * checks of vncgate.conf, whose instance blocks go to c->inv as they
 * close.  Returns 0 when the parse itself succeeded (problems may still
 * be recorded in c).
 */
int	conf_parse_file(struct conf_ctx *c, const struct secfile_policy *pol,
	    cfg_t *cfg);

#endif
