"""croftpost alerts: checks that met a protected pupil (headteacher only).

    croftpost alerts list [--all]
    croftpost alerts ack ID [--note TEXT]
"""

from __future__ import annotations

import argparse

from croftpost.commands.context import CliContext, out
from croftpost.core.alerts import Alert

_KINDS = {"protected_face": "face of a protected pupil in a photo",
          "protected_name": "name of a protected pupil in a post",
          "protection_refused": "an attempt to lift a protection or delete the pupil (refused)",
          "protection_kept": "the protection was put back when the pupil was imported again"}


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    alerts = commands.add_parser("alerts", parents=[common],
                                 help="checks that met a protected pupil (headteacher)")
    sub = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", parents=[common], help="open alerts")
    lst.add_argument("--all", action="store_true", help="include acknowledged alerts")
    lst.set_defaults(handler=_list)
    ack = sub.add_parser("ack", parents=[common], help="acknowledge an alert")
    ack.add_argument("alert_id", type=int, metavar="ID")
    ack.add_argument("--note", default="", metavar="TEXT", help="what was done about it")
    ack.set_defaults(handler=_ack)


def describe(alert: Alert) -> str:
    times = f" ({alert.times} times)" if alert.times > 1 else ""
    state = "open" if alert.open else f"acknowledged by {alert.acknowledged_by}"
    who = alert.pupil_name or "deleted pupil"
    return (f"{alert.id:>4}  {alert.first_at[:16].replace('T', ' ')}  {alert.actor:<14} "
            f"{_KINDS.get(alert.kind, alert.kind)}: {alert.pupil_id} {who}{times}  [{state}]")


def _list(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    alerts = ctx.services.alerts.alerts(ctx.login(), include_acknowledged=args.all)
    if not alerts:
        out("No alerts.")
    for alert in alerts:
        out(describe(alert))
    return 0


def _ack(args: argparse.Namespace) -> int:
    ctx = CliContext(args)
    alert = ctx.services.alerts.acknowledge(ctx.login(), args.alert_id, args.note)
    out(f"Acknowledged alert {alert.id}.")
    return 0
