"""Helpers shared by the task integration tests (zeep): clients, fault capture, polling.

The texts and semantics checked here are those of docs/tasks.md (the task contract):

    m_progress/m_result, unknown, expired or other method's id   Client  unknown or expired task id N
    m_result while queued or running                              Client  task N is not finished yet (progress P)
    m_result of a failed task                                     Server  task N failed: MESSAGE
    m while the queue is full or the server shuts down            Server  server busy: task queue full

Run with /usr/bin/python3 (Debian's python3-zeep).
"""

import re
import sys
import time

try:
    import zeep
    import zeep.exceptions
    from zeep.transports import Transport
except ImportError:
    print("FAIL: python3-zeep is not installed")
    sys.exit(1)

INT32_MAX = 2**31 - 1

UNKNOWN_ID = "unknown or expired task id %d"
BUSY = "server busy: task queue full"


def not_finished_re(task_id):
    """The m_result fault for a task still queued or running; group 1 is P ("%.2f")."""
    return re.compile(r"^task %d is not finished yet \(progress ([01]\.\d\d)\)$" % task_id)


def client(wsdl_url, timeout=30, plugins=None):
    """A zeep client with its own HTTP session (one per thread)."""
    return zeep.Client(wsdl_url, transport=Transport(timeout=timeout, operation_timeout=timeout),
                       plugins=plugins or [])


def task_id_of(started):
    """The task id of what zeep returned for a start call m(...).  On the wire the answer is
    <mResponse><result><task_id>N</task_id></result></mResponse>; zeep unwraps a response with
    one child, and then a type with one element, so it returns N itself (an int)."""
    if not isinstance(started, int):
        raise TypeError("zeep returned %r for the start call, expected the task id (an int)"
                        % (started,))
    return started


class Fault:
    """What a call answered when it failed: local faultcode ('Client'/'Server') and text."""

    def __init__(self, code, message):
        self.code = code
        self.message = message

    def __repr__(self):
        return "Fault(%r, %r)" % (self.code, self.message)


def call(fn, *args, **kwargs):
    """(value, None) when fn answered, (None, Fault) when it raised a SOAP Fault."""
    try:
        return fn(*args, **kwargs), None
    except zeep.exceptions.Fault as f:
        return None, Fault((f.code or "").split(":")[-1], f.message)


def expect_fault(checks, label, fn, code, text=None, pattern=None, **kwargs):
    """Checks that fn(**kwargs) answers a SOAP Fault with faultcode CODE and faultstring TEXT
    (exactly) or matching PATTERN (a compiled regex).  Returns the match (or True) or None."""
    value, fault = call(fn, **kwargs)
    if not checks.ok("%s: answers a SOAP Fault" % label, fault is not None,
                     "returned %r" % (value,)):
        return None
    checks.ok("%s: faultcode %s" % (label, code), fault.code == code, "got %r" % fault.code)
    if pattern is not None:
        m = pattern.match(fault.message or "")
        checks.ok("%s: faultstring matches %s" % (label, pattern.pattern), m is not None,
                  "got %r" % fault.message)
        return m
    checks.equal("%s: faultstring" % label, fault.message, text)
    return fault.message == text or None


def poll_until_done(progress_fn, task_id, timeout, interval=0.01):
    """Polls m_progress(task_id) until progress is 1.0 or TIMEOUT seconds pass.
    Returns the list of (monotonic time, response) of every poll."""
    polls = []
    deadline = time.monotonic() + timeout
    while True:
        r = progress_fn(task_id=task_id)
        polls.append((time.monotonic(), r))
        if r.progress >= 1.0 or time.monotonic() > deadline:
            return polls
        time.sleep(interval)


def type_fields(client_, qname):
    """[(element name, XSD type local name)] of a complex type of the WSDL, or None."""
    try:
        t = client_.get_type(qname)
    except Exception:  # noqa: BLE001 - an absent type is a failed check
        return None
    out = []
    for name, elem in t.elements:
        out.append((name, getattr(elem.type, "name", None) or type(elem.type).__name__))
    return out


def result_after_end(result_fn, task_id):
    """m_result(task_id) for a task whose progress was seen at 1.0.

    Progress is shown as at most 0.999 until the task has ended (store.h,
    LADON_TASK_PROGRESS_UNFINISHED_MAX), so right after 1.0 the result must be there: no retry.
    Returns (value, Fault or None, 1 if the answer was "not finished yet" - a failure the caller
    checks - else 0)."""
    value, fault = call(result_fn, task_id=task_id)
    m = fault is not None and fault.code == "Client" and \
        not_finished_re(task_id).match(fault.message or "")
    return value, fault, 1 if m else 0

