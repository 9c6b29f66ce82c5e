/* What a failed cloud step reports: see cloud.h. */
#include <string.h>

#include "cloud.h"

void
cloud_err_clear(struct vg_cloud_err *e)
{
	if (e != NULL)
		memset(e, 0, sizeof(*e));
}
