"""The %aws magic's parsing: continuations, quoting, variables and clear errors."""

import pytest

from helpers.cli import commandline, magics
from helpers.course.article import POLICY_DIR

S3POLICY, TRUSTPOLICY = POLICY_DIR / "s3policy.json", POLICY_DIR / "trustpolicy.json"


def sent(text, capsys):
    """(the commands run_text sent, what it printed) for a cell's text."""
    calls = []
    magics.run_text(text, runner=lambda words: calls.append(words) or 0)
    return calls, capsys.readouterr().out


def test_bash_continuations_join_one_command():
    text = "aws iam create-role \\\n    --role-name r \\\n    --tags Key=Name,Value=r\n"
    assert commandline.parse_commands(text) == [
        ["iam", "create-role", "--role-name", "r", "--tags", "Key=Name,Value=r"]
    ]


@pytest.mark.parametrize("mark", ["`", "^"])
def test_article_windows_continuations_are_accepted(mark):
    text = f"aws iam get-role {mark}\n    --role-name r"
    assert commandline.parse_commands(text) == [["iam", "get-role", "--role-name", "r"]]


def test_several_commands_and_optional_aws_prefix():
    text = "aws iam list-roles\n\n# a comment\niam list-policies --scope Local\n"
    assert commandline.parse_commands(text) == [["iam", "list-roles"], ["iam", "list-policies", "--scope", "Local"]]


def test_quotes_keep_spaces_like_a_shell():
    text = 'aws ec2 run-instances --tag-specifications "ResourceType=instance, Tags=[{Key=Name,Value=iamrole-test}]"'
    words = commandline.parse_commands(text)[0]
    assert words[-1] == "ResourceType=instance, Tags=[{Key=Name,Value=iamrole-test}]"


def test_variables_expand_from_the_namespace():
    text = "aws ec2 run-instances --subnet-id $SUBNET_ID --security-group-ids ${SG_ID}"
    words = commandline.parse_commands(text, {"SUBNET_ID": "subnet-1", "SG_ID": "sg-2"})[0]
    assert words[-3:] == ["subnet-1", "--security-group-ids", "sg-2"]


def test_undefined_variable_says_what_to_do():
    with pytest.raises(commandline.CommandError, match=r"\$SG_ID is not defined.*run the cell that sets SG_ID"):
        commandline.parse_commands("aws ec2 describe-security-groups --group-ids $SG_ID")


def test_unclosed_quote_names_the_line():
    with pytest.raises(commandline.CommandError, match=r"Line 2: No closing quotation"):
        commandline.parse_commands('aws iam list-roles\naws iam get-role --role-name "r')


def test_windows_path_from_the_article_is_explained():
    with pytest.raises(commandline.CommandError, match=r"file://\.\./policies/"):
        commandline.parse_commands("aws iam create-policy --policy-document file://C:\\policies\\s3policy.json")


def test_bare_aws_is_an_error():
    with pytest.raises(commandline.CommandError, match="needs a service and a command"):
        commandline.parse_commands("aws")


def test_run_text_prints_instead_of_raising_and_runs_nothing(capsys):
    calls = []
    magics.run_text("aws iam list-roles\naws iam get-role --role-name 'r", runner=calls.append)
    assert calls == []
    assert "Not run: Line 2" in capsys.readouterr().out


def test_run_text_runs_every_command_like_a_terminal():
    calls = []
    code = magics.run_text("aws iam a\naws iam b", runner=lambda words: calls.append(words) or 1)
    assert calls == [["iam", "a"], ["iam", "b"]] and code == 1


def test_empty_cell_explains_usage(capsys):
    assert magics.run_text("\n  \n", runner=lambda w: 0) is None
    assert "Nothing to run" in capsys.readouterr().out


