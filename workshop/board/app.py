"""The progress board service: kernels post exercise verdicts; the instructor sees learners x exercises.

Registered with the hub in workshop/jupyterhub_config.py and started by it. Who is asking
comes from the hub's own tokens (jupyterhub.services.auth.HubOAuth): a learner's kernel posts
with its server's $JUPYTERHUB_API_TOKEN, a browser signs in through the hub's OAuth.

    POST {prefix}api/verdicts          {"chapter": 1, "exercise": "01-read-only", "passed": true}
                                       recorded for the token's owner; the board counts attempts
    GET  {prefix}api/verdicts/NAME     NAME's results: NAME's own token or an admin's, else 403
    GET  {prefix}api/verdicts          every learner's (admin) or one's own
    GET  {prefix}                      the page: every learner's row for an admin, one's own for a learner
"""

import json
import os

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from workshop.board.page import render
from workshop.board.store import Store

MAX_NAME = 80


class BoardHandler(HubOAuthenticated, web.RequestHandler):
    """Shared parts: the store, who is asking, JSON errors."""

    def initialize(self, store):
        """The handler's store."""
        self.store = store

    def viewer(self):
        """The asking user's hub model; 403 for anyone else (no token, a service, a revoked token)."""
        model = self.current_user
        if not model or model.get("kind", "user") != "user":
            raise web.HTTPError(403, "a learner's or the instructor's hub token is needed")
        return model

    def write_error(self, status_code, **kwargs):
        """Errors as one JSON line."""
        error = kwargs.get("exc_info", (None, None))[1]
        message = getattr(error, "log_message", None) or self._reason
        self.finish({"status": status_code, "message": message})


class VerdictsHandler(BoardHandler):
    """The API: post a verdict for oneself; read one's own (or, as admin, anyone's)."""

    def post(self):
        """Record a verdict for the token's owner."""
        if "Authorization" not in self.request.headers:
            raise web.HTTPError(403, "post verdicts with a token (Authorization: token ...)")
        model = self.viewer()
        try:
            body = json.loads(self.request.body or b"{}")
            chapter, exercise, passed = int(body["chapter"]), str(body["exercise"]), body["passed"]
        except (ValueError, KeyError, TypeError):
            raise web.HTTPError(400, 'expected {"chapter": int, "exercise": str, "passed": bool}') from None
        if not isinstance(passed, bool) or not 0 < len(exercise) <= MAX_NAME:
            raise web.HTTPError(400, "passed must be true or false; exercise a short name")
        self.store.record(model["name"], chapter, exercise, passed)
        result = self.store.rows(model["name"])[model["name"]][exercise]
        self.set_status(201)
        self.finish({"learner": model["name"], "exercise": exercise, **result})

    def get(self, name=None):
        """One learner's results (own or as admin), or all that the asker may see."""
        model = self.viewer()
        if name and name != model["name"] and not model.get("admin"):
            raise web.HTTPError(403, f"{model['name']} may not read {name}'s results")
        if name is None and not model.get("admin"):
            name = model["name"]
        self.finish(self.store.rows(name) if name is None else {name: self.store.rows(name).get(name, {})})


class PageHandler(BoardHandler):
    """The HTML board."""

    @web.authenticated
    async def get(self):
        """Every learner's row for an admin; only one's own for a learner."""
        model = self.viewer()
        table = self.store.rows(None if model.get("admin") else model["name"])
        if model.get("admin"):
            learners = sorted(set(table) | set(await self.hub_learners()))
        else:
            learners = [model["name"]]
        self.finish(
            render(table, learners, self.store.exercises(), viewer=model["name"], admin=bool(model.get("admin")))
        )

    async def hub_learners(self):
        """Names of the hub's non-admin users (so that a learner with no verdict yet has a row)."""
        auth = self.hub_auth
        request = HTTPRequest(
            url_path_join(auth.api_url, "users"),
            headers={"Authorization": f"token {auth.api_token}"},
            request_timeout=5,
        )
        try:
            response = await AsyncHTTPClient().fetch(request)
        except Exception:  # the hub briefly unreachable: show who has posted
            return []
        return [user["name"] for user in json.loads(response.body) if not user.get("admin")]


def make_app(db_path):
    """The tornado application, under the prefix the hub gives the service."""
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/progress-board/")
    store = Store(db_path)
    return web.Application(
        [
            (prefix, PageHandler, {"store": store}),
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
            (url_path_join(prefix, "api/verdicts"), VerdictsHandler, {"store": store}),
            (url_path_join(prefix, r"api/verdicts/([^/]+)"), VerdictsHandler, {"store": store}),
        ],
        cookie_secret=os.urandom(32),
        hub_auth=HubOAuth(cache_max_age=60),
    )
