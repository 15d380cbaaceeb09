"""pytest set-up shared by every run, from any folder: nbval's sanitize file and kernel."""

from pathlib import Path

SANITIZE = Path(__file__).resolve().parent / "nbval_sanitize.cfg"


def pytest_configure(config):
    """Mask volatile values in notebook outputs and run notebooks in this environment."""
    if not getattr(config.option, "nbval_sanitize_with", None):
        config.option.nbval_sanitize_with = str(SANITIZE)
    config.option.nbval_current_env = True
