"""The article's steps in boto3, one module per part: IAM (chapters 01-04), network and instance (05), cleanup (10)."""
