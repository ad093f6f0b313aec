"""Two connections, one after the other's lock: `while_held(hold, then)` runs `hold()` in a transaction on one
thread and keeps it open a second after it returns (its locks held); `then()` starts on a second thread
once `hold()` has returned, so it meets those locks and waits. Each thread closes its own connection.
Returns what either raised (a DomainError that `then` expects is for `then` to catch)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction


def while_held(
    hold: Callable[[], object], then: Callable[[], object], seconds: float = 1.0
) -> list[BaseException]:
    held = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                hold()
                held.set()
                time.sleep(seconds)  # `then` starts meanwhile and waits for these locks
        except BaseException as exc:
            errors.append(exc)
        finally:
            held.set()
            connection.close()

    def second() -> None:
        try:
            held.wait(30)
            then()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors
