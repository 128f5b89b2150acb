"""The ``drill`` command: a thin layer over the package API.

Exit codes: 0 success, 2 bad input (scenario, plan, arguments), 1 anything else.
Errors are one readable line each on stderr; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import logging
import sys
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sim.api import FLAGSHIP, default_out, run_drill, write_run
from sim.errors import DrillInputError, RunStopped
from sim.heartbeat import heartbeat, wanted
from sim.language import load_scenario
from sim.logs import configure_logging
from sim.outdir import check_target
from sim.scenario import ScenarioError
from sim.scenario.limits import MAX_RUNS, MAX_SEED
from sim.scenario.source import ScenarioWarning
from sim.textsafe import markup, plain

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="drill — simulate an epidemic-response tabletop drill (桌面推演).",
    pretty_exceptions_enable=False,
)

PlanOpt = Annotated[
    list[Path] | None,
    typer.Option("--plan", "-p", help="plan overlay file; repeat to apply several in order"),
]
_state = {"debug": False}
ReportDateOpt = Annotated[
    str | None,
    typer.Option(
        help="date the improvement plan counts from, YYYY-MM-DD "
        "(default: SOURCE_DATE_EPOCH when set, else today)"
    ),
]


class BadInput(Exception):
    """An argument that cannot be used (exit code 2)."""


def _check_lang(value: str) -> str:
    """Every command speaks zh (default) or en; anything else is a usage error (exit 2)."""
    if value not in ("zh", "en"):
        raise typer.BadParameter("must be zh or en")
    return value


def _version(value: bool) -> None:
    if value:
        from sim import __version__

        typer.echo(f"drill {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="show tracebacks")] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="more diagnostics (-vv: debug)")
    ] = 0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="errors only: no warnings or progress")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="print the version"),
    ] = False,
) -> None:
    _state["debug"] = debug
    configure_logging(-1 if quiet else verbose + (1 if debug else 0))


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    plan: PlanOpt = None,
) -> None:
    """Check a scenario (and plans): exit 0 when valid, else one line per problem, exit 2."""
    scn = load_scenario(scenario, plan or [])
    typer.echo(
        f"{scenario}: valid ({len(scn.agents)} agents, {len(scn.objectives)} objectives"
        + (f", plans: {', '.join(p.id for p in scn.applied_plans)}" if scn.applied_plans else "")
        + ")"
    )


@app.command()
def run(
    scenario: Annotated[
        Path | None, typer.Argument(help="scenario YAML (default: the bundled flagship)")
    ] = None,
    plan: PlanOpt = None,
    seed: Annotated[int | None, typer.Option(help="random seed (default: the scenario's)")] = None,
    out: Annotated[Path | None, typer.Option(help="output directory")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    lang: Annotated[
        str, typer.Option(help="language of the summary and report: zh or en", callback=_check_lang)
    ] = "zh",
    no_report: Annotated[
        bool, typer.Option("--no-report", help="skip the after-action report")
    ] = False,
    report_date: ReportDateOpt = None,
) -> None:
    """Run one scripted drill; write the event log, summary and after-action report
    (in zh, and in the --lang language beside it)."""
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise BadInput(f"--seed must be within 0 … {MAX_SEED}")
    scn = load_scenario(scenario or FLAGSHIP, plan or [])
    target = out or default_out(scn, scn.meta.seed if seed is None else seed)
    check_target(target)  # before the run: refuse a directory drill did not write
    status = "正在模拟…" if lang == "zh" else "simulating…"
    with heartbeat(lambda: status, wanted(as_json)):
        result = run_drill(scn, seed)
    target = write_run(result, target)
    html = None
    if not no_report:
        if lang != "zh":
            _write_report(target, "zh", report_date)
        html = _write_report(target, lang, report_date)
    if as_json:
        typer.echo(json.dumps(result.summary, ensure_ascii=False, indent=2))
        return
    _print_summary(result.summary, target, lang)
    if html is not None:
        typer.echo(("评估报告: " if lang == "zh" else "report: ") + str(html))


@app.command()
def report(
    directory: Annotated[Path, typer.Argument(help="run or comparison directory")],
    lang: Annotated[
        str, typer.Option(help="report language: zh or en", callback=_check_lang)
    ] = "zh",
    report_date: ReportDateOpt = None,
) -> None:
    """Write the after-action report (report.html, report.md, improvement_plan.csv) of a
    run, or the report of a comparison; another language than zh goes to report.<lang>.*
    beside the Chinese one."""
    typer.echo(str(_write_report(directory, lang, report_date)))


@app.command()
def play(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="scenario YAML file (with --resume: the journal's by default)"),
    ] = None,
    plan: PlanOpt = None,
    answers: Annotated[
        Path | None,
        typer.Option(help="replay recorded answers or a session journal (YAML) without a terminal"),
    ] = None,
    resume: Annotated[
        Path | None, typer.Option(help="continue a session where its journal stops")
    ] = None,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve", help="run the session in browsers: room, control, task forces, evaluators"
        ),
    ] = False,
    host: Annotated[
        str, typer.Option(help="address to serve on (--serve); others reach it only if named")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to serve on (--serve)")] = 8765,
    journal: Annotated[
        Path | None,
        typer.Option(help="session journal to write (default: beside the output directory)"),
    ] = None,
    answer_minutes: Annotated[
        float, typer.Option(help="minutes the room has to answer an inject (the countdown)")
    ] = 10.0,
    fan_runs: Annotated[
        int,
        typer.Option(
            help="paired replications per option of a decision's what-if fan (--serve; 0: none)"
        ),
    ] = 20,
    lang: Annotated[
        str | None,
        typer.Option(
            help="language of the console and views: zh or en (default: zh; with --resume: "
            "the session's)",
            callback=lambda v: v if v is None else _check_lang(v),
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="random seed (default: the answer file's, the scenario's)")
    ] = None,
    save: Annotated[Path | None, typer.Option(help="write the session as an answer file")] = None,
    out: Annotated[Path | None, typer.Option(help="output directory")] = None,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="skip the after-action report")
    ] = False,
    report_date: ReportDateOpt = None,
) -> None:
    """Play the drill: pause at each inject for the room's choice or answer, in the terminal
    or in browsers (--serve); every answer and action goes to a journal that --resume
    continues.  Ends by writing the run directory and the after-action report."""
    from sim.injects.answers import load_answers
    from sim.live.console import LiveConsole
    from sim.live.host import journal_path, new_journal, play_outputs
    from sim.live.journal import (
        JournalWriter,
        NullWriter,
        is_journal,
        load_journal,
        read_session,
    )
    from sim.live.play import play_drill
    from sim.live.session import Session

    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise BadInput(f"--seed must be within 0 … {MAX_SEED}")
    if resume is not None and answers is not None:
        raise BadInput("give --resume or --answers, not both")
    if not 0 < answer_minutes <= 24 * 60:
        raise BadInput("--answer-minutes must be more than 0 and at most a day (1440)")
    if not 1 <= port <= 65535:
        raise BadInput("--port must be within 1 … 65535")
    if fan_runs != 0 and not 20 <= fan_runs <= MAX_RUNS:
        raise BadInput(f"--fan-runs must be 0 (no fan) or within 20 … {MAX_RUNS}")
    if serve and answers is not None:
        raise BadInput("--answers replays without a room; drop --serve")
    recorded = None
    if resume is not None:
        head = read_session(resume)
        scenario = scenario or Path(head["file"])
        plan = plan or [Path(p) for p in head.get("plans") or []]
        out = out or (Path(head["out"]) if isinstance(head.get("out"), str) else None)
        lang = lang or (head["lang"] if head.get("lang") in ("zh", "en") else None)
    lang = lang or "zh"
    if scenario is None:
        raise BadInput("name the scenario file (or --resume a journal)")
    scn = load_scenario(scenario, plan or [])
    if resume is not None:
        recorded = load_journal(resume, scn)
        seed = recorded.sheet.seed if seed is None else seed
    if out is not None:
        check_target(out)  # before the session: refuse a directory drill did not write
    if answers is not None and not is_journal(answers):
        sheet = load_answers(answers, scn)
        result = play_drill(scn, seed, answers=sheet)
        target = write_run(result, out or default_out(scn, result.seed))
        if save is not None:
            sheet.seed = result.seed
            sheet.save(save)
        _play_report(target, lang, no_report, report_date, result.summary)
        return
    if answers is not None:
        recorded = load_journal(answers, scn)
        seed = recorded.sheet.seed if seed is None else seed
    run_seed = scn.meta.seed if seed is None else seed
    target = out or default_out(scn, run_seed)
    check_target(target)
    live = answers is None
    if live and not serve and not sys.stdin.isatty():
        raise BadInput("live play needs a terminal; replay a session with --answers FILE")
    if resume is not None:
        writer: JournalWriter = JournalWriter(resume)
    elif live:
        path = journal or journal_path(target)
        writer = new_journal(path, scn, run_seed, scenario, plan or [], lang, target)
    else:
        writer = NullWriter()
    driver = LiveConsole(lang) if live and not serve else None
    session = Session(
        scn,
        run_seed,
        writer,
        recorded,
        lang,
        answer_minutes=answer_minutes,
        driver=driver,
        live=live,
    )

    def on_finish(done: Session) -> None:
        assert done.result is not None
        play_outputs(done, target, lambda d, lg: _write_report(d, lg, report_date), no_report)
        if save is not None:
            done.sheet().save(save)
        if not serve:
            return
        for key, value in done.outputs.items():
            typer.echo(f"{key}: {value}")

    if live:
        typer.echo(("推演记录: " if lang == "zh" else "session journal: ") + str(writer.path))
    if serve:
        from sim.experiment.fan import what_if_fan
        from sim.experiment.runner import default_workers
        from sim.live.server import serve as serve_session

        session.fan_runs, session.can_fan = fan_runs, fan_runs > 0
        workers = default_workers()

        def fan(
            iid: str, premises: dict[str, str], progress: Callable[[int, int], None]
        ) -> dict[str, Any]:
            return what_if_fan(
                scn, iid, premises, fan_runs, run_seed, workers, lang, progress=progress
            )

        serve_session(session, host, port, fan if fan_runs else None, on_finish, typer.echo)
        if not session.finished:
            _resume_hint(writer.path, lang)
            raise typer.Exit(130)
        return
    try:
        session.run(on_finish)
    except KeyboardInterrupt:  # Ctrl-C or Ctrl-D at a prompt: the journal is on disk
        _resume_hint(writer.path, lang)
        raise typer.Exit(130) from None
    assert session.result is not None
    _print_summary(session.result.summary, target, lang)
    for key, value in session.outputs.items():
        typer.echo(f"{key}: {value}")


def _resume_hint(path: Path, lang: str) -> None:
    if lang == "zh":
        typer.echo(f"推演已保存：{path}；继续：drill play --resume {path}", err=True)
    else:
        typer.echo(f"session saved in {path}; continue with: drill play --resume {path}", err=True)


def _play_report(
    target: Path, lang: str, no_report: bool, report_date: str | None, summary: dict[str, Any]
) -> None:
    """What ``drill run`` writes and says after the run, for a replayed answer file."""
    html = None
    if not no_report:
        if lang != "zh":
            _write_report(target, "zh", report_date)
        html = _write_report(target, lang, report_date)
    _print_summary(summary, target, lang)
    if html is not None:
        typer.echo(("评估报告: " if lang == "zh" else "report: ") + str(html))


@app.command()
def network(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    plan: PlanOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the analysis as JSON")] = False,
    out: Annotated[Path | None, typer.Option(help="directory for network.png")] = None,
    lang: Annotated[
        str, typer.Option(help="language of text and drawing: zh or en", callback=_check_lang)
    ] = "zh",
    run_dir: Annotated[
        Path | None, typer.Option("--run", help="run directory: colour the drawing by load")
    ] = None,
) -> None:
    """Responsibility analysis: R/A per subject, gaps, single points of failure, overload."""
    from sim.network.cli import network_command

    if run_dir is not None and not (run_dir / "events.jsonl").is_file():
        raise BadInput(f"--run {run_dir}: no events.jsonl there")
    scn = load_scenario(scenario, plan or [])
    typer.echo(network_command(scn, as_json=as_json, out=out, lang=lang, run_dir=run_dir))


@app.command()
def epi(
    r0: Annotated[
        list[float] | None, typer.Option("--r0", help="mean offspring; repeat for the plot")
    ] = None,
    k: Annotated[float, typer.Option(help="dispersion of the offspring distribution (> 0)")] = 0.16,
    initial_cases: Annotated[int, typer.Option(help="initial cases")] = 20,
    traced: Annotated[
        list[float] | None, typer.Option(help="share of contacts traced; repeat for the plot")
    ] = None,
    delay: Annotated[str, typer.Option(help="onset-to-isolation delay: short or long")] = "short",
    presymptomatic: Annotated[
        float, typer.Option(help="share of presymptomatic transmission")
    ] = 0.15,
    asymptomatic: Annotated[float, typer.Option(help="share of asymptomatic cases")] = 0.0,
    quarantine: Annotated[bool, typer.Option("--quarantine/--no-quarantine")] = False,
    r0_isolated: Annotated[float, typer.Option(help="mean offspring after isolation")] = 0.0,
    runs: Annotated[int, typer.Option(help="simulations per setting")] = 1000,
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
    out: Annotated[Path | None, typer.Option(help="write p(control) vs traced plot here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    model: Annotated[
        str, typer.Option(help="ringbp-1.0 (corrected package) or hellewell-2020 (paper's code)")
    ] = "ringbp-1.0",
) -> None:
    """Run the reference transmission model (Hellewell et al. 2020 / ringbp 1.0) alone."""
    from sim.epidemic.cli import run_epi

    run_epi(
        model=model,
        r0s=r0 or [2.5],
        traced=traced or [0.0],
        options={
            "k": k,
            "initial_cases": initial_cases,
            "delay": delay,
            "presymptomatic": presymptomatic,
            "asymptomatic": asymptomatic,
            "quarantine": quarantine,
            "r0_isolated": r0_isolated,
        },
        runs=runs,
        seed=seed,
        out=out,
        as_json=as_json,
        bad_input=BadInput,
    )


_RUN_OPTS_HELP = "replications per plan"


def _experiment_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Map an interrupted experiment onto exit code 130 (bad input is mapped by :func:`main`)."""
    from sim.experiment import Interrupted

    try:
        return fn(*args, **kwargs)
    except Interrupted as err:
        print(f"drill: {_as_flags(str(err))}", file=sys.stderr)
        raise typer.Exit(130) from None


