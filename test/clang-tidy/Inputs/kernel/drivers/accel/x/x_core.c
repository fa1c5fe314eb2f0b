// The core of "x": flushing idles the engine through its ops table.
#include "x.h"

void x_core_flush(struct x_device *xd)
{
	x_engine_idle(&xd->engine);
}

void x_core_note(struct x_device *xd)
{
	xd->engine.last = NULL;
}
