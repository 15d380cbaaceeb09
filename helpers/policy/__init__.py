"""How AWS decides a request: the policy evaluation engine of chapter 08 (How AWS really decides)."""
