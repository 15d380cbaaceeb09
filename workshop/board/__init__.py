"""The progress board: a JupyterHub service that collects exercise verdicts (see app.py)."""
