"""The instance's own programs (helpers/instance/shell.py, metadata.py): only the home folder, no host programs."""

import json
import os

import pytest

from helpers.instance import session


def test_files_live_in_the_home_folder(me, capsys):
    assert session.run("touch a.txt b.txt\nls\necho hello there\npwd\ncat a.txt\nrm a.txt\nls") == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["a.txt", "b.txt", "hello there", "/home/ec2-user", "b.txt"]
    assert sorted(p.name for p in me.home.iterdir()) == ["b.txt"]


def test_home_folder_by_its_instance_path(me, capsys):
    assert session.run("touch /home/ec2-user/c.txt\nls /home/ec2-user") == 0
    assert capsys.readouterr().out.split() == ["c.txt"]


def test_missing_files_are_reported_like_coreutils(me, capsys):
    assert session.run("rm nothing.txt") == 1
    assert session.run("rm -f nothing.txt") == 0
    assert session.run("ls nothing.txt") == 2
    err = capsys.readouterr().err
    assert "rm: cannot remove 'nothing.txt': No such file or directory" in err
    assert "ls: cannot access 'nothing.txt': No such file or directory" in err


@pytest.mark.parametrize("line", ["ls ..", "touch /tmp/escaped.txt", "cat ../../etc/passwd", "rm sub/../../x.txt"])
def test_paths_outside_the_home_folder_are_refused(me, capsys, line, tmp_path):
    assert session.run(line) == 127
    assert "the lab's instance only has its home folder" in capsys.readouterr().out
    assert not os.path.exists("/tmp/escaped.txt")


@pytest.mark.parametrize("program", ["env", "bash -c id", "python3 -c 1", "mkdir x"])
def test_host_programs_never_run(me, capsys, program):
    assert session.run(program) == 127
    out = capsys.readouterr().out
    assert f"Not run: {program.split()[0]} is not a program on this lab's instance" in out
    assert "PATH=" not in out and not (me.home / "x").exists()


def test_a_refused_line_does_not_stop_the_next(me, capsys):
    assert session.run("env\ntouch after.txt") == 127
    assert (me.home / "after.txt").exists()


def test_metadata_service_answers_from_the_session(me, capsys):
    url = "http://169.254.169.254/latest"
    assert session.run(f"curl -s {url}/meta-data/instance-id") == 0
    assert capsys.readouterr().out.strip() == me.instance_id
    assert session.run(f'curl -s -X PUT {url}/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300"') == 0
    token = capsys.readouterr().out.strip()
    assert token
    session.run(f'curl -s -H "X-aws-ec2-metadata-token: {token}" {url}/meta-data/iam/security-credentials/')
    assert capsys.readouterr().out.strip() == "umemoto-wordpress-role"
    session.run(f"curl -s {url}/meta-data/iam/security-credentials/umemoto-wordpress-role")
    document = json.loads(capsys.readouterr().out)
    assert document["AccessKeyId"] == me.credentials["AccessKeyId"] and document["Code"] == "Success"


def test_metadata_service_404_and_no_internet(me, capsys):
    assert session.run("curl -s http://169.254.169.254/latest/meta-data/nothing") == 22
    assert "404" in capsys.readouterr().err
    assert session.run("curl https://example.com/") == 127
    assert "it has no internet" in capsys.readouterr().out


def test_file_system_errors_are_one_line(me, capsys):
    assert session.run("touch sub/x.txt") == 1
    assert session.run("touch " + "n" * 300) == 1
    assert session.run("cat .") == 1
    err = capsys.readouterr().err
    assert "touch: sub/x.txt: No such file or directory" in err
    assert "File name too long" in err and "Traceback" not in err
    assert "cat: .: Is a directory" in err


@pytest.mark.parametrize(
    "args, expected",
    [
        (["-s", "http://h/a"], ("GET", "http://h/a", None)),
        (["-sX", "PUT", "http://h/t", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 300"], ("PUT", "http://h/t", None)),
        (["-XPUT", "http://h/t"], ("PUT", "http://h/t", None)),
        (["--request=put", "http://h/t"], ("PUT", "http://h/t", None)),
        (["-so", "creds.json", "http://h/c"], ("GET", "http://h/c", "creds.json")),
    ],
)
def test_curl_options_as_curl_reads_them(args, expected):
    from helpers.instance.metadata import curl_request

    assert curl_request(args) == expected


def test_curl_output_file_and_token_needs_put(me, capsys):
    url = "http://169.254.169.254/latest"
    assert session.run(f"curl -s -o id.txt {url}/meta-data/instance-id") == 0
    assert (me.home / "id.txt").read_text().strip() == me.instance_id
    assert session.run(f"curl -s {url}/api/token") == 22
    assert "(it needs -X PUT)" in capsys.readouterr().err
    assert session.run(f"curl -s {url}/meta-data/iam/info") == 0
    assert json.loads(capsys.readouterr().out)["InstanceProfileArn"].endswith(
        ":instance-profile/umemoto-wordpress-profile"
    )
