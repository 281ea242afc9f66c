"""Typed settings, read once from the environment (see the contract's table)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.dialogue.responses import UNSET_SUPPORT_PHONE

PROJECT_DIR = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None


def _numbers(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    project_dir: Path = PROJECT_DIR
    environment: str = "production"
    redis_url: str | None = None
    key_prefix: str = "nh:"

    twilio_auth_token: str | None = None
    twilio_auth_token_secondary: str | None = None
    twilio_validate_signatures: bool = True
    twilio_account_sid: str | None = None
    twilio_phone_number: str | None = None
    twilio_api_base_url: str | None = None
    public_base_url: str | None = None
    # Proxies in front that set X-Forwarded-*: none unless configured, so that a client
    # reaching the app directly cannot name its own address (throttles, audit log).
    trusted_proxy_hops: int = 0

    specialist_phone: str | None = None
    staff_notify_numbers: tuple[str, ...] = ()
    # Staff texts a minute across the line; beyond that, one summary text a minute.
    staff_pages_per_minute: int = 10
    support_phone: str = UNSET_SUPPORT_PHONE
    business_hours: str = "Mon-Fri 08:00-18:00"
    timezone: str = "America/Los_Angeles"
    voice_name: str = "Polly.Joanna-Neural"
    voice_language: str = "en-US"
    voice_name_es: str = "Polly.Lupe-Neural"
    voice_language_es: str = "es-US"
    console_base_url: str | None = None
    # After an emergency, replies lead with 911 until staff resolve it or this many minutes pass.
    emergency_follow_up_minutes: int = 120
    # A support line for bereaved parents that the pharmacy trusts, offered with condolences.
    bereavement_resource: str = ""

    secret_key: str | None = field(default=None, repr=False)
    # Keys the digests that name conversations and phone numbers in Redis and in logs.
    pseudonym_key: str | None = field(default=None, repr=False)
    action_server_url: str | None = None
    # The Rasa REST channel and /model/parse ask for this bearer token when it is set.
    rest_api_token: str | None = field(default=None, repr=False)
    # REST_API_ENABLED=false: no /webhooks/rest/webhook and no /model/parse at all.
    rest_api_enabled: bool = True
    rest_rate_limit_per_minute: int = 60

    # The staff console: session cookie, idle timeout, login throttling.
    console_secure_cookies: bool = True
    console_session_minutes: int = 30
    console_login_max_failures: int = 5
    console_login_max_failures_per_ip: int = 20
    console_lockout_seconds: int = 15 * 60
    # scrypt checks across the line (every web process): at once, and a minute.
    console_password_checks_at_once: int = 2
    console_password_checks_per_minute: int = 30

    # Lifetimes of what we keep in Redis, in seconds (see README "Data lifetimes").
    conversation_ttl: int = 7 * 24 * 3600
    dedup_ttl: int = 48 * 3600
    # A conversation held by a process that died is free after one lease; waiting a
    # little longer than that still answers within Twilio's 15 s.
    lock_lease_ms: int = 10_000
    lock_acquire_timeout_ms: int = 12_000
    max_body_bytes: int = 64 * 1024

    # Operations (README "Running it at scale"): Prometheus, replication of what must not
    # be lost, the worker's own metrics port.
    metrics_token: str | None = field(default=None, repr=False)
    redis_wait_replicas: int = 0
    redis_wait_timeout_ms: int = 250
    worker_metrics_port: int | None = None

    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def development(self) -> bool:
        return self.environment == "development"

    @property
    def pseudonym_secret(self) -> bytes:
        """PSEUDONYM_KEY; outside production a fixed stand-in (local data only)."""
        from bot.records.keys import DEVELOPMENT_SECRET

        return self.pseudonym_key.encode() if self.pseudonym_key else DEVELOPMENT_SECRET

    @property
    def model_dir(self) -> Path:
        return self.project_dir / "models"

    @property
    def var_dir(self) -> Path:
        return self.project_dir / "var"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, object] = {
            "environment": env.get("BOT_ENV", "production").strip() or "production",
            "redis_url": env.get("REDIS_URL") or None,
            "key_prefix": env.get("REDIS_KEY_PREFIX", "nh:"),
            "twilio_auth_token": env.get("TWILIO_AUTH_TOKEN") or None,
            "twilio_auth_token_secondary": env.get("TWILIO_AUTH_TOKEN_SECONDARY") or None,
            "twilio_validate_signatures": _flag(env.get("TWILIO_VALIDATE_SIGNATURES"), True),
            "twilio_account_sid": env.get("TWILIO_ACCOUNT_SID") or None,
            "twilio_phone_number": env.get("TWILIO_PHONE_NUMBER") or None,
            "twilio_api_base_url": env.get("TWILIO_API_BASE_URL") or None,
            "public_base_url": (env.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
            "trusted_proxy_hops": _int(env, "TRUSTED_PROXY_HOPS", 0),
            "specialist_phone": env.get("SPECIALIST_PHONE") or None,
            "staff_notify_numbers": _numbers(env.get("STAFF_NOTIFY_NUMBERS")),
            "staff_pages_per_minute": _int(env, "STAFF_PAGES_PER_MINUTE", 10),
            "support_phone": env.get("SUPPORT_PHONE") or UNSET_SUPPORT_PHONE,
            "business_hours": env.get("BUSINESS_HOURS") or "Mon-Fri 08:00-18:00",
            "timezone": env.get("TIMEZONE") or "America/Los_Angeles",
            "voice_name": env.get("VOICE_NAME") or "Polly.Joanna-Neural",
            "voice_language": env.get("VOICE_LANGUAGE") or "en-US",
            "voice_name_es": env.get("VOICE_NAME_ES") or "Polly.Lupe-Neural",
            "voice_language_es": env.get("VOICE_LANGUAGE_ES") or "es-US",
            "console_base_url": (env.get("CONSOLE_BASE_URL") or "").rstrip("/") or None,
            "emergency_follow_up_minutes": _int(env, "EMERGENCY_FOLLOW_UP_MINUTES", 120),
            "bereavement_resource": (env.get("BEREAVEMENT_RESOURCE") or "").strip(),
            "secret_key": env.get("SECRET_KEY") or None,
            "pseudonym_key": env.get("PSEUDONYM_KEY") or None,
            "action_server_url": (env.get("ACTION_SERVER_URL") or "").rstrip("/") or None,
            "rest_api_token": (env.get("REST_API_TOKEN") or "").strip() or None,
            "rest_api_enabled": _flag(env.get("REST_API_ENABLED"), True),
            "rest_rate_limit_per_minute": _int(env, "REST_RATE_LIMIT_PER_MINUTE", 60),
            # Secure cookies everywhere but a local `make run`, which may be reached over
            # plain http from another device on the network.
            "console_secure_cookies": _flag(
                env.get("CONSOLE_SECURE_COOKIES"), env.get("BOT_ENV", "").strip() != "development"
            ),
            "console_session_minutes": _int(env, "CONSOLE_SESSION_MINUTES", 30),
            "console_login_max_failures": _int(env, "CONSOLE_LOGIN_MAX_FAILURES", 5),
            "console_login_max_failures_per_ip": _int(env, "CONSOLE_LOGIN_MAX_FAILURES_PER_IP", 20),
            "console_lockout_seconds": _int(env, "CONSOLE_LOCKOUT_SECONDS", 15 * 60),
            "console_password_checks_at_once": _int(env, "CONSOLE_PASSWORD_CHECKS_AT_ONCE", 2),
            "console_password_checks_per_minute": _int(env, "CONSOLE_PASSWORD_CHECKS_PER_MINUTE",
                                                       30),
            "conversation_ttl": _int(env, "CONVERSATION_TTL_SECONDS", 7 * 24 * 3600),
            "metrics_token": (env.get("METRICS_TOKEN") or "").strip() or None,
            "redis_wait_replicas": _int(env, "REDIS_WAIT_REPLICAS", 0),
            "redis_wait_timeout_ms": _int(env, "REDIS_WAIT_TIMEOUT_MS", 250),
            "worker_metrics_port": _int(env, "WORKER_METRICS_PORT", 0) or None,
        }
        if env.get("BOT_PROJECT_DIR"):
            values["project_dir"] = Path(env["BOT_PROJECT_DIR"]).resolve()
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        """Fail fast on settings that cannot work."""
        if self.environment not in {"development", "production", "test"}:
            raise SettingsError(
                f"BOT_ENV must be development, production or test, got {self.environment!r}"
            )
        if self.redis_url:
            from bot.records.redis_url import RedisUrlError, check_url

            try:
                check_url(self.redis_url)
            except RedisUrlError as exc:
                raise SettingsError(f"REDIS_URL {exc}") from None
        if self.redis_wait_replicas < 0 or self.redis_wait_timeout_ms < 1:
            raise SettingsError("REDIS_WAIT_REPLICAS must be 0 or more and REDIS_WAIT_TIMEOUT_MS "
                                "at least 1")
        if self.worker_metrics_port is not None and not 0 < self.worker_metrics_port < 65536:
            raise SettingsError("WORKER_METRICS_PORT must be between 1 and 65535, got "
                                f"{self.worker_metrics_port}")
        if self.public_base_url and not self.public_base_url.startswith(("http://", "https://")):
            raise SettingsError("PUBLIC_BASE_URL must start with http:// or https://")
        if self.environment == "production" and not self.pseudonym_key:
            raise SettingsError(
                "PSEUDONYM_KEY is not set: in production, conversations and phone numbers are "
                "named in Redis by an HMAC keyed with it. Set it once to a long random value "
                "and never change it (see the README, Privacy)")
        if self.environment == "production" and not self.public_base_url:
            raise SettingsError(
                "PUBLIC_BASE_URL is not set: in production it is the https:// origin Twilio "
                "calls (signatures are checked against it) and staff texts link to, e.g. "
                "https://support.example.org")
        if self.environment == "production" and not self.twilio_validate_signatures:
            raise SettingsError("TWILIO_VALIDATE_SIGNATURES=false is for development only: "
                                "in production every Twilio webhook must be signed")
        if self.environment == "production" and not self.console_secure_cookies:
            raise SettingsError("CONSOLE_SECURE_COOKIES=false is for development only: "
                                "serve the staff console over https")
        for name, value in (("EMERGENCY_FOLLOW_UP_MINUTES", self.emergency_follow_up_minutes),
                            ("CONSOLE_SESSION_MINUTES", self.console_session_minutes),
                            ("CONSOLE_LOGIN_MAX_FAILURES", self.console_login_max_failures),
                            ("CONSOLE_LOGIN_MAX_FAILURES_PER_IP",
                             self.console_login_max_failures_per_ip),
                            ("CONSOLE_LOCKOUT_SECONDS", self.console_lockout_seconds),
                            ("STAFF_PAGES_PER_MINUTE", self.staff_pages_per_minute),
                            ("CONSOLE_PASSWORD_CHECKS_AT_ONCE",
                             self.console_password_checks_at_once),
                            ("CONSOLE_PASSWORD_CHECKS_PER_MINUTE",
                             self.console_password_checks_per_minute)):
            if value < 1:
                raise SettingsError(f"{name} must be at least 1, got {value}")
        if self.trusted_proxy_hops < 0:
            raise SettingsError(f"TRUSTED_PROXY_HOPS must be 0 or more, got {self.trusted_proxy_hops}")
        if self.console_session_minutes > 12 * 60:
            raise SettingsError("CONSOLE_SESSION_MINUTES is at most 720 (a session ends after "
                                f"12 hours in any case), got {self.console_session_minutes}")
