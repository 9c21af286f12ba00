-- tests/e2e/keys.sh, lesson 3: behind the gate.
return lesson {
  title = "Behind the gate",
  text [[
You are through.
]],
}
