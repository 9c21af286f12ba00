-- expect: quiz_patterns_whole.lua:6: quiz{}: 'patterns'[1] is not a valid Lua pattern: a '[' set has no ']'
-- expect: quiz_patterns_whole.lua:7: quiz{}: 'patterns'[2] is not a valid Lua pattern: a '(' capture is never closed
-- expect: quiz_patterns_whole.lua:8: quiz{}: 'patterns'[1] is not a valid Lua pattern: it ends with '%'
return lesson {
  title = "Patterns broken past their first letter",
  quiz { type = "text", q = "Name it.", patterns = { "^dead[lock" } },
  quiz { type = "text", q = "Name it.", patterns = { "^deadlock$", "(dead" } },
  quiz { type = "text", q = "Name it.", patterns = { "dead%" } },
}
