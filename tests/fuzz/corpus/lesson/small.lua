return lesson { title = "x", text "hi", quiz { question = "q", choices = {"a","b"}, answer = 1 } }
