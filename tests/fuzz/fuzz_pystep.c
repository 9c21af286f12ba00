/* fuzz_pystep: the Python stepper's gate (pystep.c) on whatever a stepped
 * program's threads send. Each input line is a message after "\1step "
 * ("hello ..." comes with a fresh reply socket, as from the helper), or
 * one of the screen's moves: "!go N" lets worker N go (when it may), "!stuck"
 * asks for a deadlock, "!hup N" hangs up worker N's socket, "!drain" reads
 * the gate's wake-ups (and its started children's ends). After each,
 * for every worker: its words are clean (no control character), it may go
 * only at a point, and the gate is stuck only when settled; workers never
 * disappear. */
#include "fuzz.h"
#include "engine/pystep.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SOCKS 24

static void clean(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0, k; i < len; i += k) {
		k = utf8_safe_len(s + i, len - i);
		FUZZ_ASSERT(k > 0);
		FUZZ_ASSERT(k > 1 || ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f));
	}
}

static void check(sched_gate *g, int *seen)
{
	void *p = g->impl;
	int n = g->ops->nworkers(p);
	FUZZ_ASSERT(n >= *seen);
	*seen = n;
	for (int w = 0; w < n; w++) {
		char buf[256], why[160];
		g->ops->describe(p, w, buf, sizeof buf);
		clean(buf);
		int verb = -1;
		sg_state st = g->ops->state(p, w, &verb);
		if (g->ops->enabled(p, w, why, sizeof why)) FUZZ_ASSERT(st == SG_AT);
		else clean(why);
		if (st == SG_AT) FUZZ_ASSERT(verb >= 0 && verb < g->ops->nverbs);
	}
	char why[1024];
	if (g->ops->stuck(p, NULL, 0, why, sizeof why)) FUZZ_ASSERT(g->ops->settled(p));
	clean(why);
}

static void move(sched_gate *g, const char *line, int *socks, int nsocks)
{
	char why[160];
	int w = atoi(line + strcspn(line, "0123456789"));   /* (may overflow: negative) */
	if (w < 0) return;
	if (!strncmp(line, "!drain", 6)) g->ops->drain(g->impl);
	else if (!strncmp(line, "!go", 3) && w < g->ops->nworkers(g->impl) && g->ops->enabled(g->impl, w, why, sizeof why))
		g->ops->go(g->impl, w);
	else if (!strncmp(line, "!hup", 4) && w < nsocks && socks[w] >= 0) {
		close(socks[w]);
		socks[w] = -1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pystep *py = pystep_new();
	FUZZ_ASSERT(py);
	sched_gate *g = pystep_gate(py);
	int socks[MAX_SOCKS], nsocks = 0, seen = 0;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *line = text, *nl; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl) *nl++ = '\0';
		if (line[0] == '!') {
			move(g, line, socks, nsocks);
		} else if (!strncmp(line, "hello", 5) && nsocks < MAX_SOCKS) {
			int sv[2];
			FUZZ_ASSERT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
			socks[nsocks++] = sv[0];
			pystep_message(py, 77, line, &sv[1], 1);
		} else {
			pystep_message(py, 77, line, NULL, 0);
		}
		check(g, &seen);
	}
	for (int i = 0; i < nsocks; i++)
		if (socks[i] >= 0) close(socks[i]);
	sched_gate_free(g);
	free(text);
	return 0;
}
