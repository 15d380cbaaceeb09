"""Policy documents: reading JSON with positions, lint rules, the action catalogue, deciding requests."""
