-- expect: markup_text_table.lua:3: text{}: 'body', its line 2: the {batch: span never closes
return lesson { title = "One error",
  text { title = "Unclosed", body = [[
Read this.
{batch: and this
]] },
}
