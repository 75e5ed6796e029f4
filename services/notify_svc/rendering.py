"""The renderer processes: where admins' templates are checked and rendered, never in notify itself.

A template is code its author controls (see `templates`), and what it costs shows only when it runs:
one body grew notify past 2.8 GB and every route went 503. So each check and render is a task for
a small pool of separate processes (pebble's ProcessPool): a task past its deadline has its process
killed and replaced, each process may grow only `memory_mib` past its start (RLIMIT_AS, so it meets a
MemoryError), and whatever goes wrong there is that template's failure, reported as `Refused` (at
send time) or as INVALID_ARGUMENT on the template field (at save time).

The texts that ship with the service (`templates.shipped`) have no author to fence in: they are the
platform's own code, with no loop and no arithmetic, so a message that uses one unchanged is
rendered in notify's own thread (the same sandboxed, strict rendering), saving a trip to another
process per message. Any other text, an admin's edit, goes to a renderer process.
"""

from __future__ import annotations

import multiprocessing
import os
import pathlib
import threading

import pebble

from mesh.errors import InvalidArgument, Unavailable
from notify_svc import templates
from notify_svc.templates import Refused

PROCESSES = 2
# pebble's managers wake every `sleep_unit` (0.1 s) to look for late tasks and dead processes, even
# with nothing to render: 0.2 % of a core at idle. At 0.5 s a render's deadline holds to within half a
# second; results and new tasks still pass at once (the managers block on the pipe and the queue).
pebble.common.CONSTS.sleep_unit = 0.5
_memory_mib = 0  # in a renderer process: how far it may grow


def _cap_memory(memory_mib: int) -> None:
    """A renderer process's start: its address space may grow `memory_mib` past what it uses now."""
    global _memory_mib
    _memory_mib = memory_mib
    try:
        import resource

        pages = int(pathlib.Path("/proc/self/statm").read_text().split()[0])
    except (ImportError, OSError):  # not Linux: the deadline still holds
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = pages * os.sysconf("SC_PAGE_SIZE") + memory_mib * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _checked(kind: str, channel: str, field: str, source: str) -> tuple[str, str]:
    """In a renderer process: ("", "") for a good template text, else (field path, problem)."""
    try:
        templates.check_field(kind, channel, field, source)
    except InvalidArgument as refused:
        return next(iter(refused.fields.items()))
    except MemoryError:
        return f"template.{field}", f"cannot be rendered: {_too_big()}"
    except Exception as error:  # noqa: BLE001 - e.g. RecursionError parsing a thousand nested brackets
        return f"template.{field}", f"cannot be read: {error or type(error).__name__}"
    return "", ""


def _rendered(subject: str, body: str, variables: dict[str, str], html: bool) -> tuple[str, str, str]:
    """In a renderer process: (subject, body, "") or ("", "", why the template cannot be rendered).
    A message's subject and body are one task: one trip to a renderer process per message."""
    try:
        return templates.render(subject, variables, html=False), templates.render(body, variables, html=html), ""
    except Refused as refused:
        return "", "", str(refused)
    except MemoryError:
        return "", "", _too_big()


def _too_big() -> str:
    return f"needs more than the {_memory_mib} MiB a template may use"


class Renderer:
    """Checks and renders templates in renderer processes (a worker for mesh.server.build: `start`
    warms the processes up, `stop` ends them)."""

    def __init__(self, *, seconds: float = 2.0, memory_mib: int = 128, processes: int = PROCESSES):
        self.seconds = seconds
        self.memory_mib = memory_mib
        self.processes = processes
        self._pool: pebble.ProcessPool | None = None
        self._lock = threading.Lock()

    def check(self, kind: str, channel: str, subject: str, body: str) -> None:
        """Refuses (InvalidArgument naming the field) a template `templates.check_field` refuses, or
        one that breaks the limits while rendered with sample values."""
        for field, source in (("subject", subject), ("body", body)):
            try:
                path, problem = self._run(_checked, kind, channel, field, source)
            except Refused as refused:
                path, problem = f"template.{field}", f"cannot be rendered: {refused}"
            if problem:
                raise InvalidArgument.field(path, problem)

    def render(self, subject: str, body: str, variables: dict[str, str], *, html: bool) -> tuple[str, str]:
        """A message's subject (always text) and body (HTML escaped when `html`) rendered, or Refused
        saying why not."""
        if templates.shipped(subject, body):
            subject_text, body_text, problem = _rendered(subject, body, variables, html)
        else:
            subject_text, body_text, problem = self._run(_rendered, subject, body, dict(variables), html)
        if problem:
            raise Refused(problem)
        return subject_text, body_text

    def _run(self, task, *args):
        try:
            future = self._processes().schedule(task, args=args, timeout=self.seconds)
        except RuntimeError:  # the pool was stopped under us (shutdown)
            raise Unavailable("the template renderer is not running") from None
        try:
            return future.result()
        except TimeoutError:
            raise Refused(f"takes longer than {self.seconds:g} s to render") from None
        except pebble.ProcessExpired as ended:
            raise Refused(f"ended its renderer process (exit code {ended.exitcode}); a template may use "
                          f"{self.memory_mib} MiB") from None

    def _processes(self) -> pebble.ProcessPool:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: a fork of a process running gRPC threads may inherit a held lock.
                self._pool = pebble.ProcessPool(max_workers=self.processes, initializer=_cap_memory,
                                                initargs=(self.memory_mib,),
                                                context=multiprocessing.get_context("spawn"))
            return self._pool

    def start(self) -> None:
        self._processes().schedule(_rendered, args=("", "", {}, False))  # they start now, not on a first message

    def stop(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join()
