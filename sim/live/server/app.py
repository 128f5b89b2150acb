"""The session's web server: one Starlette app, server-rendered views, server-sent events.

Roles and how a device gets one:

- ``control``: the facilitator's laptop opens the link printed in the terminal
  (``/control?key=…``, the control role's token);
- ``room`` (projector), ``eval`` and one ``tf-<agent>`` per task force: a device
  opens ``/join``, gives the session PIN and its role, and waits until the
  controller approves it in the control view.  Approval gives the device that
  role's token (an HttpOnly, SameSite=Strict cookie sent only to ``/v/<role>``).
  Tokens and the PIN are new for every server process, so a device reconnecting
  to a resumed session asks again, and the controller approves it again.

Each view page subscribes to ``/v/<role>/events`` (server-sent events: the
session's version number whenever it moves) and then fetches its parts from
``/v/<role>/part``; forms post to ``/v/<role>/act``, which the session checks and
journals (:meth:`sim.live.session.Session.act`).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qs

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from sim.live.server import pages
from sim.live.session import ActionRefused, Session
from sim.live.words import w
from sim.style import cjk_font_path

DEVICE = "drill_device"

Fan = Callable[[str, dict[str, str], Callable[[int, int], None]], dict[str, Any]]
"""Runs a what-if fan: ``(inject id, the room's earlier decisions, progress) -> result``."""


class Access:
    """The session PIN, a token per role, and the devices that asked to join."""

    def __init__(self, session: Session):
        self.session = session
        self.pin = f"{secrets.randbelow(1_000_000):06d}"
        session.pin = self.pin
        roles = ["control", "room", "eval", *(f"tf-{a}" for a in session.task_forces)]
        self.tokens = {role: secrets.token_urlsafe(18) for role in roles}
        self.failures = 0

    def has(self, request: Request, role: str) -> bool:
        """Whether the request carries ``role``'s token (its cookie, scoped to its views)."""
        known = self.tokens.get(role)
        token = request.cookies.get(cookie_name(role), "")
        return known is not None and bool(token) and hmac.compare_digest(token, known)


async def read_form(request: Request) -> dict[str, str]:
    """A URL-encoded form (the views send nothing else; the last value of a name wins),
    read without Starlette's multipart parser and the dependency it needs."""
    body = (await request.body())[:65536].decode("utf-8", errors="replace")
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


def cookie_name(role: str) -> str:
    """One cookie per role, sent only to that role's pages (``/v/<role>``): one browser
    can hold several roles, e.g. the controller's laptop driving the projector too."""
    return f"drill_{role.replace('-', '_')}"


def create_app(
    session: Session, fan: Fan | None = None, stopping: Callable[[], bool] = lambda: False
) -> tuple[Starlette, Access]:
    """The app serving ``session``; ``fan`` (optional) computes what-if fans;
    ``stopping`` tells the event streams that the server is shutting down."""
    access = Access(session)
    lang = session.lang

    def cookie(response: Response, role: str) -> Response:
        response.set_cookie(
            cookie_name(role),
            access.tokens[role],
            httponly=True,
            samesite="strict",
            path=f"/v/{role}",
        )
        return response

    async def index(request: Request) -> Response:
        return RedirectResponse("/join", status_code=303)

    async def control_link(request: Request) -> Response:
        key = request.query_params.get("key", "")
        if not hmac.compare_digest(key, access.tokens["control"]):
            return HTMLResponse(pages.join_page(session), status_code=403)
        return cookie(RedirectResponse("/v/control", status_code=303), "control")

    async def join(request: Request) -> Response:
        if request.method == "GET":
            return HTMLResponse(pages.join_page(session))
        form = await read_form(request)
        pin, role = form.get("pin", "").strip(), form.get("role", "")
        name = form.get("name", "").strip()[:40] or role
        if (
            not hmac.compare_digest(pin, access.pin)
            or role not in access.tokens
            or role == "control"
        ):
            access.failures += 1
            await anyio.sleep(min(5.0, 0.5 * access.failures))  # slows PIN guessing
            return HTMLResponse(pages.join_page(session, w("wrong_pin", lang)), status_code=403)
        device = secrets.token_urlsafe(12)
        with session.cond:
            session.devices[device] = {"name": name, "role": role, "status": "pending"}
        session.record("join", device=device, name=name, role=role)
        response = RedirectResponse("/wait", status_code=303)
        response.set_cookie(DEVICE, device, httponly=True, samesite="strict", path="/")
        return response

    async def wait(request: Request) -> Response:
        device = session.devices.get(request.cookies.get(DEVICE, ""))
        if device is None:
            return RedirectResponse("/join", status_code=303)
        if device["status"] == "approved":
            return cookie(RedirectResponse(f"/v/{device['role']}", status_code=303), device["role"])
        return HTMLResponse(pages.wait_page(session, denied=device["status"] == "denied"))

    def allowed(request: Request) -> str | None:
        role = str(request.path_params.get("role", ""))
        return role if access.has(request, role) else None

    async def view(request: Request) -> Response:
        role = allowed(request)
        if role is None:
            return RedirectResponse("/join", status_code=303)
        return HTMLResponse(pages.view_page(session, role))

    async def part(request: Request) -> Response:
        role = allowed(request)
        if role is None:
            return JSONResponse({"error": "forbidden"}, status_code=403)
        with session.cond:
            return JSONResponse(
                {
                    "version": session.version,
                    "state": pages.state_html(session, role),
                    "form_key": pages.form_key(session, role),
                    "form": pages.form_html(session, role),
                    "left": session.remaining_s(),
                    "held": session.held_since is not None,
                }
            )

    async def events(request: Request) -> Response:
        role = allowed(request)
        if role is None:
            return Response(status_code=403)

        async def stream() -> AsyncIterator[str]:
            version, quiet = -1, 0
            while not stopping():  # ends by itself when the server stops (Ctrl-C)
                now = await anyio.to_thread.run_sync(session.wait_change, version, 1.0)
                if await request.is_disconnected():
                    return
                if now != version:
                    version, quiet = now, 0
                    yield f"data: {version}\n\n"
                elif (quiet := quiet + 1) % 15 == 0:
                    yield ": keep-alive\n\n"

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    async def act(request: Request) -> Response:
        role = allowed(request)
        if role is None:
            return JSONResponse({"error": "forbidden"}, status_code=403)
        form = await read_form(request)
        do = form.pop("do", "")
        by = "control" if role == "control" else "eval" if role == "eval" else role[3:]
        try:
            if do in ("hold", "resume", "approve", "deny", "fan", "reveal") and role != "control":
                raise ActionRefused(w("error", lang))
            if do == "hold":
                session.hold()
            elif do == "resume":
                session.resume()
            elif do in ("approve", "deny"):
                decide(form.get("device", ""), do)
            elif do == "fan":
                start_fan(form.get("inject", ""))
            elif do == "reveal":
                reveal_fan(form.get("inject", ""))
            else:
                session.act(do, by=by, **form)
        except ActionRefused as exc:
            return JSONResponse({"error": str(exc)})
        return JSONResponse({"ok": True})

    def decide(device: str, do: str) -> None:
        with session.cond:
            d = session.devices.get(device)
            if d is None or d["status"] != "pending":
                raise ActionRefused(w("error", lang))
            d["status"] = "approved" if do == "approve" else "denied"
        session.record(do, device=device, name=d["name"], role=d["role"])

    queue: list[tuple[str, dict[str, str]]] = []  # fans asked for, newest last
    busy = [False]

    def start_fan(iid: str) -> None:
        """Queue the fan of decision ``iid`` (once; again is a no-op).  One fan runs at a
        time, the newest decision's first: the cores go to the question on the table."""
        if fan is None:
            raise ActionRefused(w("error", lang))
        with session.cond:
            if iid in session.fans and session.fans[iid].get("status") != "error":
                return
            session.fans[iid] = {"status": "queued", "done": 0, "total": 0}
            queue.append((iid, session.premises()))
            if not busy[0]:
                busy[0] = True
                threading.Thread(target=work, name="drill-fan", daemon=True).start()
            session.touch()
        session.record("fan", inject=iid, runs=session.fan_runs)

    def work() -> None:
        assert fan is not None
        while True:
            with session.cond:
                if not queue:
                    busy[0] = False
                    return
                iid, premises = queue.pop()
                session.fans[iid]["status"] = "running"
            session.touch()

            def progress(done: int, total: int, iid: str = iid) -> None:
                with session.cond:
                    session.fans[iid].update(done=done, total=total)
                session.touch()

            t0 = time.monotonic()
            try:
                result = {**fan(iid, premises, progress), "status": "done"}
                result["seconds"] = time.monotonic() - t0
            except Exception as exc:  # shown in the control view; the session goes on
                result = {"status": "error", "error": str(exc)}
            with session.cond:
                result["revealed"] = session.fans.get(iid, {}).get("revealed", False)
                session.fans[iid] = result
            session.touch()

    def reveal_fan(iid: str) -> None:
        with session.cond:
            if iid not in session.fans:
                raise ActionRefused(w("error", lang))
            session.fans[iid]["revealed"] = True
        session.touch()
        session.record("reveal", inject=iid)

    if fan is not None:
        # a decision's fan starts when the decision is delivered: the simulation is
        # stopped then, so the cores are free while the room deliberates
        session.on_decision = start_fan

    async def debrief(request: Request) -> Response:
        if not access.has(request, "control"):
            return RedirectResponse("/join", status_code=303)
        return HTMLResponse(pages.debrief_page(session))

    async def font(request: Request) -> Response:
        """The bundled CJK font, for a device without one (pages ask for it after
        ``local()`` fonts, so a phone with Chinese fonts never downloads it)."""
        return FileResponse(
            cjk_font_path(),
            media_type="font/otf",
            headers={"Cache-Control": "public, max-age=604800"},
        )

    routes = [
        Route("/", index),
        Route("/font.otf", font),
        Route("/control", control_link),
        Route("/join", join, methods=["GET", "POST"]),
        Route("/wait", wait),
        Route("/v/control/debrief", debrief),
        Route("/v/{role}", view),
        Route("/v/{role}/part", part),
        Route("/v/{role}/events", events),
        Route("/v/{role}/act", act, methods=["POST"]),
    ]
    return Starlette(routes=routes), access