def _finish_experiment(doc: dict, out: Path, as_json: bool, lang: str, sweep: bool) -> None:
    from sim.experiment import build_report_if_available
    from sim.experiment.table import print_comparison, print_sweep

    built, message = build_report_if_available(out, lang)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False))
        return
    console = Console()
    if sweep:  # one arm per value: the sweep tables, not a table as wide as the sweep
        print_sweep(doc, lang, console)
    else:
        print_comparison(doc, lang, console)
    console.print(("输出目录: " if lang == "zh" else "written to: ") + markup(out))
    console.print(markup(message) if built else f"[dim]{markup(message)}[/dim]")


@app.command()
def compare(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file (the baseline plan)")],
    plan: PlanOpt = None,
    runs: Annotated[int, typer.Option(help=_RUN_OPTS_HELP)] = 100,
    seed: Annotated[int | None, typer.Option(help="base seed (default: the scenario's)")] = None,
    workers: Annotated[
        int | None, typer.Option(help="local processes (default: all cores)")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler tcp://HOST:PORT, or 'local'")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="comparison directory")] = None,
    resume: Annotated[
        bool, typer.Option(help="finish a stored comparison; refuse if changed")
    ] = False,
    precision: Annotated[
        list[str] | None,
        typer.Option(help="CI half-width: H (relative to the mean) or METRIC=H; repeatable"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print comparison.json")] = False,
    lang: Annotated[
        str, typer.Option(help="language of tables and report: zh or en", callback=_check_lang)
    ] = "zh",
) -> None:
    """Compare plans over many paired replications; write results.sqlite and comparison.json."""
    from sim.experiment import compare as run_compare
    from sim.experiment import parse_precision

    doc, target = _experiment_call(
        run_compare,
        scenario,
        plan or [],
        runs=runs,
        seed=seed,
        out=out,
        resume=resume,
        workers=workers,
        scheduler=scheduler,
        quiet=as_json,
        precision=_experiment_call(parse_precision, precision or []),
    )
    _finish_experiment(doc, target, as_json, lang, sweep=False)


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    vary: Annotated[
        list[str],
        typer.Option(help="PATH=2,4,6 or PATH=2:12:2 (dotted scenario path); repeatable"),
    ],
    plan: PlanOpt = None,
    objective: Annotated[str | None, typer.Option(help="objective id to plan for")] = None,
    target: Annotated[float, typer.Option(help="required probability of meeting it")] = 0.95,
    runs: Annotated[int, typer.Option(help=_RUN_OPTS_HELP)] = 100,
    seed: Annotated[int | None, typer.Option(help="base seed (default: the scenario's)")] = None,
    workers: Annotated[
        int | None, typer.Option(help="local processes (default: all cores)")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler tcp://HOST:PORT, or 'local'")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="sweep directory")] = None,
    resume: Annotated[bool, typer.Option(help="finish a stored sweep; refuse if changed")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print comparison.json")] = False,
    lang: Annotated[
        str, typer.Option(help="language of tables and report: zh or en", callback=_check_lang)
    ] = "zh",
) -> None:
    """Capacity sweep: the smallest value meeting an objective with probability >= target."""
    from sim.experiment import sweep as run_sweep

    doc, target_dir = _experiment_call(
        run_sweep,
        scenario,
        vary,
        plans=plan or [],
        objective=objective,
        target=target,
        runs=runs,
        seed=seed,
        out=out,
        resume=resume,
        workers=workers,
        scheduler=scheduler,
        quiet=as_json,
    )
    _finish_experiment(doc, target_dir, as_json, lang, sweep=True)


def _write_report(directory: Path, lang: str, report_date: str | None = None) -> Path:
    from sim.report import write_report  # deferred: matplotlib is slow to import

    return write_report(directory, lang, _date(report_date))


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"--report-date {text!r}: not a date (YYYY-MM-DD)") from None


def _print_summary(summary: dict, target: Path, lang: str) -> None:
    console = Console()
    zh = lang == "zh"
    console.print(
        f"[bold]{markup(summary['title'][lang])}[/bold]  seed={summary['seed']}  "
        + (f"事件 {summary['events']} 条" if zh else f"{summary['events']} events")
    )
    inf, con = summary["infections"], summary["contacts"]
    counts = (inf["total"], inf["local"], inf["imported"])
    people = (con["exposed"], con["identified"], con["isolated"])
    console.print(
        "感染 {} 人（本地 {}，输入 {}）；".format(*counts)
        + "密接 暴露 {} / 判定 {} / 隔离 {}".format(*people)
        if zh
        else "infections {} (local {}, imported {}); ".format(*counts)
        + "contacts exposed {} / identified {} / isolated {}".format(*people)
    )
    table = Table(title="目标评估" if zh else "Objectives")
    for col in (
        ("目标", "科目", "标准", "实际", "评级")
        if zh
        else ("objective", "subject", "standard", "achieved", "rating")
    ):
        table.add_column(col)
    from sim.report.locale import subject

    for o in summary["objectives"]:
        unit = o["unit"][lang]
        achieved = "—" if o["achieved"] is None else f"{o['achieved']:.2f}".rstrip("0").rstrip(".")
        table.add_row(
            markup(o["title"][lang]),
            markup(subject(o["subject"], lang)),
            markup(f"{o['standard']:g} {unit}"),
            markup(achieved if o["achieved"] is None else f"{achieved} {unit}"),
            markup(o["rating"]),
        )
    console.print(table)
    console.print(("输出目录: " if zh else "written to: ") + markup(target))


_FLAGS = {
    name: "--" + name.replace("_", "-")
    for name in (
        "runs", "workers", "seed", "precision", "vary", "resume", "out", "target",
        "objective", "scheduler", "initial_cases",
    )
}  # fmt: skip
"""Experiment arguments as the library names them (in backticks) → the flags typed here."""


def _as_flags(text: str) -> str:
    """A library message as this command line says it: `` `runs` `` becomes ``--runs``."""
    for name, flag in _FLAGS.items():
        text = text.replace(f"`{name}`", flag)
    return text


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """A scenario warning goes to the ``sim`` logger: one located line on stderr, like an
    error (exit code unchanged), silenced by ``--quiet``."""
    if isinstance(message, ScenarioWarning):
        logging.getLogger("sim.scenario").warning("%s", message.problem)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


_default_showwarning = warnings.showwarning


def main() -> None:
    """Console entry point: map failures onto exit codes and one-line messages."""
    warnings.showwarning = _show_warning
    warnings.simplefilter("always", ScenarioWarning)  # every command says it again
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:  # click returns typer.Exit's code without raising
            sys.exit(code)
    except ScenarioError as err:
        for line in err.lines():
            print(_as_flags(line), file=sys.stderr)
        sys.exit(2)
    except (BadInput, DrillInputError) as err:
        print(f"drill: error: {_as_flags(str(err))}", file=sys.stderr)
        sys.exit(2)
    except RunStopped as err:
        print(f"drill: error: {_as_flags(plain(err))}", file=sys.stderr)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("drill: aborted", file=sys.stderr)
        sys.exit(130)
    except typer.exceptions.TyperException as exc:  # usage errors: one line, exit 2
        message = getattr(exc, "format_message", None)
        text = message() if message is not None else str(exc)
        print(f"drill: error: {text} (see drill --help)", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 2))
    except Exception as exc:  # the last line of defence of a CLI
        if _state["debug"]:
            raise
        text = " ".join(plain(exc).split())  # one line, whatever the exception says
        print(f"drill: error: {type(exc).__name__}: {text}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
