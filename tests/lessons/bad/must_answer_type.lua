-- expect: must_answer_type.lua:2: lesson{}: 'must_answer' must be true or false
return lesson {
  title = "must_answer as a string",
  must_answer = "yes",
  text [[ Hello. ]],
}
