/* quiz: the question types (quiz{ type = ... }) as one table, in quiz.c.
 * One row per type holds its name, the fields it takes, how a lesson's
 * table is checked and converted at load, how an answer is judged, what
 * the prompt and the status line's key hint say, how the right answer is
 * written, how an observe result becomes an answer, and which listed
 * choices are right. Everything else asks the table through these
 * functions; a new type is a quiz_type value, one row and its functions. */
#ifndef PARLAB_QUIZ_H
#define PARLAB_QUIZ_H
#include <stddef.h>
#include "engine/engine.h"

struct lua_State;
struct lapi_observed;

/* ---- names ---- */

/* The type named name in a lesson ("choice", ...): 0 and *t, or -1.
 * NULL names the default type (a quiz{} without type: choice). */
int quiz_lookup(const char *name, quiz_type *t);
/* A type's name as written in lessons. */
const char *quiz_name(quiz_type t);
/* Every type's name, for error messages: "choice, multi, text, number, order". */
const char *quiz_names(void);
/* Every field that some type takes (NULL-terminated): with the fields all
 * questions have, what quiz{} accepts. */
const char *const *quiz_fields(void);

/* ---- load (lua_api.c, the table of quiz{} at stack index 1) ---- */

/* Errors (luaL_error) on a field given that type t does not take, among
 * the fields that only some types take (choices, items, answer, ...). */
void quiz_check_fields(struct lua_State *L, quiz_type t);
/* Errors unless the question's own answer fields are good for type t. */
void quiz_check_answer(struct lua_State *L, quiz_type t);
/* The same for a predict question (no answer of its own: the run gives it). */
void quiz_check_predict(struct lua_State *L, quiz_type t);
/* Fills s (qtype set) from the checked table at index idx: the listed
 * items and, unless it predicts, its answer fields. */
void quiz_to_c(struct lua_State *L, int idx, step *s);

/* ---- answers ---- */

/* Judges input against s by its type's rules (engine_answer says them);
 * L is the course's state (text patterns). -1 when the input is no answer
 * of that shape; res->why is not set here. */
int quiz_judge(struct lua_State *L, const step *s, const char *input, quiz_result *res);
/* What the student types, e.g. "(type a number)". */
const char *quiz_prompt(const step *s);
/* What an answer to s looks like, after input of no answer's shape. */
const char *quiz_why(const step *s);
/* 0 when the listing says what to type (choices numbered: no prompt line). */
int quiz_shows_prompt(const step *s);
/* The status line's short key hint: "1-3", "numbers, e.g. 1 3", "words". */
void quiz_key_hint(const step *s, char *buf, size_t cap);
/* Is listed choice i (1-based) one of the right ones (choice, multi)? */
int quiz_choice_is_right(const step *s, int i);
/* The right answer in words ("2) three", "2 (±0.5)"). Caller frees. */
char *quiz_right_answer(const step *s);
/* Every accepted form (text: "Dask / dask.distributed"), else as
 * quiz_right_answer. Caller frees. */
char *quiz_accepted(const step *s);
/* An answer spelled out ("2" to a choice question: "2) No"). Caller frees. */
char *quiz_spell(const step *s, const char *input);

/* ---- feedback words (engine_feedback_of puts them together) ---- */

/* What follows "Right: " for the right answer input: the right answer
 * ("2) three", "Dask"), or the input quoted when only a pattern said it
 * was right ("\"Ray\""). Caller frees. */
char *quiz_praise(const step *s, const char *input);
/* The right answer as a sentence: "The answer is 2) three"; for types
 * with several accepted forms, "Accepted answers: Dask / dask.distributed".
 * Caller frees. */
char *quiz_answer_shown(const step *s);
/* Input of no answer's shape, in words: "\"9\" is not one of the choices
 * (1-3)", "\"two\" is no answer here (type a number)". Caller frees. */
char *quiz_refusal(const step *s, const char *input);

/* ---- predict, then observe ---- */

/* s: q with what observe returned (o) as its right answer; acc (2 slots)
 * and ans (LAPI_MAX_LIST) hold what s points to. 0, or -1 when o is no
 * answer to a question of q's type. */
int quiz_observed(const step *q, const struct lapi_observed *o, step *s, char **acc, int *ans);

#endif
