"""Server-rendered HTML of the session's views: room, control, task force, eval, debrief.

Every piece of text from the scenario, the players or the controller goes through
:func:`esc`.  Each view has a *state* part, replaced whenever the session moves,
and a *form* part, replaced only when its key changes (so typing is not lost).
The room view is built from the inject's public fields only: the expected action,
the controller's notes and the MSEL ahead are rendered in the control view alone.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from sim.live.journal import RATINGS
from sim.live.words import WORDS, w

if TYPE_CHECKING:
    from sim.live.session import Session


def esc(value: object) -> str:
    """Text made safe for HTML, attributes included."""
    return html.escape(str(value), quote=True)


CSS = """
@font-face{font-family:DrillCJK;font-display:swap;
  src:local("Noto Sans CJK SC"),local("Noto Sans SC"),local("PingFang SC"),
  local("Microsoft YaHei"),url(/font.otf) format("opentype")}
body{font-family:system-ui,DrillCJK,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d3557;color:#fff;padding:.6em 1em;display:flex;gap:1em;
  align-items:center;flex-wrap:wrap}
header h1{font-size:1.1em;margin:0}
.badge{background:#e63946;color:#fff;border-radius:4px;padding:.1em .5em}
main{padding:1em;display:grid;gap:1em;grid-template-columns:repeat(auto-fit,minmax(320px,1fr))}
section{background:#fff;border-radius:6px;padding:.8em 1em;box-shadow:0 1px 2px #0002}
h2{font-size:1em;margin:.2em 0 .6em;color:#1d3557}
.msg{font-size:1.3em;line-height:1.5}
.room .msg{font-size:2em}
.expected{background:#fff3cd;border-left:4px solid #e0a800;padding:.4em .6em}
table{border-collapse:collapse;width:100%}
td,th{padding:.2em .4em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
form.inline{display:inline}
.err{color:#b00020;min-height:1.2em}
.countdown{font-variant-numeric:tabular-nums;font-size:1.4em}
.step{display:none}.step.on{display:block}
.mark{visibility:hidden}.mark.on{visibility:visible}
#fans{grid-column:1/-1}
button{margin:.15em}
button,input,select,textarea{font:inherit}
"""

JS = """
const role = document.body.dataset.role; let key = document.body.dataset.formKey;
let pendingForm = null;
async function refresh(){
  const r = await fetch('/v/' + role + '/part', {cache:'no-store'}); if(!r.ok) return;
  const p = await r.json();
  document.getElementById('state').innerHTML = p.state;
  const f = document.getElementById('form');
  if (p.form_key !== key){
    if (f.contains(document.activeElement)) { pendingForm = p; }
    else { f.innerHTML = p.form; key = p.form_key; }
  }
  tick.left = p.left; tick.held = p.held; tick.at = Date.now();
}
document.addEventListener('focusout', () => setTimeout(() => {
  const f = document.getElementById('form');
  if (pendingForm && !f.contains(document.activeElement)) {
    f.innerHTML = pendingForm.form; key = pendingForm.form_key; pendingForm = null; }
}, 50));
document.addEventListener('submit', async (ev) => {
  const form = ev.target; if (!form.matches('form[data-act]')) return;
  ev.preventDefault();
  const body = new URLSearchParams(new FormData(form));
  const r = await fetch('/v/' + role + '/act', {method:'POST', body});
  const p = await r.json().catch(() => ({error:'?'}));
  const err = form.querySelector('.err') || document.getElementById('flash');
  if (err) err.textContent = p.error || '';
  if (!p.error) { form.reset(); pendingForm = null; key = ''; document.activeElement.blur(); }
  refresh();
});
const tick = {left: null, held: false, at: Date.now()};
tick.left = parseFloat(document.body.dataset.left); if (isNaN(tick.left)) tick.left = null;
tick.held = document.body.dataset.held === '1';
setInterval(() => {
  const el = document.getElementById('countdown'); if (!el || tick.left === null) return;
  let s = tick.held ? tick.left : tick.left - (Date.now() - tick.at)/1000;
  const neg = s < 0; s = Math.abs(Math.round(s));
  el.textContent = (neg ? '-' : '') + Math.floor(s/60) + ':' + String(s%60).padStart(2,'0');
}, 500);
const es = new EventSource('/v/' + role + '/events');
es.onmessage = () => refresh();
"""


def page(
    title: str,
    body: str,
    lang: str,
    role: str = "",
    form_key: str = "",
    extra: str = "",
    left: float | None = None,
    held: bool = False,
) -> str:
    script = f"<script>{JS}</script>" if role else ""
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f'<body class="{esc(role.split("-")[0])}" data-role="{esc(role)}" '
        f'data-form-key="{esc(form_key)}" data-left="{"" if left is None else f"{left:.1f}"}" '
        f'data-held="{1 if held else 0}">{body}{extra}{script}</body></html>'
    )


def section(sid: str, title: str, inner: str) -> str:
    """A titled panel; ``inner`` is HTML already escaped."""
    return f'<section id="{esc(sid)}"><h2>{esc(title)}</h2>{inner}</section>'


# -- parts shared by the views ---------------------------------------------------------------


def _situation(view: dict[str, Any], lang: str) -> str:
    s = view["situation"]
    rows = [
        (w("clock", lang), f"{s['clock']}  (T+{s['t']:.1f} h)"),
        (w("cases", lang), s["cases"]),
        (w("contacts", lang), f"{s['contacts_identified']} / {s['contacts_isolated']}"),
    ]
    if s["rooms_left"] is not None:
        rows.append((w("rooms", lang), s["rooms_left"]))
    queues = ", ".join(f"{name} {n}" for name, n in s["queues"])
    rows.append((w("queues", lang), queues or w("none", lang)))
    risks = "; ".join(
        f"{r['title']} {r['elapsed_h']:.1f}/{r['standard_h']:g} h "
        f"({w('breached' if r['status'] == 'breached' else 'at_risk_s', lang)})"
        for r in s["at_risk"]
    )
    rows.append((w("at_risk", lang), risks or w("none", lang)))
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return section("situation", w("situation", lang), f"<table>{cells}</table>")


def _inject(inj: dict[str, Any] | None, lang: str, *, control: bool) -> str:
    """The inject as the room sees it; the expected action only when ``control``."""
    if inj is None:
        return f"<section><h2>{esc(w('stop_hold', lang))}</h2></section>"
    who = ""
    if inj["target_name"]:
        who += f"<p>{esc(w('to', lang))}：{esc(inj['target_name'])}</p>"
    if inj["called_name"]:
        who += f"<p>{esc(w('phoning', lang))}：{esc(inj['called_name'])}</p>"
    options = ""
    if inj["options"]:
        items = "".join(
            f"<li>{esc(o['label'])}"
            + (
                f" <small>({esc(w('in_h', lang, h=format(o['delay_h'], 'g')))})</small>"
                if o["delay_h"]
                else ""
            )
            + "</li>"
            for o in inj["options"]
        )
        options = f"<h2>{esc(w('options', lang))}</h2><ol>{items}</ol>"
    expected = ""
    if control and inj["expected"]:
        expected = f'<p class="expected">{esc(w("expected", lang))}：{esc(inj["expected"])}</p>'
    return (
        f'<section id="inject" data-inject="{esc(inj["id"])}" data-type="{esc(inj["type"])}">'
        f"<h2>{esc(w('inject', lang))} · {esc(inj['title'])}</h2>{who}"
        f'<p class="msg">{esc(inj["message"])}</p>{options}{expected}</section>'
    )


def _changes(s: Session, lang: str, last: int = 8) -> str:
    items = "".join(f"<li>{esc(c['clock'])} {esc(c['text'])}</li>" for c in s.changes[-last:][::-1])
    return section("changes", w("changed", lang), f"<ul>{items or esc(w('none', lang))}</ul>")


def _header(s: Session, role_name: str) -> str:
    lang = s.lang
    held = f' <span class="badge">{esc(w("held", lang))}</span>' if s.held_since is not None else ""
    countdown = ""
    if s.stop is not None and s.stop.inject is not None and not s.stop.released:
        countdown = (
            f"<span>{esc(w('countdown', lang))} "
            '<span class="countdown" id="countdown"></span></span>'
        )
    state = ""
    if s.finished:
        state = f'<span class="badge" id="finished">{esc(w("finished", lang))}</span>'
    elif s.stop is None or s.stop.released:
        state = f"<span>{esc(w('waiting_sim', lang))}</span>"
    return (
        f"<header><h1>{esc(s.scenario.meta.title(lang))}</h1><span>{esc(role_name)}</span>"
        f"{countdown}{held}{state}</header>"
    )


def _current(s: Session) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The open (unreleased) pause's inject and view, or the last view for the situation."""
    if s.stop is not None and not s.stop.released:
        return s.stop.inject, s.stop.view
    last = s.history[-1]["view"] if s.history else None
    return None, last


def role_name(s: Session, role: str) -> str:
    if role.startswith("tf-"):
        return s.agent(role[3:])
    return w(role, s.lang)


# -- state parts ---------------------------------------------------------------------------


def state_html(s: Session, role: str) -> str:
    """The part of ``role``'s view replaced at every change."""
    lang = s.lang
    inj, view = _current(s)
    pause = s.stop.index if s.stop is not None and not s.stop.released else -1
    out = [_header(s, role_name(s, role)), f'<main data-pause="{pause}">']
    if s.error is not None:
        out.append(f'<section><p class="err">{esc(w("sim_error", lang))}</p></section>')
    if role == "room":
        if s.stop is not None and not s.stop.released:
            out.append(_inject(inj, lang, control=False))
        if view is not None:
            out.append(_situation(view, lang))
        out.append(_changes(s, lang))
        out.append(_fans(s, room=True))
    elif role == "control":
        if s.stop is not None and not s.stop.released:
            out.append(_inject(inj, lang, control=True))
            out.append(_entries(s, s.stop.entries))
        if view is not None:
            out.append(_situation(view, lang))
            out.append(_ahead(view, lang))
        out.append(_changes(s, lang))
        out.append(_rollup(s))
        out.append(_fans(s))
        out.append(_devices(s))
        if s.outputs:
            items = "".join(f"<li>{esc(k)}: {esc(v)}</li>" for k, v in s.outputs.items())
            out.append(
                f"<section><h2>{esc(w('outputs', lang))}</h2><ul>{items}</ul>"
                f'<p><a href="/v/control/debrief">{esc(w("debrief", lang))}</a></p></section>'
            )
    elif role == "eval":
        out.append(_rollup(s))
    elif role.startswith("tf-"):
        aid = role[3:]
        if inj is not None and aid in (inj["target"], inj["called"]):
            out.append(_inject(inj, lang, control=False))
            assert s.stop is not None
            mine = [e for e in s.stop.entries if e.get("by") == aid]
            if mine:  # what this task force has sent at this pause, as recorded
                out.append(_entries(s, mine))
        else:
            out.append(f"<section><p>{esc(w('not_for_you', lang))}</p></section>")
        out.append(_tf_log(s, aid))
    out.append("</main>")
    return "".join(out)


def _entries(s: Session, entries: list[dict[str, Any]]) -> str:
    lang = s.lang
    rows = []
    for e in entries:
        if e["do"] == "evaluate":  # an evaluator's verdict, logged at this pause's release
            title = s.inject_title(e["inject"])
            rows.append(f"{w('evaluation', lang)}: {title} — {w(e['rating'], lang)}")
            continue
        who = s.agent(e["by"]) if e.get("by") else w("control", lang)
        if e["do"] == "choose":
            rows.append(f"{who}: {w('decided', lang)} {_option_label(s, e['at'], e['option'])}")
        elif e["do"] == "answer":
            rows.append(f"{who}: {e['text']}")
        elif e["do"] == "ask":
            rows.append(f"? {e['question']} — {e['answer']}")
        elif e["do"] == "fire":
            rows.append(f"{w('fire', lang)}: {s.inject_title(e['inject'])}")
        elif e["do"] == "skip":
            rows.append(f"{w('skip', lang)}: {s.inject_title(e['inject'])} ({e['reason']})")
        elif e["do"] == "defer":
            rows.append(f"{w('defer', lang)}: {s.inject_title(e['inject'])} +{e['hours']:g} h")
        elif e["do"] == "adhoc":
            rows.append(f"{w('adhoc', lang)} → {s.agent(e['target'])}: {e['text']}")
        elif e["do"] == "jump":
            rows.append(f"{w('jump', lang)}: T+{e['to_h']:g} h")
    items = "".join(f"<li>{esc(r)}</li>" for r in rows)
    return f'<section id="entries"><h2>{esc(w("recorded", lang))}</h2><ul>{items}</ul></section>'


def _option_label(s: Session, iid: str, option: str) -> str:
    inj = next((i for i in s.scenario.injects if i.id == iid), None)
    if inj is None:
        return option
    try:
        return inj.option(option).label(s.lang)
    except KeyError:
        return option


def _ahead(view: dict[str, Any], lang: str) -> str:
    rows = "".join(
        f"<tr><td>{esc(r['clock'] or w('trigger', lang))}</td><td>{esc(r['title'])}</td>"
        f"<td>{esc(r['target_name'])}</td></tr>"
        for r in view["ahead"]
    )
    return f'<section id="ahead"><h2>{esc(w("ahead", lang))}</h2><table>{rows}</table></section>'


def _rollup(s: Session) -> str:
    lang = s.lang
    rows = "".join(
        f"<tr><td>{esc(who)}</td>" + "".join(f"<td>{c[r]}</td>" for r in RATINGS) + "</tr>"
        for who, c in sorted(s.rollup().items())
    )
    head = "".join(f"<th>{esc(w(r, lang))}</th>" for r in RATINGS)
    return (
        f'<section id="rollup"><h2>{esc(w("rollup", lang))}</h2>'
        f"<table><tr><th></th>{head}</tr>{rows}</table></section>"
    )


def _fans(s: Session, room: bool = False) -> str:
    """The what-if fans: all of them for the controller, the revealed ones for the room."""
    lang = s.lang
    out = []
    for iid, fan in reversed(s.fans.items()):  # the latest decision first
        if room and not fan.get("revealed"):
            continue
        title = esc(s.inject_title(iid))
        head = f"<h2>{esc(w('fan', lang))} · {title}</h2>"
        if fan.get("status") in ("queued", "running"):
            done = f" {fan['done']}/{fan['total']}" if fan.get("total") else ""
            out.append(f"{head}<p>{esc(w('fan_' + fan['status'], lang))}{done}</p>")
            continue
        if fan.get("status") == "error":
            out.append(f"{head}<p class='err'>{esc(fan['error'])}</p>")
            continue
        options = fan["options"]
        head_row = f"<th>{esc(w('fan_col_objective', lang))}</th>" + "".join(
            f"<th>{esc(o['label'])}</th>" for o in options
        )
        rows = []
        for j, first in enumerate(options[0]["objectives"] if options else []):
            cells = []
            for opt in options:
                o = opt["objectives"][j]
                if o["median_h"] is None:
                    cells.append(f"<td>— · {100 * o['met_share']:.0f}%</td>")
                    continue
                cells.append(
                    f"<td><b>{o['median_h']:.1f}</b> h ({o['p10_h']:.1f}–{o['p90_h']:.1f}) · "
                    f"{100 * o['met_share']:.0f}%</td>"
                )
            rows.append(f"<tr><td>{esc(first['title'])}</td>{''.join(cells)}</tr>")
        if not rows:
            rows.append(f"<tr><td>{esc(w('fan_no_stake', lang))}</td></tr>")
        reveal = ""
        if not room and not fan.get("revealed"):
            reveal = _form(
                "reveal",
                f'<input type="hidden" name="inject" value="{esc(iid)}">',
                w("fan_reveal", lang),
            )
        out.append(
            f"{head}<table><tr>{head_row}</tr>{''.join(rows)}</table>"
            f"<p><small>{esc(w('fan_legend', lang))} "
            f"{esc(w('fan_note', lang, runs=fan['runs'], s=fan['seconds']))}</small></p>"
            f"{reveal}"
        )
    return f'<section id="fans">{"".join(out)}</section>' if out else ""


def _tf_log(s: Session, aid: str) -> str:
    lang = s.lang
    rows = []
    for h in s.history:
        inj = h["inject"]
        if inj is None or aid not in (inj["target"], inj["called"]):
            continue
        said = []
        for e in h["entries"]:
            if e["do"] == "choose":
                said.append(f"{w('decided', lang)}: {_option_label(s, h['at'], e['option'])}")
            elif e["do"] == "answer":
                said.append(f"{w('answered', lang)}: {e['text']}")
        rows.append(
            f"<tr><td>{esc(h['view']['situation']['clock'])}</td><td>{esc(inj['title'])}</td>"
            f"<td>{esc('; '.join(said))}</td></tr>"
        )
    return section("log", w("your_log", lang), f"<table>{''.join(rows)}</table>")


# -- form parts ----------------------------------------------------------------------------


def form_key(s: Session, role: str) -> str:
    """Changes when ``role``'s forms must be redrawn (a new pause, the end, a fan)."""
    stop = s.stop
    index = -1 if stop is None or stop.released else stop.index
    base = f"{index}|{s.finished}"
    if role == "control":
        return base + "|" + ",".join(f"{k}:{v.get('status')}" for k, v in s.fans.items())
    if role == "eval":
        return (
            base
            + "|"
            + ",".join(
                f"{r['pause']}:{(r['evaluation'] or {}).get('n', '')}" for r in s.checklist()
            )
        )
    return base


def _form(do: str, body: str, button: str) -> str:
    return (
        f'<form data-act method="post"><input type="hidden" name="do" value="{esc(do)}">'
        f'{body}<button type="submit">{esc(button)}</button><span class="err"></span></form>'
    )


def _answer_forms(inj: dict[str, Any], lang: str, title: str) -> str:
    if inj["type"] == "decision":
        radios = "".join(
            f'<label><input type="radio" name="option" value="{esc(o["id"])}"> '
            f"{esc(o['label'])}</label><br>"
            for o in inj["options"]
        )
        return (
            f"<section id='answer'><h2>{esc(title)}</h2><p>{esc(w('choose', lang))}</p>"
            + _form("choose", radios, w("send", lang))
            + "</section>"
        )
    return (
        f"<section id='answer'><h2>{esc(title)}</h2>"
        + _form(
            "answer",
            '<textarea name="text" rows="3" style="width:100%"></textarea><br>',
            w("send", lang),
        )
        + "</section>"
    )


def form_html(s: Session, role: str) -> str:
    """The part of ``role``'s view with its forms."""
    lang = s.lang
    inj, view = _current(s)
    open_ = s.stop is not None and not s.stop.released
    if role.startswith("tf-"):
        aid = role[3:]
        if inj is not None and aid in (inj["target"], inj["called"]):
            return _answer_forms(inj, lang, w("your_answer", lang))
        return ""
    if role == "eval":
        return _checklist(s)
    if role != "control":
        return ""
    parts = ['<main><p id="flash" class="err"></p>']
    if open_:
        if inj is not None:
            parts.append(_answer_forms(inj, lang, w("on_behalf", lang)))
        assert view is not None
        hold = (
            _form("resume", "", w("resume", lang))
            if s.held_since is not None
            else _form("hold", "", w("hold", lang))
        )
        parts.append(
            f"<section id='controls'><h2>{esc(w('control', lang))}</h2>"
            + _form("release", "", w("release", lang))
            + hold
            + "</section>"
        )
        parts.append(
            f"<section id='ask'><h2>{esc(w('ask', lang))}</h2>"
            + _form(
                "ask",
                f'{esc(w("question", lang))} <input name="question"><br>'
                f'{esc(w("answer", lang))} <input name="answer"><br>',
                w("send", lang),
            )
            + "</section>"
        )
        ahead = view["ahead"]
        opts = "".join(f'<option value="{esc(r["id"])}">{esc(r["title"])}</option>' for r in ahead)
        timed = "".join(
            f'<option value="{esc(r["id"])}">{esc(r["title"])}</option>'
            for r in ahead
            if r["timed"]
        )
        deck = "".join(
            f'<option value="{esc(i.id)}">{esc(s.inject_title(i.id))}</option>'
            for i in s.scenario.injects
        )
        parts.append(
            f"<section id='msel'><h2>{esc(w('ahead', lang))}</h2>"
            + _form("fire", f'<select name="inject">{opts}</select>', w("fire", lang))
            + _form(
                "skip",
                f'<select name="inject">{opts}</select> {esc(w("reason", lang))} '
                '<input name="reason">',
                w("skip", lang),
            )
            + _form(
                "defer",
                f'<select name="inject">{timed}</select> <input name="hours" size="4"> '
                f"{esc(w('hours', lang))}",
                w("defer", lang),
            )
            + f"<h2>{esc(w('deck', lang))}</h2>"
            + _form("fire", f'<select name="inject">{deck}</select>', w("fire", lang))
            + f"<h2>{esc(w('jump', lang))}</h2>"
            + _form(
                "jump", f'{esc(w("jump_to", lang))} <input name="to_h" size="5">', w("jump", lang)
            )
            + "</section>"
        )
        agents = "".join(
            f'<option value="{esc(a)}">{esc(s.agent(a))}</option>' for a in s.task_forces
        )
        parts.append(
            f"<section id='adhoc'><h2>{esc(w('adhoc', lang))}</h2>"
            + _form(
                "adhoc",
                f'<select name="target">{agents}</select><br>'
                '<textarea name="text" rows="2" style="width:100%"></textarea><br>',
                w("send", lang),
            )
            + "</section>"
        )
    parts.append("</main>")
    return "".join(parts)


def _devices(s: Session) -> str:
    lang = s.lang
    rows = []
    for did, d in s.devices.items():
        buttons = ""
        if d["status"] == "pending":
            buttons = _form(
                "approve",
                f'<input type="hidden" name="device" value="{esc(did)}">',
                w("approve", lang),
            ) + _form(
                "deny", f'<input type="hidden" name="device" value="{esc(did)}">', w("deny", lang)
            )
        rows.append(
            f"<tr><td>{esc(d['name'])}</td><td>{esc(role_name(s, d['role']))}</td>"
            f"<td>{esc(w(d['status'], lang) if d['status'] in WORDS else d['status'])}</td>"
            f"<td>{buttons}</td></tr>"
        )
    return (
        f"<section id='devices'><h2>{esc(w('devices', lang))}</h2>"
        f"<p>{esc(w('pin', lang))}: <b>{esc(s.pin)}</b></p><table>{''.join(rows)}</table></section>"
    )


def _checklist(s: Session) -> str:
    lang = s.lang
    rows = []
    for r in s.checklist():
        inj = r["inject"]
        ev = r["evaluation"]
        done = f"{w(ev['rating'], lang)} {ev['note']}" if ev else ""
        radios = "".join(
            f'<label><input type="radio" name="rating" value="{k}"> {esc(w(k, lang))}</label> '
            for k in RATINGS
        )
        form = _form(
            "evaluate",
            f'<input type="hidden" name="pause" value="{r["pause"]}">{radios}'
            f'<br>{esc(w("note", lang))} <input name="note">',
            w("send", lang),
        )
        who = inj["target_name"] or inj["called_name"]
        rows.append(
            f"<tr><td>{esc(r['clock'])}<br>{esc(inj['title'])}<br><small>{esc(who)}</small></td>"
            f"<td>{esc(inj['expected'])}</td><td><b>{esc(done)}</b>{form}</td></tr>"
        )
    return (
        f"<main><section id='checklist'><h2>{esc(w('checklist', lang))}</h2>"
        f"<table>{''.join(rows)}</table></section></main>"
    )


# -- whole pages ---------------------------------------------------------------------------


def view_page(s: Session, role: str) -> str:
    with s.cond:
        body = (
            f'<div id="state">{state_html(s, role)}</div><div id="form">{form_html(s, role)}</div>'
        )
        return page(
            f"drill · {role_name(s, role)}",
            body,
            s.lang,
            role,
            form_key(s, role),
            left=s.remaining_s(),
            held=s.held_since is not None,
        )


def join_page(s: Session, error: str = "") -> str:
    lang = s.lang
    roles = [("room", w("room", lang)), ("eval", w("eval", lang))] + [
        (f"tf-{a}", s.agent(a)) for a in s.task_forces
    ]
    opts = "".join(f'<option value="{esc(r)}">{esc(n)}</option>' for r, n in roles)
    body = (
        f"<main><section><h2>{esc(w('join', lang))}</h2>"
        '<form method="post" action="/join">'
        f'{esc(w("pin", lang))} <input name="pin" inputmode="numeric" autofocus><br>'
        f'{esc(w("your_role", lang))} <select name="role">{opts}</select><br>'
        f'{esc(w("device_name", lang))} <input name="name"><br>'
        f'<button type="submit">{esc(w("send", lang))}</button>'
        f'<p class="err">{esc(error)}</p></form></section></main>'
    )
    return page(w("join", lang), body, lang)


def wait_page(s: Session, denied: bool) -> str:
    lang = s.lang
    text = w("denied", lang) if denied else w("waiting_approval", lang)
    refresh = "" if denied else '<meta http-equiv="refresh" content="1">'
    return page(
        w("join", lang),
        f"{refresh}<main><section><p id='wait'>{esc(text)}</p></section></main>",
        lang,
    )


STATE_LINES = (
    ("contacts_identified", "#1d3557", ("密接判定", "contacts identified")),
    ("contacts_isolated", "#2a9d8f", ("密接隔离", "contacts isolated")),
    ("cases", "#e63946", ("确诊病例", "confirmed cases")),
)
"""The simulation state drawn under the debrief's slider: key, colour, legend."""


def state_chart(history: list[dict[str, Any]], lang: str, width: int = 1200) -> str:
    """The state at each pause as lines over simulated time (inline SVG), with one
    marker per pause that the slider moves (``data-i``)."""
    if not history:
        return ""
    height, pad = 160, 30
    ts = [h["view"]["situation"]["t"] for h in history]
    t0, t1 = min(ts), max(max(ts), min(ts) + 1)
    top = max(1, *(h["view"]["situation"][k] for h in history for k, _, _ in STATE_LINES))

    def x(t: float) -> float:
        return pad + (width - 2 * pad) * (t - t0) / (t1 - t0)

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * v / top

    parts = []
    for key, colour, _ in STATE_LINES:
        pts = " ".join(
            f"{x(t):.1f},{y(h['view']['situation'][key]):.1f}"
            for t, h in zip(ts, history, strict=True)
        )
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{pts}"/>')
    for i, t in enumerate(ts):
        on = " on" if i == 0 else ""
        parts.append(
            f'<line class="mark{on}" data-i="{i}" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{pad}" '
            f'y2="{height - pad}" stroke="#888" stroke-dasharray="3,3"/>'
        )
    legend = " ".join(
        f'<span style="color:{colour}">■ {esc(words[0] if lang == "zh" else words[1])}</span>'
        for _, colour, words in STATE_LINES
    )
    return (
        f'<svg id="chart" viewBox="0 0 {width} {height}" width="100%" role="img">'
        f'<text x="{pad}" y="{pad - 8}" font-size="12">{top}</text>{"".join(parts)}</svg>'
        f"<p>{legend}</p>"
    )


def debrief_page(s: Session) -> str:
    """Every pause of the session as a step of a timeline the controller scrubs through."""
    lang = s.lang
    with s.cond:
        steps = []
        for i, h in enumerate(s.history):
            inj = h["inject"]
            ev = s.evaluations.get(h["pause"])
            lines = [
                f"<p><b>{esc(h['view']['situation']['clock'])}</b></p>",
                _inject(inj, lang, control=True),
                _entries(s, h["entries"]),
            ]
            if ev is not None:
                lines.append(
                    section(
                        "evaluation",
                        w("evaluation", lang),
                        f"<p>{esc(w(ev['rating'], lang))} {esc(ev['note'])}</p>",
                    )
                )
            changed = "".join(
                f"<li>{esc(c['clock'])} {esc(c['text'])}</li>" for c in h["view"]["changes"]
            )
            if changed:
                lines.append(
                    f"<section><h2>{esc(w('changed', lang))}</h2><ul>{changed}</ul></section>"
                )
            lines.append(_situation(h["view"], lang))
            on = " on" if i == 0 else ""
            steps.append(f'<div class="step{on}" data-i="{i}">{"".join(lines)}</div>')
        n = max(0, len(steps) - 1)
        title = f"{w('debrief', lang)} · {s.scenario.meta.title(lang)}"
        body = (
            f"<header><h1>{esc(title)}</h1></header><main><section>"
            f'<input id="scrub" type="range" min="0" max="{n}" value="0" style="width:100%">'
            f"{state_chart(s.history, lang)}"
            f'<p id="pos">1 / {len(steps)}</p></section></main>'
            f'<div id="steps">{"".join(steps)}</div>'
            "<script>const r=document.getElementById('scrub');r.addEventListener('input',()=>{"
            "document.querySelectorAll('.step,.mark').forEach("
            "d=>d.classList.toggle('on',d.dataset.i===r.value));"
            "document.getElementById('pos').textContent=(+r.value+1)+' / '+(+r.max+1);});</script>"
        )
        return page(title, body, lang)
