"""gunicorn settings: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

The access log writes the request line, and search pages carry phone numbers in the query string
(``/petitions/?q=13812345678``): every atom the access line writes and every error-log line is
masked with core.pii before it is written. Bind address and workers stay on the command line.
"""

from gunicorn.glogging import Logger, SafeAtoms

# Without the user agent's free text; the request line is masked below.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus'
accesslog = "-"
errorlog = "-"


class MaskedAtoms(SafeAtoms):
    """The access line's atoms, each masked as the line's format reads it.

    gunicorn builds ~35 atoms per request (every request and response header among them) and the
    format uses six: masking all of them cost about 150 µs a request, masking what is written
    costs a few. Whatever atom the format names is still masked."""

    def __getitem__(self, key):
        from core.pii import scrub

        value = super().__getitem__(key)
        return scrub(value) if isinstance(value, str) else value


class MaskingLogger(Logger):
    """gunicorn's logger with phones and ID numbers masked in the access and error logs."""

    atoms_wrapper_class = MaskedAtoms

    def setup(self, cfg) -> None:
        super().setup(cfg)
        from core.pii import mask_handlers

        mask_handlers(self.error_log)


logger_class = MaskingLogger
