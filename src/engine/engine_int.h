/* engine_int: what the files of a session share (private to src/engine).
 * The session is split by concern:
 *   engine.c           the session: course position, moves, settled
 *                      questions, lesson status and scores
 *   engine_progress.c  keeping it in the progress database: moves, answers,
 *                      predictions, time per lesson; resuming from it
 *   engine_run.c       runs: the scratch folder, the runner's callbacks,
 *                      the comparison with a baseline run
 *   engine_answer.c    answers: judging (through quiz.c), hints, the
 *                      per-question view and the feedback words
 *   engine_predict.c   predictions, the observe calls after a run, verdicts
 * Shared internal functions carry the eng_ prefix; exported ones engine_. */
#ifndef PARLAB_ENGINE_INT_H
#define PARLAB_ENGINE_INT_H
#include "engine/coord.h"
#include "engine/engine.h"
#include "engine/progress.h"

struct sched_gate;
struct esched;

/* What the engine keeps per step (of every lesson), this session's and
 * what the saved progress says. */
struct sstate {
	unsigned seen : 1, saved_seen : 1, first_right : 1, right : 1, revealed : 1;
	unsigned last_right : 1;      /* the last judged answer was right */
	unsigned predicted_now : 1;   /* a prediction was made in this session */
	int tries;            /* answers judged (predictions: verdicts) */
	int last_choice;      /* choice questions: the last answer's choice */
	char *last_input;     /* the last judged answer, as typed */
	int hints_shown;      /* hints shown, in order */
	int saved_tries;      /* answers in the saved progress */
	int saved_first_right, saved_right;
	char *prediction;     /* predict questions: the student's, as typed */
	int pred_judged;      /* a run has judged this prediction */
	char *from_shown;     /* a question from a run: its answer as last computed */
	char *from_praise;    /* ... and the last right answer's words */
	int sum_ref, prev_ref;    /* run steps: summaries of the last two runs */
	char *note;               /* run steps: what note(run, runs) said of the last run;
	                             text steps: what body(runs) said, as of run_gen text_gen */
	int text_gen;
	int64_t wall, work;       /* run steps: the last run's wall and CPU time, 0 never run */
	double other;             /* run steps: other programs' share of the CPUs then, -1 unknown */
	int other_noticeable;     /* ... and it was noticeable (trace_stats_other_noticeable) */
};

struct engine {
	course *c;
	loop *l;
	int li, si;           /* lesson, step */
	run *r;
	trace *t;             /* last run's trace */
	const step *t_step;   /* the step that trace belongs to */
	int run_failed, run_skipped, run_as_expected;
	char *scratch;        /* the run's scratch folder, or NULL */
	struct coord *co;     /* the run's blocks (coord.h), or NULL */
	struct cev_ring *ev;  /* the workers' event rings (coord_events.h), or NULL */
	struct cev_log *evlog;/* ev drained into t */
	struct esched *sc;    /* the stepped run's scheduling (engine_sched.c), or NULL */
	int want_step;        /* engine_run_stepped: a stepper = "allow" step runs stepped */
	long ev_timer;        /* draining them while the run is live, 0 */
	int64_t ev_sampled, ev_blocks;   /* when it last sampled the queues, the blocks' figures */
	int64_t ev_last;      /* the last tick's time in the trace (queues sampled since) */
	double qarea[COORD_MAX_BLOCKS];   /* each queue's length integrated, at ev_last */
	int *loff;            /* each lesson's first step in ss */
	struct sstate *ss;
	engine_verdict *verd; /* the last run's verdicts on predictions */
	int nverd;
	run_events user_ev;
	progress *prog;       /* where progress is kept, or NULL */
	char *prog_course;    /* the course's id there */
	int prog_li;          /* the lesson whose time is being counted */
	int64_t prog_since;   /* the last sign of life (loop_now_ns) */
	int64_t prog_active;  /* time counted for prog_li, not yet written */
	int run_gen;          /* runs judged so far (text bodies' cache key) */
	course *owned;        /* a course engine_reload gave it (freed with it), or NULL */
	char *dask_scheduler; /* engine_set_dask_scheduler's, or NULL */
};

/* engine_sched.c: the new live run's gate (made before its runner forked,
 * NULL: not stepped; it owns it from now) is watched from the loop, its schedule empty (a plan
 * to replay is kept); eng_sched_free ends that, eng_sched_destroy all. */
void eng_sched_attach(engine *e, struct sched_gate *g, const step *s);
void eng_sched_free(engine *e);
void eng_sched_destroy(engine *e);
/* From the run's end (ended_well: it finished, or deadlocked): 1 when the
 * run is starting over (undo, restart, a replay, the search's next
 * schedule), and this end is not one to judge or to tell the front end. */
int eng_sched_restart(engine *e, int ended_well);
/* stuck_cb's answer for a stepped run: every worker at a point or done,
 * some not done, none can go (why: each one's reason). */
int eng_sched_stuck(struct sched_gate *g, const unsigned char *ended, int n, char *why, size_t cap);

/* The goal of run step s as of its last stepped run (engine_sched_goal's,
 * for any step): 1 and *g, or 0 when s has none. */
int eng_sched_goal_of(const engine *e, const step *s, engine_goal *g);
/* A stepped run's summary (the registry's ref, built for its note and
 * observe calls) gets run.schedule and run.goal. */
void eng_sched_summary(engine *e, const step *s, int ref);

/* engine.c: the state of step s (any step of the course). */
struct sstate *eng_sst(const engine *e, const step *s);

/* engine_progress.c */
/* The student moved (from lesson old_li): the step is seen, and kept. */
void eng_note_move(engine *e, int old_li);
/* One more judged answer to s (predict questions: a verdict); choice: the
 * choice it meant, else 0. */
void eng_note_answer(engine *e, const step *s, const char *input, int correct, int choice);
/* Level s (a stepped run's goal) reached by the schedule sched (n steps;
 * NULL: its claim proved by the search): kept as a right answer, once a
 * session. */
void eng_note_goal(engine *e, const step *s, const int *sched, int n);
/* A prediction on s, kept until its run judges it. */
void eng_note_prediction(engine *e, const step *s, const char *input);

/* engine_run.c: ends the run and removes its scratch folder. */
void eng_drop_run(engine *e);
/* Removes scratch folders that parlabs no longer running left behind
 * (killed: no chance to remove their own); ours only. */
void eng_scratch_sweep(void);

/* engine_predict.c */
/* A question from a run: judges input by the answer q's run gives now
 * (engine_from_answer); 0 judged, -1 no answer's shape, -2 not judged now
 * (*why says why; caller frees). */
int eng_from_judge(engine *e, const step *q, const char *input, quiz_result *res, char **why);
/* After run r: its summary, and a verdict for each prediction on it. */
void eng_observe_run(engine *e, const step *r);
void eng_free_verdicts(engine *e);

#endif
