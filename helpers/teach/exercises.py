"""Every chapter's exercises in one place: the checkers the notebooks call, starters and solutions (chapters 01-08).

A notebook's exercise cell calls `exercises.check_...(answer)`. The checkers live in
one module per chapter and are imported here by name:

    chapter 01  helpers.teach.policies      check_read_only_policy   check_arns
    chapter 02  helpers.teach.role          check_trust_policy       check_lambda_principal
    chapter 03  helpers.teach.attachment    check_five_calls         check_after_detach
    chapter 04  helpers.teach.profile       check_launch_profile     check_switch_role
    chapter 05  helpers.teach.verification  check_instance_calls
    chapter 06  helpers.teach.denials       check_upload_fix
    chapter 08  helpers.teach.evaluation    check_bucket_deny  check_bucket_grant  check_boundary
                                            check_scp  check_session_policy   (predictions)
                helpers.teach.evaluation_practice   check_session_grant  check_boundary_keeps_s3
                                                    check_denial_types

The keys below name chapter and exercise ("03-five-calls"). STARTERS hold the answer
each exercise cell begins with (a typical wrong one); SOLUTIONS a correct answer,
shown in the notebooks only inside a collapsed "Show a solution" block; CHECKERS the
function each exercise cell calls.
"""

import pprint

from helpers.teach import attachment, denials, evaluation, evaluation_practice, policies, profile, role, verification
from helpers.teach.attachment import check_after_detach, check_five_calls
from helpers.teach.denials import check_upload_fix
from helpers.teach.evaluation import (
    check_boundary,
    check_bucket_deny,
    check_bucket_grant,
    check_scp,
    check_session_policy,
)
from helpers.teach.evaluation_practice import check_boundary_keeps_s3, check_denial_types, check_session_grant
from helpers.teach.policies import check_arns, check_read_only_policy
from helpers.teach.profile import check_launch_profile, check_switch_role
from helpers.teach.role import check_lambda_principal, check_trust_policy
from helpers.teach.verification import check_instance_calls

CHAPTERS = (policies, role, attachment, profile, verification, denials, evaluation, evaluation_practice)
STARTERS = {key: value for chapter in CHAPTERS for key, value in chapter.STARTERS.items()}
SOLUTIONS = {key: value for chapter in CHAPTERS for key, value in chapter.SOLUTIONS.items()}
CHECKERS = {key: value for chapter in CHAPTERS for key, value in chapter.CHECKERS.items()}
__all__ = [
    "STARTERS",
    "SOLUTIONS",
    "CHECKERS",
    "solution_markdown",
    "check_read_only_policy",
    "check_arns",
    "check_trust_policy",
    "check_lambda_principal",
    "check_five_calls",
    "check_after_detach",
    "check_launch_profile",
    "check_switch_role",
    "check_upload_fix",
    "check_instance_calls",
    "check_bucket_deny",
    "check_bucket_grant",
    "check_boundary",
    "check_scp",
    "check_session_policy",
    "check_session_grant",
    "check_boundary_keeps_s3",
    "check_denial_types",
]


def solution_markdown(key):
    """A solution as a Markdown code block (JSON for policies, Python otherwise)."""
    value = SOLUTIONS[key]
    if isinstance(value, str) and value.lstrip().startswith("{"):
        return f"```json\n{value}\n```"
    return f"```python\n{pprint.pformat(value, width=140, sort_dicts=False)}\n```"
