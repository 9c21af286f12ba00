-- expect: quiz_pattern.lua:4: quiz{}: 'patterns'[2] is not a valid Lua pattern
return lesson {
  title = "Malformed pattern",
  quiz { type = "text", q = "Name it.", patterns = { "^ray", "[a" } },
}
