/* settle.h: the unit tests of the stepper's gate wait for its workers. */
#ifndef PARLAB_SETTLE_H
#define PARLAB_SETTLE_H
#include "engine/coord_step.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

/* Until every worker is at a point or done (nothing polls: the pipe). */
static void settle(coord_step *s)
{
	for (int i = 0; i < 200; i++) {   /* 20 s at most */
		coord_step_drain(s);
		if (coord_step_settled(s)) return;
		struct pollfd p = { coord_step_fd(s), POLLIN, 0 };
		poll(&p, 1, 100);
	}
	fprintf(stderr, "the workers never settled\n");
	exit(1);
}

#endif
