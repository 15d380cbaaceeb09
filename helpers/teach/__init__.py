"""Exercises with feedback, one module per chapter, and the policy playground."""
