"""The course's chapters, and which chapter makes each of the article's resources (chapter 00).

`lab.start(chapter=N)` checks N against this list; the `%aws` hints name the chapter that
creates a missing resource.
"""

from helpers.course import article

CHAPTERS = {  # number -> notebook (without .ipynb)
    0: "00-Introduction",
    1: "01-Policies",
    2: "02-Role",
    3: "03-Attachment",
    4: "04-Instance-Profile",
    5: "05-Verification",
    6: "06-Denials",
    7: "07-Least-Privilege",
    8: "08-How-AWS-Decides",
    9: "09-Policy-Playground",
    10: "10-Cleanup",
}

# Which chapter creates each of the course's resources, for "not found" errors.
MADE_IN = {
    "CloudWatch-Wordpress-ut": 1,
    "S3-Wordpress-ut": 1,
    article.ROLE: 2,
    article.PROFILE: 4,
    article.BUCKET: 5,
}


def notebook(number):
    """The notebook name of chapter `number`, e.g. '02-Role'."""
    return CHAPTERS[number]


def chapter_of(title):
    """The number of the chapter whose notebook ends with `title` (e.g. 'Policy-Playground' -> 9)."""
    return next(number for number, name in CHAPTERS.items() if name.endswith(title))
