"""Near-miss names: "did you mean ...?" for what a learner types (chapter 01).

difflib proposes candidates; the fewest single-letter edits picks among them.
"""

import difflib


def close(word, choices, cutoff=0.6):
    """The closest of `choices` to `word` (case-insensitive), or None."""
    by_lower = {c.lower(): c for c in choices}
    matches = difflib.get_close_matches(word.lower(), list(by_lower), 10, cutoff)
    if not matches:
        return None
    return by_lower[min(matches, key=lambda m: edits(word.lower(), m))]


def edits(a, b):
    """Levenshtein distance: single-letter insertions, deletions and substitutions."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def did_you_mean(guess, otherwise=""):
    """'did you mean X?' when there is a guess, else the fallback hint."""
    return f"did you mean {guess}?" if guess else otherwise
