"""Unexpected errors: the user gets a Vietnamese sentence, the traceback goes to a log file.

Without this, an exception inside a Tk callback prints to a console an office PC does not show, and
the user sees a button that "does nothing".
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path

from caremgr.errors import CaremgrError, user_message
from caremgr.i18n import _

LOGGER = logging.getLogger("caremgr")
_configured = False


def log_file() -> Path:
    from db.connection import default_data_dir

    return default_data_dir() / "logs" / "caremgr.log"


def configure() -> None:
    global _configured
    if _configured:
        return
    _configured = True
    try:
        path = log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:  # a read-only profile folder: keep running, errors still reach the user
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)


def describe_failure(exc: BaseException) -> str:
    """The sentence for the user; anything that is not an expected refusal is logged with its traceback."""
    if not isinstance(exc, CaremgrError):
        LOGGER.error("%s", "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    return user_message(exc)


def install(root) -> None:
    """Routes exceptions raised in Tk callbacks to a message box instead of stderr."""
    configure()

    def report(exc_type, exc, tb) -> None:
        message = describe_failure(exc.with_traceback(tb) if exc is not None else exc_type())
        root.last_error_message = message
        from ui import dialogs

        try:
            dialogs.show_error(root, _("Không thực hiện được"), message)
        except Exception:  # noqa: BLE001 - the window is closing; the log has it
            LOGGER.exception("could not show the error message")

    root.report_callback_exception = report