def test_policy_files_given_to_a_command_are_linted_first(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{\n  "Version": "2012-10-17",\n'
        '  "Statement": [{"Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}]\n}\n'
    )
    calls = []
    magics.run_text(f"aws iam create-policy --policy-name B --policy-document file://{bad}", runner=calls.append)
    out = capsys.readouterr().out
    assert f"{bad}:3:" in out and "Allow" in out
    assert "Not sent: fix the error(s) above first (IAM would refuse this document)." in out
    assert calls == []  # IAM would refuse it too; nothing is sent


def test_doubled_aws_is_explained():
    with pytest.raises(commandline.CommandError, match="'aws' is written twice"):
        commandline.parse_commands("aws aws iam list-roles")


def test_forward_slash_windows_path_is_explained_too():
    with pytest.raises(commandline.CommandError, match=r"file://\.\./policies/"):
        commandline.parse_commands("aws iam create-policy --policy-document file://C:/policies/s3policy.json")


def test_clean_policy_files_print_nothing_extra(capsys):
    magics.run_text(
        f"aws iam create-policy --policy-document file://{POLICY_DIR / 's3policy.json'}", runner=lambda w: 0
    )
    assert capsys.readouterr().out == ""


def test_policy_path_without_file_prefix_is_not_sent(capsys):
    calls, out = sent(
        "aws iam create-role --role-name R --assume-role-policy-document ../policies/trustpolicy.json", capsys
    )
    assert calls == [] and len(out.splitlines()) == 1
    assert out.startswith("Not sent: --assume-role-policy-document ../policies/trustpolicy.json sends the text")
    assert "--assume-role-policy-document file://../policies/trustpolicy.json" in out


def test_fileb_policy_is_not_sent_and_the_fix_is_file(capsys):
    calls, out = sent(
        "aws iam create-policy --policy-name P --policy-document=fileb://../policies/s3policy.json", capsys
    )
    assert calls == [] and "--policy-document file://../policies/s3policy.json" in out
    assert "file://fileb://" not in out


def test_policy_option_with_a_plain_word_is_not_sent(capsys):
    calls, out = sent("aws iam create-role --role-name R --assume-role-policy-document trustpolicy", capsys)
    assert calls == [] and "takes file://PATH" in out and "not 'trustpolicy'" in out


def test_inline_json_policy_is_sent_and_linted(capsys):
    trust = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
    )
    calls, out = sent(f"aws iam create-role --role-name R --assume-role-policy-document '{trust}'", capsys)
    assert len(calls) == 1 and out == ""
    calls, out = sent(
        "aws iam create-role --role-name R --assume-role-policy-document '"
        + trust.replace('"Action"', '"Condition": {"StringEqual": {"aws:x": "y"}}, "Action"')
        + "'",
        capsys,
    )
    assert calls == [] and "did you mean StringEquals?" in out and "(the JSON text)" in out


@pytest.mark.parametrize(
    "command",
    [
        f"aws iam create-role --role-name R --assume-role-policy-document file://{S3POLICY}",
        f"aws iam update-assume-role-policy --role-name R --policy-document file://{S3POLICY}",
    ],
)
def test_permission_policy_given_as_trust_policy_is_not_sent(command, capsys):
    calls, out = sent(command, capsys)
    assert calls == [] and "this is a permission policy" in out and "a trust policy" in out
    assert out.splitlines()[-1].startswith("Not sent: fix the error(s) above first")


def test_trust_policy_given_as_permission_policy_is_not_sent(capsys):
    calls, out = sent(
        f"aws iam put-role-policy --role-name R --policy-name P --policy-document file://{TRUSTPOLICY}", capsys
    )
    assert calls == [] and "this is a trust policy" in out


def test_findings_iam_accepts_are_printed_and_the_command_is_sent(tmp_path, capsys):
    path = tmp_path / "p.json"
    path.write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": ["s3:GetObject", "cloudwatch:PutMetricData"], "Resource": "arn:aws:s3:::b"}]}'
    )
    calls, out = sent(f"aws iam create-policy --policy-name P --policy-document file://{path}", capsys)
    assert len(calls) == 1 and "Not sent" not in out
    assert out.count(": warning: ") == 2 and "add /* to reach the objects" in out


def test_json_files_of_other_options_are_not_linted_as_policies(tmp_path, capsys):
    path = tmp_path / "input.json"
    path.write_text('{"InstanceType": "t2.micro"}')
    calls, out = sent(f"aws ec2 run-instances --cli-input-json file://{path}", capsys)
    assert len(calls) == 1 and out == ""


def test_shell_aws_lines_run_in_the_lab_with_a_note():
    from IPython.testing.globalipapp import get_ipython
    from IPython.utils.capture import capture_output

    from helpers import lab

    ipython = get_ipython()
    lab.start(chapter=0)
    with capture_output() as captured:
        result = ipython.run_cell("!aws sts \\\n    get-caller-identity")
    assert result.success
    assert captured.stdout.startswith(magics.SHELL_AWS_NOTE)
    assert '"Account": "123456789012"' in captured.stdout  # the emulated account, not a real one


def test_shell_aws_transform_leaves_other_lines_and_cell_magics_alone():
    assert magics.shell_aws_as_magic(["x = 1\n", "  !aws iam list-roles\n", "!ls\n", "out = !aws s3 ls\n"]) == [
        "x = 1\n",
        "  %aws_from_shell iam list-roles\n",
        "!ls\n",
        "out = %aws_from_shell s3 ls\n",
    ]
    cell = ["%%instance\n", "!aws s3 ls\n"]
    assert magics.shell_aws_as_magic(cell) == cell
    other = ["%%bash --no-raise-error\n", "aws s3 ls\n"]
    assert magics.shell_aws_as_magic(other) == other


