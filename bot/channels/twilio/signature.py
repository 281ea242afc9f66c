"""Checking `X-Twilio-Signature` on every Twilio webhook, against the URL Twilio called.

That URL is `PUBLIC_BASE_URL` plus the path when it is set; otherwise the request's own
URL as the client saw it (scheme and host corrected by ProxyFix for a trusted proxy),
with the path and query exactly as sent. Two tokens are tried during a rotation.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from flask import Request, abort, request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)


def request_target(environ: dict[str, Any]) -> str:
    """The path and query as the client sent them (not un-escaped, no stray `?`)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw and not raw.startswith(("http://", "https://")):
        return raw
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    path = quote(path.encode("latin-1").decode("utf-8", "replace"), safe="/:@!$&'()*+,;=-._~%")
    query = environ.get("QUERY_STRING", "")
    return path + (f"?{query}" if query else "")


class TwilioSignatureCheck:
    def __init__(self, tokens: list[str], public_base_url: str | None, enabled: bool) -> None:
        self.validators = [RequestValidator(token) for token in tokens if token]
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self.enabled = enabled
        if not enabled:
            log.warning("TWILIO_VALIDATE_SIGNATURES is off: Twilio webhooks are NOT authenticated")
        elif not self.validators:
            log.warning("TWILIO_AUTH_TOKEN is not set: every Twilio webhook will be refused (403)")

    def url_for(self, req: Request) -> str:
        target = request_target(req.environ)
        if self.public_base_url:
            return self.public_base_url + target
        return f"{req.scheme}://{req.host}{target}"

    def is_valid(self, req: Request) -> bool:
        if not self.enabled:
            return True
        signature = req.headers.get("X-Twilio-Signature", "")
        # A signature is base64: anything else is refused here, before compare_digest
        # (which raises TypeError on non-ASCII text and would turn a 403 into an error).
        if not signature or not signature.isascii() or not self.validators:
            return False
        if req.mimetype not in {"application/x-www-form-urlencoded", ""}:
            # Twilio posts form-encoded bodies; a multipart body would be read as the form
            # but is not covered by the signature.
            return False
        url = self.url_for(req)
        params = req.form if req.mimetype == "application/x-www-form-urlencoded" else {}
        # The exact URL first (one HMAC); then twilio's full check, which also tries the
        # URL with and without the default port.
        return any(
            hmac.compare_digest(v.compute_signature(url, params), signature)
            or v.validate(url, params, signature)
            for v in self.validators
        )

    def require(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Decorate a view: 403 and nothing processed unless the signature is right."""

        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not self.is_valid(request):
                log.warning("refused a Twilio webhook with a missing or wrong signature on %r",
                            request.path[:200])
                abort(403)
            return view(*args, **kwargs)

        return checked
