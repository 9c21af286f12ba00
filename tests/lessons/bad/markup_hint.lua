-- expect: markup_hint.lua:3: quiz{}: 'hints'[2], its line 1: the {screen: span never closes: its "}" is missing
return lesson { title = "One error",
  quiz {
    q = "How many CPUs?", type = "number", answer = 2,
    hints = { "Count them.", "{screen:Count the CPU lanes." },
  },
}
