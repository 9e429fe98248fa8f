"""Email: messages in plain text and HTML, in the visitor's language, sent over SMTP.

Templates live in ``templates/email/<name>.txt`` and ``<name>.html``. With MAIL_SERVER
set, messages go to that server (STARTTLS with MAIL_USE_TLS, TLS from the start with
MAIL_USE_SSL, login with MAIL_USERNAME/MAIL_PASSWORD), by default from a background
thread so a page takes as long whether or not it sent mail. Without a server, each
message is written to ``instance/outbox/<timestamp>-<slug>.eml`` and the log says where,
so a developer can open the link in it. Addresses, links and bodies never go to the log.

A message is written in the language of the request that causes it (Indonesian unless
the visitor chose English); a job handed to :func:`run_in_background` keeps that
language, so callers translate subjects with ``gettext`` where they send.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from functools import cache
from typing import Callable, Mapping
from urllib.parse import urljoin

from flask import Flask, current_app, g, has_request_context, render_template, request, url_for
from flask_babel import force_locale, get_locale

from app import clock
from app.web import slugify

log = logging.getLogger(__name__)

#: Delivery threads still running (so tests and shutdown can wait for them).
_pending: set[threading.Thread] = set()
_pending_lock = threading.Lock()

SMTP_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_TLS",
                 "MAIL_USE_SSL", "MAIL_TIMEOUT")


def init_app(app: Flask) -> None:
    """Check the mail settings once, at start."""
    from app import ConfigurationError

    config = app.config
    if config["MAIL_USE_TLS"] and config["MAIL_USE_SSL"]:
        raise ConfigurationError("MAIL_USE_TLS (STARTTLS, port 587) and MAIL_USE_SSL (port 465) "
                                 "exclude each other; set one")
    if "@" not in parseaddr(config["MAIL_FROM"])[1]:
        raise ConfigurationError(f"MAIL_FROM={config['MAIL_FROM']!r} is not an email address")
    if config["APP_ENV"] == "production" and not config["MAIL_SERVER"]:
        # Only with MAIL_OUTBOX=1 (create_app refuses otherwise).
        log.warning("MAIL_OUTBOX is on: emails are written to %s and not sent", outbox_dir(app))


def outbox_dir(app: Flask) -> Path:
    return Path(app.instance_path) / "outbox"


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for an email: on PUBLIC_URL when set, else on the request's host."""
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return urljoin(base + "/", url_for(endpoint, **values).lstrip("/"))


def build_message(to: str, subject: str, template: str, **context) -> EmailMessage:
    """Render ``email/<template>.txt`` and ``.html`` into one message for one address."""
    config = current_app.config
    context = {"subject": subject, "site_name": config["SITE_NAME"], **context}
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Date"] = format_datetime(clock.now())
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    # RFC 3834: no vacation replies to automatic messages.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render_template(f"email/{template}.txt", **context))
    message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    return message


def send_email(to: str, subject: str, template: str, **context) -> None:
    """Build a message and send it (or write it to the outbox when there is no server)."""
    deliver(build_message(to, subject, template, **context))


def deliver(message: EmailMessage) -> None:
    """Send a built message the way the app is configured to."""
    app = current_app._get_current_object()
    if not app.config["MAIL_SERVER"]:
        path = write_to_outbox(outbox_dir(app), message)
        log.warning("Email not sent (MAIL_SERVER is not set): written to %s", path)
        return
    settings = {key: app.config[key] for key in SMTP_SETTINGS}
    if not app.config["MAIL_SEND_IN_BACKGROUND"] or g.get("mail_job"):
        _send_and_log(settings, message)
        return
    _start(_send_in_background, settings, message)


def run_in_background(job: Callable[..., None], *args) -> None:
    """Run ``job(*args)`` after the response, in an app context, sending its mail from there.

    Pages that may or may not send mail depending on who asks (reset, resend, register)
    hand the *same* job to this function for every request, so the page does the same
    work whether or not the address is registered and its timing tells nothing.
    """
    app = current_app._get_current_object()
    if not app.config["MAIL_SEND_IN_BACKGROUND"]:
        job(*args)
        return
    # Links in the mail are built from PUBLIC_URL, else from the address this request came to.
    base_url = app.config.get("PUBLIC_URL") or (request.host_url if has_request_context() else None)
    # The mail is written in the language of the request that caused it.
    locale = get_locale()
    _start(_run_job, app, base_url, str(locale) if locale is not None else None, job, args)


def _run_job(app: Flask, base_url: str | None, locale: str | None, job: Callable[..., None],
             args: tuple) -> None:
    try:
        with app.test_request_context(base_url=base_url) if base_url else app.app_context():
            g.mail_job = True
            try:
                with force_locale(locale or app.config["BABEL_DEFAULT_LOCALE"]):
                    job(*args)
            except Exception:  # a background job must not die silently, nor log personal data
                log.exception("Background mail job %s failed", getattr(job, "__name__", "job"))
    finally:
        with _pending_lock:
            _pending.discard(threading.current_thread())


def _start(target, *args) -> None:
    thread = threading.Thread(target=target, args=args, name="mail-delivery")
    with _pending_lock:
        _pending.add(thread)
    # Not a daemon: a worker shutting down finishes handing over its mail first.
    thread.start()


def wait_for_deliveries(timeout: float = 10.0) -> None:
    """Wait until background deliveries started so far have finished."""
    with _pending_lock:
        threads = list(_pending)
    for thread in threads:
        thread.join(timeout)


def _send_in_background(settings: Mapping, message: EmailMessage) -> None:
    try:
        _send_and_log(settings, message)
    finally:
        with _pending_lock:
            _pending.discard(threading.current_thread())


def _send_and_log(settings: Mapping, message: EmailMessage) -> bool:
    """Send; on failure log what went wrong, but not the address or the content."""
    try:
        smtp_send(settings, message)
    except smtplib.SMTPResponseException as exc:
        log.error("Email %s not sent: the SMTP server answered %s", message["Message-ID"],
                  exc.smtp_code)
    except (smtplib.SMTPException, OSError) as exc:
        # SMTPRecipientsRefused and friends carry the addresses: log the kind only.
        log.error("Email %s not sent: %s", message["Message-ID"], type(exc).__name__)
    else:
        return True
    return False


@cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: building one reads the CA store (milliseconds)."""
    return ssl.create_default_context()


def smtp_send(settings: Mapping, message: EmailMessage) -> None:
    """Hand one message to an SMTP server (no Flask needed)."""
    host, port, timeout = settings["MAIL_SERVER"], int(settings["MAIL_PORT"]), settings["MAIL_TIMEOUT"]
    context = _tls_context()
    if settings.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if settings.get("MAIL_USE_TLS"):
            smtp.starttls(context=context)
        if settings.get("MAIL_USERNAME"):
            smtp.login(settings["MAIL_USERNAME"], settings.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def write_to_outbox(folder: Path, message: EmailMessage) -> Path:
    """Write a message as ``<timestamp>-<slug of subject>.eml``; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
    base = f"{stamp}-{slugify(str(message['Subject']), 60, 'email')}"
    data = message.as_bytes()
    for n in range(100):
        path = folder / (f"{base}.eml" if n == 0 else f"{base}-{n}.eml")
        try:
            with path.open("xb") as file:
                file.write(data)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free file name for {base}.eml in {folder}")
