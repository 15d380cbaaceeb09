"""The `%instance` and `%%instance` magics: shell lines run on the logged-in instance (chapter 05).

`lab.start` registers them; before `session.login(...)` they print how to log in.
"""

from helpers.instance import session


def load_ipython_extension(ipython):
    """Register %instance / %%instance (called by lab.start)."""
    from IPython.core.magic import no_var_expand, register_line_cell_magic

    @register_line_cell_magic
    @no_var_expand
    def instance(line, cell=None):
        """Run shell lines on the logged-in instance: aws commands with its credentials, IAM enforced."""
        session.run(line if cell is None else line + "\n" + cell, namespace=ipython.user_ns)