def run_in_test_shell(cell, chapter=0):
    """(result, stdout, stderr, seconds) of one cell run by IPython's test shell after lab.start."""
    import time

    from IPython.testing.globalipapp import get_ipython
    from IPython.utils.capture import capture_output

    from helpers import lab

    ipython = get_ipython()
    lab.start(chapter=chapter)
    started = time.monotonic()
    with capture_output() as captured:
        result = ipython.run_cell(cell)
    return result, captured.stdout, captured.stderr, time.monotonic() - started


@pytest.mark.parametrize("magic", ["%%bash", "%%sh", "%%script bash", "%%script /bin/sh"])
def test_a_shell_cell_of_aws_commands_runs_in_the_lab_with_a_note(magic):
    cell = f"{magic}\n# who am I?\naws sts \\\n    get-caller-identity\n"
    result, out, err, seconds = run_in_test_shell(cell)
    assert result.success and seconds < 2
    assert out.startswith(magics.SHELL_CELL_NOTE)
    assert '"Account": "123456789012"' in out and "Traceback" not in out + err


def test_an_aws_bash_cell_fails_at_once_in_one_line():
    """`aws s3 ls` in a %%bash cell with another command reaches the shell's `aws`, which explains and stops."""
    from helpers.aws import sandbox

    result, out, err, seconds = run_in_test_shell("%%bash\necho listing\naws s3 ls\n")
    assert not result.success and seconds < 2
    assert out.splitlines()[0] == "listing"
    assert err.splitlines() == [
        sandbox.SHIM_NOTE,
        "CalledProcessError: the shell cell ended with exit status 1 (what it printed, if anything, is above).",
    ]
    assert out.splitlines()[-1].startswith("Hint: AWS CLI commands reach the lab's emulated account only as %aws")
    assert "Traceback" not in out + err


def test_a_failing_shell_cell_without_aws_is_one_line_too():
    result, out, err, _ = run_in_test_shell("%%bash\nfalse\n")
    assert not result.success and "Traceback" not in out + err
    assert err.strip() == (
        "CalledProcessError: the shell cell ended with exit status 1 (what it printed, if anything, is above)."
    )
    assert out.strip() == "Hint: run the failing line on its own to see which command failed and why."


def test_shell_aws_lines_are_quick_and_bare_aws_in_a_shell_line_meets_the_shim():
    from helpers.aws import sandbox

    result, out, err, seconds = run_in_test_shell("!aws s3 ls")
    assert result.success and seconds < 2 and out.startswith(magics.SHELL_AWS_NOTE)
    result, out, err, seconds = run_in_test_shell("!echo first; aws s3 ls")
    assert seconds < 2 and out.splitlines() == ["first", sandbox.SHIM_NOTE]


def test_subprocess_aws_with_check_fails_in_one_line():
    from helpers.aws import sandbox

    cell = "import subprocess\ndone = subprocess.run(['aws', 's3', 'ls'], capture_output=True, text=True)\n"
    cell += "print(done.returncode, done.stderr)\nsubprocess.run(['aws', 's3', 'ls'], check=True)"
    result, out, err, seconds = run_in_test_shell(cell)
    assert not result.success and seconds < 2
    assert out.splitlines()[0] == f"1 {sandbox.SHIM_NOTE}"
    assert err.strip().startswith("CalledProcessError: `aws s3 ls` ended with exit status 1")
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "script,only",
    [
        ("aws s3 ls\n", True),
        ("# comment\n\naws iam list-roles --query 'Roles[].RoleName | [0]'\n", True),
        ("aws iam get-role \\\n  --role-name r\naws s3 ls\n", True),
        ("aws s3 ls | grep x\n", False),
        ("aws s3 ls > out.txt\n", False),
        ("aws s3 ls && echo ok\n", False),
        ("aws s3 ls $(echo s3://b)\n", False),
        ("echo hi\naws s3 ls\n", False),
        ("X=1 aws s3 ls\n", False),
        ("aws iam get-role --role-name 'unclosed\n", False),
        ("# only a comment\n", False),
    ],
)
def test_only_whole_aws_commands_make_a_shell_cell_run_as_aws(script, only):
    assert magics.only_aws(script) is only
    lines = ["%%bash\n", *script.splitlines(keepends=True)]
    assert (magics.shell_aws_as_magic(lines)[0] == "%%aws_from_shell\n") is only


def test_a_shell_cell_running_the_cli_as_a_module_gets_the_aws_hint():
    import sys
    import time

    started = time.monotonic()
    result, out, err, _ = run_in_test_shell(f"%%bash\n{sys.executable} -m awscli s3 ls\n")
    assert not result.success and time.monotonic() - started < 5
    assert 'Failed to connect to proxy URL: "http://127.0.0.1:9"' in err and "Traceback" not in out + err
    assert "exit status 255" in err and "only as %aws or %%aws" in out
