"""Acting as the EC2 instance: its credentials, its session, its small shell and its metadata service."""
