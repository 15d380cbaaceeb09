"""IAM Role Lab helpers."""
