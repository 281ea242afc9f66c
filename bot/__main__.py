"""The command line: `python -m bot serve|shell|train|test|validate|staff|worker`."""

from __future__ import annotations

import argparse
import sys

from bot import commands as cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="NH Support Line bot")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web server (all routes)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None,
                       help="default: the PORT environment variable, else 5005")
    serve.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: 2)")
    serve.add_argument("--no-worker", action="store_true",
                       help="do not start a background job worker alongside")

    commands.add_parser("shell", help="chat with the bot in the terminal")
    commands.add_parser("train", help="train the NLU model into models/")

    test = commands.add_parser("test", help="run test stories and NLU cross-validation")
    test.add_argument("--folds", type=int, default=5)
    test.add_argument("--stories", default=None, help="test stories file")

    commands.add_parser("validate", help="check config, domain, data and actions together")

    staff = commands.add_parser("staff", help="manage staff console users")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_commands.add_parser("add", help="create a user; the password is read from stdin")
    add.add_argument("name")
    add.add_argument("--phone", default=None,
                     help="a number (+15551234567) to text when a patient on their escalation "
                          "writes again; \"\" removes it, leaving it out keeps the one on record")
    staff_commands.add_parser("list", help="list the staff users, numbers masked")
    remove = staff_commands.add_parser("remove", help="remove a user; their sessions end at once")
    remove.add_argument("name")

    commands.add_parser("worker", help="run the background job worker (staff notifications)")

    args = parser.parse_args(argv)
    return cli.run(args)


if __name__ == "__main__":
    sys.exit(main())
