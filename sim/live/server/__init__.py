"""``drill play --serve``: the session's views in the browsers of the room (see :mod:`.app`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from sim.live.server.app import Fan
    from sim.live.session import Session


def serve(
    session: Session,
    host: str,
    port: int,
    fan: Fan | None,
    on_finish: Callable[[Session], None],
    say: Callable[[str], None],
) -> None:
    """Start the drill and serve its views until Ctrl-C (the journal is already on disk).

    ``say`` prints the control link and the PIN for the facilitator's terminal.
    """
    import uvicorn

    from sim.live.server.app import create_app
    from sim.live.words import w

    server: uvicorn.Server | None = None
    app, access = create_app(session, fan, lambda: server is not None and server.should_exit)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    lang = session.lang
    say(f"{w('control', lang)}: {base}/control?key={access.tokens['control']}")
    say(f"{w('join', lang)}: {base}/join   {w('pin', lang)}: {access.pin}")
    session.start(on_finish)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,  # the views' event streams end within a second
    )
    server = uvicorn.Server(config)
    server.run()
