"""Run the board as the hub starts it: python -m workshop.board --db board.sqlite."""

import argparse
import asyncio
import os
from urllib.parse import urlparse

from workshop.board.app import make_app


async def serve(db):
    """Listen where the hub says the service lives ($JUPYTERHUB_SERVICE_URL), until stopped."""
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:8099"))
    make_app(db).listen(url.port, url.hostname)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m workshop.board")
    parser.add_argument("--db", default="board.sqlite", help="the SQLite file of verdicts")
    try:
        asyncio.run(serve(parser.parse_args().db))
    except KeyboardInterrupt:  # the hub stops its services with SIGINT
        pass
