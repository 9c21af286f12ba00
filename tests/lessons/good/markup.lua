-- Text markup (engine/markup.c) as batch prints it: tests/batch/markup.sh.
-- The lines of only spaces below are blank lines, on purpose.
return lesson {
  title = "Markup",
  text [[
# Blocks

A paragraph over
two lines.
   
- an item
- another item

- an item after a blank line
  verbatim after an item

  verbatim after a blank line
After verbatim.
]],
}
