"""Long work off the Tk thread.

The work runs in a daemon thread; its result (or error) is handed back through a queue that the Tk
thread polls with ``after``, so Tk is only ever touched from its own thread.
"""

from __future__ import annotations

import contextlib
import gc
import queue
import threading
from collections.abc import Callable


class BackgroundTask:
    POLL_MS = 50

    def __init__(self, widget, work: Callable[[], object], on_done: Callable[[object], None],
                 on_error: Callable[[BaseException], None]):
        self.widget = widget
        self._queue: queue.Queue = queue.Queue()
        self._on_done = on_done
        self._on_error = on_error
        self.finished = False
        self.cancelled = threading.Event()  # work that can stop early polls it (e.g. an import)
        self.after_cancel: Callable[[object], None] | None = None  # cleans up a result nobody wants now
        self.on_cancel: Callable[[], None] | None = None  # puts the window back at once
        # The thread gets the work and the queue only, never this task (which holds the widget).
        self._thread = threading.Thread(target=_run, args=(work, self._queue), daemon=True)

    def start(self) -> BackgroundTask:
        # Tk objects left in reference cycles must be freed here, on the Tk thread: if the garbage
        # collector ran their __del__ inside the worker, the Tcl call would wait for the main loop.
        gc.collect()
        _RETIRED.clear()  # works finished by earlier threads: their last references go here, on the Tk thread
        self._thread.start()
        self.widget.after(self.POLL_MS, self._poll)
        return self

    def _poll(self) -> None:
        try:
            kind, value = self._queue.get_nowait()
        except queue.Empty:
            with contextlib.suppress(Exception):  # the window was closed meanwhile
                self.widget.after(self.POLL_MS, self._poll)
            return
        self.finished = True
        if self.cancelled.is_set():
            if kind == "ok" and self.after_cancel is not None:
                self.after_cancel(value)
            return
        (self._on_done if kind == "ok" else self._on_error)(value)

    def cancel(self) -> None:
        """The user pressed "Hủy": the window is free at once; the result, when it comes, is dropped
        (``after_cancel`` removes what it left, e.g. the file it wrote)."""
        self.cancelled.set()
        if self.on_cancel is not None:
            self.on_cancel()


# A work function often closes over widgets (a dialog's progress callback). If the worker thread
# dropped the last reference to it, those widgets' __del__ would call Tcl from the wrong thread, which
# can crash the interpreter (seen when a window closed before its task ended). Finished works are
# parked here and released on the Tk thread by the next task's start.
_RETIRED: list = []


def _run(work, results: queue.Queue) -> None:
    from db.connection import close_database

    try:
        results.put(("ok", work()))
    except BaseException as exc:  # noqa: BLE001 - handed to the Tk thread to show
        results.put(("error", exc))
    finally:
        _RETIRED.append((work, results))  # the queue too: an error's traceback holds the work's frames
        close_database()  # this thread's own connection; the Tk thread keeps its own


def run_in_background(widget, work, on_done, on_error) -> BackgroundTask:
    return BackgroundTask(widget, work, on_done, on_error).start()
