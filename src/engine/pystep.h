/*
 * pystep: the stepper's gate for a lesson's Python program (issue 14,
 * "Python too"). Screen side only; curses-free.
 *
 * Under the stepper (PARLAB_STEP=1) parlab's helper (python/parlab/_step.py)
 * makes the program's locks, Values, queues and its threads' and
 * processes' start and join step points: before the real operation a
 * thread sends a "\1step at ..." message on the run's mark socket and
 * waits for a byte on a reply socket of its own, which it sent with its
 * first message ("\1step hello ..."). run.c hands those messages here.
 *
 * The workers are the Python threads (a process's main thread stands for
 * the process) in order of their first message, named by their Python
 * names. The gate decides from what it let go: who holds which lock, how
 * many items each queue has, which workers are done. Creation is
 * deterministic: a start let go keeps its worker running until the new
 * thread or process has said hello, so the same schedule numbers the
 * workers the same way.
 *
 * Messages (after "\1step "), TID a native thread id, PID the sender's
 * process (the kernel's, SO_PASSCRED):
 *   hello TID STARTED NAME    with the reply socket's fd; STARTED 1: by a
 *                             start that was a step
 *   at TID VERB KEY AUX ARG HINT [DETAIL]
 *                             VERB: lock (ARG 1: reentrant), try, unlock,
 *                             get, set (AUX: its lock's KEY), put (ARG:
 *                             the queue's maxsize, 0 unbounded), take (AUX
 *                             "nowait": never waits), start, join (AUX: the
 *                             joined one's "PID.TID"); KEY names the object
 *                             across processes; HINT its name in the
 *                             program ("-": none); DETAIL words to show
 *   end TID                   the thread does no more steps
 *   nochild TID               the start it was let go failed
 */
#ifndef PARLAB_PYSTEP_H
#define PARLAB_PYSTEP_H
#include <stddef.h>
#include <sys/types.h>
#include "engine/sched_gate.h"

typedef struct pystep pystep;

/* A gate with no workers yet; NULL with errno on failure. */
pystep *pystep_new(void);
/* p as a sched_gate (sched_gate_free frees p). */
sched_gate *pystep_gate(pystep *p);
/* A "\1step ..." message's text after "step " from process pid, with the
 * fds it brought (pystep owns them from now). */
void pystep_message(pystep *p, pid_t pid, const char *msg, const int *fds, int nfds);

#endif
