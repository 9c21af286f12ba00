-- Lua patterns that look odd but are whole: check must pass them.
return lesson {
  title = "Odd but valid patterns",
  quiz { type = "text", q = "Name it.", patterns = {
    "^dead ?lock$", "%d+", "[%]]", "[]]", "[^]x]", "%bxy", "%f[%w]lock", "(a)%1", "()dead", "a-b*c+d?",
    "[%a_][%w_]*", "^$", "%%", "((a)(b))%2%3", "x%)", "[a-z%-]+", "()(a)%2",
  } },
}
