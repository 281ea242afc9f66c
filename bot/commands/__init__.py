"""What each command does. `bot/__main__.py` only parses the arguments."""

from __future__ import annotations

import argparse
import getpass
import itertools
import logging
import os
import socket
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from bot.logs import configure_logging
from bot.project import Project, ProjectError
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def run(args: argparse.Namespace) -> int:
    quiet = args.command in {"shell", "test", "validate"}
    configure_logging(os.environ.get("LOG_LEVEL", "WARNING" if quiet else "INFO"))
    commands = {
        "serve": serve,
        "shell": shell,
        "train": train,
        "test": test,
        "validate": validate,
        "staff": staff,
        "worker": worker,
    }
    try:
        return commands[args.command](args)
    except (ProjectError, SettingsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _settings() -> Settings:
    env = dict(os.environ)
    env.setdefault("BOT_ENV", "development")
    return Settings.from_env(env)


# -- train ----------------------------------------------------------------------------
def train(args: argparse.Namespace) -> int:
    from bot.nlu.model import train_project

    settings = _settings()
    started = time.perf_counter()
    _, path = train_project(Project(settings.project_dir), settings.model_dir)
    print(f"trained {path.relative_to(settings.project_dir)} in {time.perf_counter() - started:.1f} s")
    return 0


# -- serve ----------------------------------------------------------------------------
DEFAULT_PORT = 5005


def serve_port(given: int | None, env: Mapping[str, str]) -> int:
    """--port, else PORT (as the Procfile's gunicorn reads it), else 5005."""
    if given is None:
        raw = env.get("PORT", "").strip()
        if not raw:
            return DEFAULT_PORT
        try:
            given = int(raw)
        except ValueError:
            raise SettingsError(f"PORT must be a whole number, got {raw!r}") from None
    if not 1 <= given <= 65535:
        raise SettingsError(f"the port must be between 1 and 65535, got {given}")
    return given


def serve(args: argparse.Namespace) -> int:
    """Train if needed, start the embedded Redis if no REDIS_URL, then gunicorn (the
    Procfile's `web`) and, unless told not to, the job worker (the Procfile's `worker`),
    each started again if it dies (bot/commands/supervise.py)."""
    from bot.commands.supervise import Child, Supervisor
    from bot.nlu.model import load_or_train
    from bot.records.connection import resolve_redis_url

    port = serve_port(args.port, os.environ)
    settings = _settings()
    load_or_train(Project(settings.project_dir), settings.model_dir)
    url, embedded = resolve_redis_url(settings.redis_url, settings.var_dir)
    env = {**os.environ, "REDIS_URL": url, "BOT_ENV": settings.environment}
    if settings.development and not settings.secret_key:
        env["SECRET_KEY"] = _development_secret(settings.var_dir)
    if not (settings.console_base_url or settings.public_base_url):
        # Staff texts link to the console where this server listens (production
        # requires PUBLIC_BASE_URL, so this is a local run).
        env["CONSOLE_BASE_URL"] = f"http://{_reachable_host(args.host)}:{port}"
    gunicorn = [
        sys.executable, "-m", "gunicorn",
        "--config", str(settings.project_dir / "gunicorn.conf.py"),
        "--bind", f"{args.host}:{port}",
    ]
    if args.workers:
        gunicorn += ["--workers", str(args.workers)]
    children = [Child("the web server (gunicorn)", [*gunicorn, "bot.wsgi:app"], env,
                      settings.project_dir)]
    if not args.no_worker:
        children.append(Child("the job worker", [sys.executable, "-m", "bot", "worker"], env,
                              settings.project_dir))
    print(f"NH Support Line on http://{args.host}:{port}  (Ctrl-C to stop)", flush=True)
    try:
        return Supervisor(children).run()
    finally:
        if embedded is not None:
            embedded.stop()


def _reachable_host(host: str) -> str:
    """The name others reach a server on `host` by: this machine's for every interface."""
    return socket.gethostname() if host in {"0.0.0.0", "::", ""} else host


def _development_secret(var_dir: Path) -> str:
    """A per-checkout random key for local runs, so `make run` needs no set-up."""
    import secrets

    path = var_dir / "dev-secret-key"
    var_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


# -- shell ----------------------------------------------------------------------------
SHELL_CHANNEL = "cmdline"


def shell(args: argparse.Namespace) -> int:
    """Chat in the terminal. `/restart` starts a new conversation (a new sender id), so it
    works even when the last one was handed to a specialist, whose escalation stays open."""
    from bot.engine.messages import UserMessage
    from bot.parts import build_parts

    settings = _settings()
    services = build_parts(settings)
    processor = services.processor
    base = f"shell-{getpass.getuser()}-{os.getpid()}"
    numbers = itertools.count(2)
    sender = base
    metadata = {"channel": SHELL_CHANNEL}
    interactive = sys.stdin.isatty()
    bold, dim, reset = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")

    def say(texts: list[str]) -> None:
        for text in texts:
            print(f"{bold}bot>{reset} {text}")

    print(f"{dim}NH Support Line shell. Type a message; /restart starts over, /quit leaves.{reset}")
    try:
        while True:
            try:
                text = input("you> " if interactive else "")
            except EOFError:
                break
            text = text.strip()
            if not text:
                continue
            if text in {"/quit", "/exit"}:
                break
            if not interactive:
                print(f"you> {text}")
            if text == "/restart":
                handed_to = services.conversations.load(sender).handoff
                sender = f"{base}-{next(numbers)}"
                kept = f"; {handed_to} stays with a pharmacy specialist" if handed_to else ""
                print(f"{dim}(a new conversation{kept}){reset}")
                say(processor.start_session(sender, SHELL_CHANNEL, metadata).texts)
                continue
            result = processor.handle_message(
                UserMessage(text=text, sender_id=sender, input_channel=SHELL_CHANNEL,
                            metadata=metadata)
            )
            say(result.texts)
            if not result.replies and result.handed_off:
                print(f"{dim}(your message was passed to a pharmacy specialist; "
                      f"/restart starts a new conversation){reset}")
    finally:
        if services.embedded is not None:
            services.embedded.stop()
    return 0


# -- test and validate ------------------------------------------------------------------
def test(args: argparse.Namespace) -> int:
    """The project's checks first (as `validate`): a story run cannot see a response that
    only the code uses, or a placeholder that is never filled."""
    from bot.commands.check import run_tests

    settings = _settings()
    if _report_validation(settings, show_warnings=False):
        print("not testing an inconsistent project (see `python -m bot validate`)")
        return 1
    stories = Path(args.stories) if args.stories else None
    return run_tests(settings, folds=args.folds, stories_path=stories)


def validate(args: argparse.Namespace) -> int:
    settings = _settings()
    if _report_validation(settings, show_warnings=True):
        return 1
    print("config.yml, domain.yml, data/ and actions/ are consistent")
    return 0


def _report_validation(settings: Settings, *, show_warnings: bool) -> int:
    """Print what `validate_project` finds; the number of problems."""
    from bot.engine.validation import validate_project

    problems, warnings = validate_project(Project(settings.project_dir), settings)
    for warning in warnings if show_warnings else []:
        print(f"warning: {warning}")
    for problem in problems:
        print(f"error: {problem}")
    if problems:
        print(f"{len(problems)} problem(s) found")
    return len(problems)


# -- staff and worker -------------------------------------------------------------------
def staff(args: argparse.Namespace) -> int:
    """`staff add NAME [--phone +1...]` (the password from standard input), `staff list`,
    `staff remove NAME`."""
    from bot.console.users import StaffUsers
    from bot.privacy import mask_phone
    from bot.records.connection import client_for_url, resolve_redis_url
    from bot.records.keys import Keys

    settings = _settings()
    password = _new_password(args.name) if args.staff_command == "add" else None
    if password is None and args.staff_command == "add":
        return 1
    url, embedded = resolve_redis_url(settings.redis_url, settings.var_dir)
    try:
        users = StaffUsers(client_for_url(url), Keys(settings.key_prefix, settings.pseudonym_secret))
        if args.staff_command == "list":
            found = users.all()
            width = max([len(user.name) for user in found] + [4])
            print(f"{'name':<{width}}  phone (texted when a patient on their escalation writes)")
            for user in found:
                print(f"{user.name:<{width}}  {mask_phone(user.phone) if user.phone else '(none)'}")
            if not found:
                print("(no staff users: add one with `python -m bot staff add NAME`)")
            return 0
        if args.staff_command == "remove":
            removed = users.remove(args.name)
            print(f"staff user {args.name!r} removed" if removed else f"no staff user {args.name!r}")
            return 0 if removed else 1
        assert password is not None
        users.add(args.name, password, phone=args.phone)
    finally:
        if embedded is not None:
            embedded.stop()
    phone = users.phone(args.name)
    print(f"staff user {args.name!r} saved" + (f" (texts to {mask_phone(phone)})" if phone else ""))
    return 0


def _new_password(name: str) -> str | None:
    """Asked twice at a terminal; otherwise the first line of standard input."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"Password for {name}: ")
    if password != getpass.getpass("Again: "):
        print("error: the passwords differ", file=sys.stderr)
        return None
    return password


def worker(args: argparse.Namespace) -> int:
    from bot.jobs.worker import run_worker

    return run_worker(_settings())
