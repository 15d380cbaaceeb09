"""Every chapter's exercises in one place: the checkers the notebooks call, starters and solutions (chapters 01-10).

A notebook's exercise cell calls `exercises.check_...(answer)`. The checkers live in
one module per chapter and are imported here by name:

    chapter 01  helpers.teach.policies      check_read_only_policy   check_arns
    chapter 02  helpers.teach.role          check_trust_policy       check_who_may_assume
    chapter 03  helpers.teach.attachment    check_five_calls         check_after_detach
    chapter 04  helpers.teach.profile       check_launch_profile     check_switch_role
    chapter 05  helpers.teach.verification  check_actions            check_caller_arn
    chapter 06  helpers.teach.denials       check_upload_fix         check_denial_reading
    chapter 07  helpers.teach.least_privilege  check_trimmed_policy  check_namespace_policy  check_prefix_policy
                helpers.teach.pass_role        check_pass_role_policy
    chapter 08  helpers.teach.evaluation    check_bucket_deny  check_bucket_grant  check_boundary
                                            check_scp  check_session_policy   (predictions)
                helpers.teach.evaluation_practice   check_session_grant  check_boundary_keeps_s3
                                                    check_denial_types
    chapter 09  helpers.teach.playground_exercises
                                            check_bucket_policy_deletes   check_boundary_read_only
    chapter 10  helpers.teach.cleanup       check_deletion_order     check_refusals

The keys below name chapter and exercise ("03-five-calls"). STARTERS hold the answer
each exercise cell begins with (a typical wrong one); SOLUTIONS a correct answer,
shown in the notebooks only inside a collapsed "Show a solution" block; CHECKERS the
function each exercise cell calls. `restart()`, in the cell that imports this module,
counts the tries from zero again, so a notebook run twice shows the same first hints.
"""

import pprint

from helpers.teach import (
    attachment,
    cleanup,
    denials,
    evaluation,
    evaluation_practice,
    least_privilege,
    pass_role,
    playground_exercises,
    policies,
    profile,
    role,
    verdicts,
    verification,
)
from helpers.teach.attachment import check_after_detach, check_five_calls
from helpers.teach.cleanup import check_deletion_order, check_refusals
from helpers.teach.denials import check_denial_reading, check_upload_fix
from helpers.teach.evaluation import (
    check_boundary,
    check_bucket_deny,
    check_bucket_grant,
    check_scp,
    check_session_policy,
)
from helpers.teach.evaluation_practice import check_boundary_keeps_s3, check_denial_types, check_session_grant
from helpers.teach.least_privilege import check_namespace_policy, check_prefix_policy, check_trimmed_policy
from helpers.teach.pass_role import check_pass_role_policy
from helpers.teach.playground_exercises import check_boundary_read_only, check_bucket_policy_deletes
from helpers.teach.policies import check_arns, check_read_only_policy
from helpers.teach.profile import check_launch_profile, check_switch_role
from helpers.teach.role import check_trust_policy, check_who_may_assume
from helpers.teach.verification import check_actions, check_caller_arn

CHAPTERS = (
    policies,
    role,
    attachment,
    profile,
    verification,
    denials,
    least_privilege,
    pass_role,
    evaluation,
    evaluation_practice,
    playground_exercises,
    cleanup,
)
STARTERS = {key: value for chapter in CHAPTERS for key, value in chapter.STARTERS.items()}
SOLUTIONS = {key: value for chapter in CHAPTERS for key, value in chapter.SOLUTIONS.items()}
CHECKERS = {key: value for chapter in CHAPTERS for key, value in chapter.CHECKERS.items()}
__all__ = [
    "STARTERS",
    "SOLUTIONS",
    "CHECKERS",
    "solution_markdown",
    "restart",
    "check_read_only_policy",
    "check_arns",
    "check_trust_policy",
    "check_who_may_assume",
    "check_five_calls",
    "check_after_detach",
    "check_launch_profile",
    "check_switch_role",
    "check_upload_fix",
    "check_actions",
    "check_caller_arn",
    "check_denial_reading",
    "check_trimmed_policy",
    "check_namespace_policy",
    "check_prefix_policy",
    "check_pass_role_policy",
    "check_bucket_deny",
    "check_bucket_grant",
    "check_boundary",
    "check_scp",
    "check_session_policy",
    "check_session_grant",
    "check_boundary_keeps_s3",
    "check_denial_types",
    "check_bucket_policy_deletes",
    "check_boundary_read_only",
    "check_deletion_order",
    "check_refusals",
]


def solution_markdown(key):
    """A solution as a Markdown code block (JSON for policies, Python otherwise)."""
    value = SOLUTIONS[key]
    if isinstance(value, str) and value.lstrip().startswith("{"):
        return f"```json\n{value}\n```"
    return f"```python\n{pprint.pformat(value, width=140, sort_dicts=False)}\n```"


def restart():
    """Count every exercise's tries from zero, so each hint starts at its first step again (chapters 01-05 call it)."""
    verdicts._tries.clear()
