"""Run code in a learner's kernel through the hub, over the Jupyter protocol (REST + websocket channels).

    kernel = Kernel("http://127.0.0.1:8000/user/alice", token, "iam-role-lab/notebooks/01-Policies.ipynb")
    result = kernel.execute("from helpers import lab; lab.start(chapter=1)")
    result.ok, result.text, result.seconds
    kernel.close()

What JupyterLab does when a notebook opens: a session (POST /api/sessions) starts the kernel
in the notebook's folder; execute_request messages go over /api/kernels/ID/channels, and
a cell is done when its execute_reply has come and the kernel is idle again. Used by the
smoke test (tests/test_workshop_hub.py) and the load test (benchmarks/loadtest.py).
"""

import json
import time
import urllib.request
import uuid
from dataclasses import dataclass, field

import websocket  # websocket-client, in the lock (jupyter-server needs it too)


@dataclass
class Result:
    """What one cell did: its reply status, text it showed, error (if any), and how long it took."""

    status: str = ""
    text: str = ""
    error: str = ""
    seconds: float = 0.0
    outputs: list = field(default_factory=list)

    @property
    def ok(self):
        """The cell ran without an error."""
        return self.status == "ok" and not self.error


def rest(method, url, token, body=None, timeout=60):
    """One REST call with a token; the decoded JSON (or None)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Authorization": f"token {token}", "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def decode(frame):
    """A channels message from a text frame, or from a binary one (buffers after the JSON)."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 + 4 * i : 8 + 4 * i], "big") for i in range(count)]
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0] : end])


def output_text(message):
    """The text a display, result, stream or error message shows."""
    content = message["content"]
    if message["msg_type"] == "stream":
        return content.get("text", "")
    if message["msg_type"] == "error":
        return f"{content.get('ename')}: {content.get('evalue')}"
    return content.get("data", {}).get("text/plain", "")


class Kernel:
    """A kernel of a learner's server, started as JupyterLab starts one for a notebook."""

    def __init__(self, server_url, token, path, timeout=120):
        """Start a session for the notebook at path (relative to the learner's home) and connect."""
        self.server_url, self.token, self.timeout = server_url.rstrip("/"), token, timeout
        self.session_id = uuid.uuid4().hex
        session = rest(
            "POST",
            f"{self.server_url}/api/sessions",
            token,
            {"path": path, "name": path.rsplit("/", 1)[-1], "type": "notebook", "kernel": {"name": "python3"}},
            timeout=timeout,
        )
        self.session, self.kernel_id = session["id"], session["kernel"]["id"]
        ws_url = self.server_url.replace("http", "ws", 1)
        self.ws = websocket.create_connection(
            f"{ws_url}/api/kernels/{self.kernel_id}/channels?session_id={self.session_id}",
            header=[f"Authorization: token {token}"],
            timeout=timeout,
        )

    def message(self, code):
        """An execute_request for code."""
        return {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "username": "loadtest",
                "session": self.session_id,
                "msg_type": "execute_request",
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "channel": "shell",
            "buffers": [],
            "content": {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        }

    def execute(self, code):
        """Run code; wait for its reply and for the kernel to be idle again."""
        request = self.message(code)
        msg_id, result = request["header"]["msg_id"], Result()
        started = time.perf_counter()
        self.ws.send(json.dumps(request))
        replied = idle = False
        while not (replied and idle):
            if time.perf_counter() - started > self.timeout:
                result.error = f"no reply within {self.timeout} s"
                break
            message = decode(self.ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            if kind == "execute_reply":
                replied, result.status = True, message["content"]["status"]
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
            elif kind in ("stream", "execute_result", "display_data", "error"):
                result.outputs.append(message)
                result.text += output_text(message)
                if kind == "error":
                    result.error = output_text(message)
        result.seconds = time.perf_counter() - started
        return result

    def close(self):
        """Disconnect and shut the kernel down (DELETE the session)."""
        try:
            self.ws.close()
        finally:
            rest("DELETE", f"{self.server_url}/api/sessions/{self.session}", self.token)
