"""Tables shown whole: every cell in full, no index (introduced in chapter 01).

pandas cuts a cell after 50 characters (`arn:aws:iam::123456789012:policy/CloudWatch-Wo...`)
and shows its row numbers, which mean nothing in the lab. `Table` is a pandas
DataFrame that a notebook shows with every cell whole and without the index, in
both of the outputs nbval compares (text/plain and text/html); for code and tests
it is an ordinary DataFrame (indexing, `.loc`, `.empty`, comparisons).
It sits in the bottom layer so that every layer that returns a table (the
explainer in helpers.policy as well as helpers.show and helpers.teach) can use it.
"""

import pandas as pd

WHOLE_CELLS = ("display.max_colwidth", None)


class Table(pd.DataFrame):
    """A DataFrame shown with whole cells and no index; what is made from it is a Table too."""

    @property
    def _constructor(self):
        """Slices, copies and sorted versions of a Table are Tables."""
        return Table

    def __repr__(self):
        """The whole table as text, without the index: one line per row, under a line of column names."""
        if self.empty:
            return f"(no rows; columns: {', '.join(map(str, self.columns))})"
        with pd.option_context(*WHOLE_CELLS):
            return self.to_string(index=False)

    def _repr_html_(self):
        """The whole table as the HTML pandas shows in notebooks, without the index."""
        with pd.option_context(*WHOLE_CELLS):
            return self.to_html(index=False, notebook=True)
