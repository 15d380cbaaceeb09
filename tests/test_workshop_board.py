"""The progress board's parts on their own: its SQLite store, its page, and the kernel-side client.

The service itself, behind a real hub with learners' tokens, is tested in test_workshop_hub.py.
"""

import ast
import http.server
import json
import socket
import threading
import time
from pathlib import Path

import pytest

from helpers.teach import progress
from workshop.board.page import render
from workshop.board.store import Store

ROOT = Path(__file__).resolve().parents[1]
# An exception escaping the client's thread would be a failure, not a warning.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


def test_the_store_counts_attempts_and_remembers_a_pass():
    store = Store(":memory:")
    store.record("alice", 1, "01-read-only", False, at=10)
    store.record("alice", 1, "01-read-only", True, at=20)
    store.record("alice", 1, "01-read-only", False, at=30)  # trying again after passing
    store.record("bob", 2, "02-trust", False, at=40)
    rows = store.rows()
    assert rows["alice"]["01-read-only"] == {"chapter": 1, "attempts": 3, "passed": True, "last": 30}
    assert rows["bob"]["02-trust"]["passed"] is False
    assert list(store.rows("bob")) == ["bob"]
    assert store.exercises() == [(1, "01-read-only"), (2, "02-trust")]


def test_the_store_keeps_its_verdicts_in_the_file(tmp_path):
    Store(tmp_path / "board.sqlite").record("alice", 3, "03-five-calls", True)
    assert Store(tmp_path / "board.sqlite").rows()["alice"]["03-five-calls"]["attempts"] == 1


def test_the_page_shows_learners_by_exercises_and_escapes_names():
    store = Store(":memory:")
    store.record("alice", 1, "01-read-only", True, at=100)
    store.record("<b>x</b>", 1, "01-arns", False, at=100)
    page = render(
        store.rows(), ["<b>x</b>", "alice", "carol"], store.exercises(), viewer="instructor", admin=True, now=160
    )
    assert "every learner" in page and "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert "&#10004; 1" in page and "&#10008; 1" in page
    assert "carol" in page and "no verdict yet" in page  # a learner with nothing posted still has a row
    assert "1 min ago" in page


def test_a_learner_sees_only_their_own_row():
    store = Store(":memory:")
    store.record("alice", 1, "01-read-only", True)
    page = render(store.rows("alice"), ["alice"], store.exercises(), viewer="alice", admin=False)
    assert "your own exercises" in page and page.count('class="learner"') == 1


class Catcher(http.server.BaseHTTPRequestHandler):
    """A stand-in board: records what is posted; answers slowly if told to."""

    received = []
    delay = 0.0

    def do_POST(self):
        """Keep the request, answer 201."""
        time.sleep(self.delay)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Catcher.received.append((self.path, self.headers["Authorization"], json.loads(body)))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture
def board(monkeypatch):
    """A stand-in board on 127.0.0.1, with the workshop's variables pointing at it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Catcher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Catcher.received, Catcher.delay = [], 0.0
    monkeypatch.setenv("IAMLAB_BOARD_URL", f"http://127.0.0.1:{server.server_address[1]}/services/progress-board/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "learner-token")
    yield Catcher
    server.shutdown()


def test_record_posts_the_verdict_with_the_servers_token(board):
    progress.record(1, "01-read-only", True).join(5)
    assert board.received == [
        (
            "/services/progress-board/api/verdicts",
            "token learner-token",
            {"chapter": 1, "exercise": "01-read-only", "passed": True},
        )
    ]


def test_record_never_waits_for_a_slow_board(board):
    board.delay = 2.0
    started = time.perf_counter()
    thread = progress.record(2, "02-trust", False)
    assert time.perf_counter() - started < 0.2 and thread.daemon
    thread.join(5)


def test_record_does_nothing_outside_the_workshop(monkeypatch):
    monkeypatch.delenv("IAMLAB_BOARD_URL", raising=False)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t")
    assert progress.record(1, "01-read-only", True) is None
    monkeypatch.setenv("IAMLAB_BOARD_URL", "http://127.0.0.1:9/")
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN")
    assert progress.record(1, "01-read-only", True) is None


def test_record_survives_a_board_that_is_down_and_bad_input(monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    monkeypatch.setenv("IAMLAB_BOARD_URL", f"http://127.0.0.1:{port}/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t")
    thread = progress.record(1, "01-read-only", True)
    thread.join(5)
    assert not thread.is_alive()
    assert progress.record("one", "01-read-only", True) is None
    monkeypatch.setenv("IAMLAB_BOARD_URL", "not a url")
    progress.record(1, "x", False).join(5)  # pytest would report an exception escaping the thread


def test_the_client_uses_the_standard_library_only():
    tree = ast.parse((ROOT / "helpers" / "teach" / "progress.py").read_text())
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"json", "os", "threading", "urllib"}
