"""What a fresh kernel knows before a notebook's setup line runs (chapter 00).

The course's environment loads this IPython extension in every kernel it starts (its
config file is written by tasks.py into .venv/etc/ipython). It registers the lab's magics
as placeholders, so that after a kernel restart a `%aws`, `%%aws`, `%%launch` or
`%%instance` cell says in one line what to run, instead of IPython's "Cell magic not
found". It imports nothing else: kernels start as fast as before. `lab.start` replaces
the placeholders with the real magics.
"""

NOT_STARTED = (
    "The lab is not started in this kernel (a new or restarted kernel): run this notebook's setup cell, "
    "`from helpers import lab; lab.start(chapter=N)`, then this cell again. "
    "In chapters 05 to 08, `lab.start(chapter=N, resume=True)` also brings back the instance and logs in."
)
MAGICS = ("aws", "instance", "launch")


def not_started(line, cell=None):
    """A lab magic used before lab.start: say what to run."""
    print(NOT_STARTED)


def load_ipython_extension(ipython):
    """Register the placeholders, unless the lab's own magics are already there."""
    registered = ipython.magics_manager.magics
    for name in MAGICS:
        for kind in ("line", "cell"):
            if name not in registered[kind]:
                ipython.register_magic_function(not_started, kind, name)
