-- expect: quiz_order.lua:4: quiz{}: 'answer' must list each item number 1 to 3 exactly once
return lesson {
  title = "Order answer not a permutation",
  quiz { type = "order", q = "Order them.", items = { "a", "b", "c" }, answer = { 1, 1, 2 } },
}
