"""The facilitator's terminal console for live play (``drill play`` without ``--answers``).

At each inject the simulation is paused: the console shows the situation (clock,
cases, contacts, queues, rooms left, objectives at risk), what changed since the
last pause (decisions taking effect, staff, machines), the inject and its target
role, and asks for the room's response; a decision needs an explicit choice.
``?`` asks an ad-hoc question (临时点题) first; both question and answer go into
the event log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from sim.injects.msel import Response
from sim.live.play import situation
from sim.live.state import changes
from sim.report.locale import t
from sim.textsafe import markup

if TYPE_CHECKING:
    from sim.engine.world import World
    from sim.scenario.injects import Inject


class LiveConsole:
    """A facilitator that asks the room through the terminal."""

    def __init__(self, lang: str = "zh", console: Console | None = None):
        self.lang = lang
        self.console = console or Console(highlight=False)
        self.seen = 0  # the event log up to here was shown already

    def t(self, key: str, **kw: str) -> str:
        return t(f"play.{key}", self.lang, **kw)

    def _ask(self, prompt: str) -> str:
        try:
            return self.console.input(f"[bold cyan]{markup(prompt)}[/] > ").strip()
        except EOFError:
            raise KeyboardInterrupt from None

    def pause(self, world: World, inject: Inject, called: str | None) -> Response:
        self.show(world, inject, called)
        response = Response()
        target = called or inject.target or ""
        who = world.scenario.agents[target].name(self.lang) if target else ""
        while True:
            if inject.type == "decision":
                raw = self._ask(self.t("choose"))
            elif inject.type == "spot_check":
                raw = self._ask(self.t("answer", who=who))
            else:
                raw = self._ask(self.t("respond", who=who))
            if raw == "?":
                question = self._ask(self.t("question"))
                answer = self._ask(self.t("q_answer"))
                response.ad_hoc.append((question, answer))
                self.console.print(f"[green]{self.t('recorded')}[/]")
                continue
            if inject.type != "decision":
                response.answer = raw
                return response
            ids = [o.id for o in inject.options]
            if raw.isdigit() and 1 <= int(raw) <= len(ids):
                raw = ids[int(raw) - 1]
            if raw not in ids:  # no silent default: the room chooses explicitly
                key = "no_choice" if not raw else "invalid"
                self.console.print(f"[red]{markup(self.t(key, v=raw))}[/]")
                continue
            response.choice = raw
            label = inject.option(response.choice).label(self.lang)
            chosen = self.t("chosen", o=f"{response.choice} — {label}")
            self.console.print(f"[green]{markup(chosen)}[/]")
            return response

    def show(self, world: World, inject: Inject, called: str | None) -> None:
        """Print the situation and the inject."""
        lang, s = self.lang, situation(world)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row(self.t("clock"), f"{s.clock.replace('T', ' ')}  (T+{s.t:.1f} h)")
        grid.add_row(self.t("cases"), str(s.cases))
        grid.add_row(self.t("contacts"), f"{s.contacts_identified} / {s.contacts_isolated}")
        if s.rooms_left is not None:
            grid.add_row(self.t("rooms"), str(s.rooms_left))
        queues = ", ".join(
            f"{markup(world.scenario.agents[a].name(lang))} {n}"
            for a, n in sorted(s.queues.items())
        )
        grid.add_row(self.t("queues"), queues or self.t("none"))
        risks = "; ".join(
            f"{markup(r['title'](lang))} {r['elapsed_h']:.1f}/{r['standard_h']:g} h "
            f"({self.t('breached' if r['status'] == 'breached' else 'at_risk_s')})"
            for r in s.at_risk
        )
        grid.add_row(self.t("at_risk"), risks or self.t("none"))
        self.console.print(Panel(grid, title=self.t("situation")))
        news = changes(world, self.seen, lang)
        self.seen = len(world.log)
        if news:
            lines = "\n".join(markup(f"{c['clock']}  {c['text']}") for c in news[-8:])
            self.console.print(Panel(lines, title=self.t("changed")))
        body = Table.grid(padding=(0, 2))
        body.add_column(style="bold")
        body.add_column()
        if inject.target:
            body.add_row(self.t("target"), markup(world.scenario.agents[inject.target].name(lang)))
        if called:
            body.add_row(self.t("called"), markup(world.scenario.agents[called].name(lang)))
        body.add_row("", markup(inject.message(lang)))
        for i, option in enumerate(inject.options, start=1):
            delay = f"  (+{option.delay_h:g} h)" if option.delay_h else ""
            body.add_row(f"{i}. {markup(option.id)}", markup(option.label(lang)) + delay)
        if inject.expected_action is not None:
            body.add_row(self.t("expected"), f"[dim]{markup(inject.expected_action(lang))}[/]")
        title = inject.title(lang) if inject.title else inject.id
        self.console.print(
            Panel(body, title=markup(f"{self.t('inject')} {inject.id} · {title} [{inject.type}]"))
        )
