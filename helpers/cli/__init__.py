"""`%aws`: reading a command line, the in-process AWS CLI, checks before sending, hints after errors."""
