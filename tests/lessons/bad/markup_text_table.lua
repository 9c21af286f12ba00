-- expect: markup_text_table.lua:3: text{}: 'body', its line 2: the {batch: span never closes
return lesson {
  text { title = "Unclosed", body = [[
Read this.
{batch: and this
]] },
}
