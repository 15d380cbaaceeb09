"""The course's own facts, beneath every other layer: the article's names, the chapters, the errors a cell shows."""
