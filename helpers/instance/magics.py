"""The `%instance` and `%%instance` magics: shell lines run on the logged-in instance (chapter 05).

`lab.start` registers them; before `session.login(...)` they print how to log in.
`%%as NAME` (chapter 07) runs a cell's lines as the IAM user NAME signed in with
`session.sign_in(NAME)`: `aws ...` with that user's access key, IAM enforced.
"""

from helpers.instance import session


def load_ipython_extension(ipython):
    """Register %instance / %%instance and %%as (called by lab.start)."""
    from IPython.core.magic import no_var_expand, register_line_cell_magic

    @register_line_cell_magic
    @no_var_expand
    def instance(line, cell=None):
        """Run shell lines on the logged-in instance: aws commands with its credentials, IAM enforced."""
        session.run(line if cell is None else line + "\n" + cell, namespace=ipython.user_ns)

    @no_var_expand
    def as_user(line, cell):
        """Run the cell's lines as the signed-in IAM user named on the first line, IAM enforced."""
        session.run_as(line.strip(), cell, namespace=ipython.user_ns)

    ipython.register_magic_function(as_user, magic_kind="cell", magic_name="as")
