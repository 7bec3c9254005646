"""gunicorn settings: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

The access log writes the request line, and search pages carry phone numbers in the query string
(``/petitions/?q=13812345678``): every atom of the access line and every error-log line is
masked with core.pii before it is written. Bind address and workers stay on the command line.
"""

from gunicorn.glogging import Logger

# Without the user agent's free text; the request line is masked below.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus'
accesslog = "-"
errorlog = "-"


class MaskingLogger(Logger):
    """gunicorn's logger with phones and ID numbers masked in the access and error logs."""

    def atoms(self, resp, req, environ, request_time):
        from core.pii import scrub

        return {
            key: scrub(value) if isinstance(value, str) else value
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }

    def setup(self, cfg) -> None:
        super().setup(cfg)
        from core.pii import mask_handlers

        mask_handlers(self.error_log)


logger_class = MaskingLogger
