"""No phone or ID number in any log: web handlers, tracebacks, the Celery worker and beat, gunicorn."""

import datetime as dt
import io
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

from celery import signals
from django.conf import settings

from core.pii import PiiFormatter

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
ROOT = Path(__file__).resolve().parents[2]


def _handler(stream: io.StringIO, formatter: logging.Formatter) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    return handler


def _log_exception(logger: logging.Logger) -> None:
    try:
        raise ValueError(f"Invalid HTTP_HOST header: '{PHONE}.example'; id {ID_NUMBER}")
    except ValueError:
        logger.exception("request failed")


def test_the_web_handlers_mask_the_traceback_too():
    config = settings.LOGGING["formatters"]["plain"]
    assert config["()"] == "core.pii.PiiFormatter"
    stream = io.StringIO()
    logger = logging.getLogger("test.web")
    logger.addHandler(_handler(stream, PiiFormatter(config["format"])))
    logger.propagate = False
    _log_exception(logger)
    out = stream.getvalue()
    assert "ValueError" in out and "138****5678" in out
    assert PHONE not in out and ID_NUMBER not in out


def test_every_configured_handler_masks():
    loggers = [logging.getLogger()] + [
        lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    handlers = {h for lg in loggers for h in lg.handlers}
    assert handlers
    for handler in handlers:
        if isinstance(handler, logging.NullHandler) or type(handler).__module__.startswith(
            "_pytest"
        ):
            continue
        assert isinstance(handler.formatter, PiiFormatter), handler


def test_the_celery_worker_and_beat_keep_django_handlers_and_mask_their_own():
    from config.celery import app

    assert app.conf.worker_hijack_root_logger is False
    for signal in (signals.after_setup_logger, signals.after_setup_task_logger):
        stream = io.StringIO()
        logger = logging.getLogger(f"test.celery.{id(signal)}")
        logger.propagate = False
        # Celery's own handler: a plain formatter and no filter.
        logger.addHandler(_handler(stream, logging.Formatter("[%(levelname)s] %(message)s")))
        signal.send(sender=None, logger=logger, loglevel=logging.INFO, logfile=None, format="")
        logger.info("Task deliver[1] received: args=(%r,)", PHONE)
        _log_exception(logger)
        out = stream.getvalue()
        assert "[INFO] Task deliver[1] received" in out
        assert PHONE not in out and ID_NUMBER not in out


def test_gunicorn_masks_phones_in_the_access_log_request_line():
    from gunicorn.config import Config

    conf = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", conf["access_log_format"])
    logger = conf["logger_class"](cfg)
    stream = io.StringIO()
    logger.access_log.handlers[0].stream = stream
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/petitions/?q={PHONE}&id={ID_NUMBER}",
        "PATH_INFO": "/petitions/",
        "QUERY_STRING": f"q={PHONE}&id={ID_NUMBER}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    resp = SimpleNamespace(status="200 OK", headers=[], sent=10)
    logger.access(resp, SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=5))
    out = stream.getvalue()
    assert '"GET /petitions/?q=138****5678' in out
    assert PHONE not in out and ID_NUMBER not in out


def test_django_s_own_default_handlers_are_gone_so_nothing_prints_unmasked():
    """Django's DEFAULT_LOGGING leaves a plain console handler on "django" (under DEBUG) and
    on "django.server"; the battery's PII scan found the phone of a 404 path in it."""
    from core.pii import PiiLogFilter

    for name in ("django", "django.request", "django.server", "django.security.DisallowedHost"):
        logger = logging.getLogger(name)
        while logger is not None:
            for handler in logger.handlers:
                if type(handler).__module__.startswith("_pytest"):  # pytest's capture
                    continue
                masked = isinstance(handler.formatter, PiiFormatter) or any(
                    isinstance(f, PiiLogFilter) for f in handler.filters
                )
                assert masked, f"{name}: {handler!r} on {logger.name} prints unmasked"
            logger = logger.parent if logger.propagate else None


def test_gunicorn_masks_every_atom_a_changed_access_log_format_writes():
    """Atoms are masked as the format reads them (config/gunicorn.conf.py, MaskedAtoms), so a
    format that adds the path, the query string or the referer still writes no phone."""
    from gunicorn.config import Config

    conf = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(U)s %(q)s "%({referer}i)s" %(s)s')
    logger = conf["logger_class"](cfg)
    stream = io.StringIO()
    logger.access_log.handlers[0].stream = stream
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/petitions/?q={PHONE}",
        "PATH_INFO": f"/p/track/{ID_NUMBER}/",
        "QUERY_STRING": f"q={PHONE}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    request = SimpleNamespace(headers=[("REFERER", f"http://x/petitions/?q={PHONE}")])
    resp = SimpleNamespace(status="200 OK", headers=[], sent=10)
    logger.access(resp, request, environ, dt.timedelta(milliseconds=5))
    out = stream.getvalue()
    assert "q=138****5678" in out and out.count("138****5678") == 2
    assert PHONE not in out and ID_NUMBER not in out
