-- tests/e2e/keys.sh, lesson 2: its question cannot be skipped.
return lesson {
  title = "A gate",
  must_answer = true,
  text [[
The question below must be answered before lesson 3.
]],
  quiz {
    q = "Is this the gate?",
    choices = { "yes", "no" },
    answer = 1,
  },
}
