#!/usr/bin/python3
"""A full task queue answers "server busy" (docs/tasks.md): ladon-examples with --task-workers 1
--task-queue 2 and a 30 s step delay, so nothing ends during the test.  One task runs and two
wait, so the 4th start at the latest (the 3rd when the task thread has not yet taken the first)
must be refused with the Server fault `server busy: task queue full`; the tasks started before
still exist, unfinished; a refused start creates nothing and the queue stays full.

usage: /usr/bin/python3 test_zeep_task_busy.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)
"""

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import main_wrapper, quiet_data_dir  # noqa: E402
from task_helpers import (BUSY, INT32_MAX, call, client, expect_fault,  # noqa: E402
                          not_finished_re, task_id_of)


def body(server, checks):
    svc = client(server.wsdl_url("TaskService")).service
    started = []
    busy_at = None
    for n in range(1, 5):                   # at most 4 starts
        value, fault = call(svc.taskExample, session_id="busy", counter=n)
        if fault is None:
            started.append(task_id_of(value))
            continue
        busy_at = n
        checks.equal("refused start: faultcode", fault.code, "Server")
        checks.equal("refused start: faultstring", fault.message, BUSY)
        break
    print("started %r, refused at start %r" % (started, busy_at))
    checks.ok("a start is refused at the 3rd or 4th start", busy_at in (3, 4),
              "refused at %r after %d started" % (busy_at, len(started)))
    checks.ok("the task ids are valid and distinct",
              len(set(started)) == len(started) and all(1 <= i <= INT32_MAX for i in started),
              repr(started))

    # Still full (the running task sleeps 30 s per step): refused again, same fault.
    expect_fault(checks, "start while the queue is still full", svc.taskExample, "Server",
                 text=BUSY, session_id="busy", counter=99)

    # The tasks started before are intact: unfinished, polled by their id.
    for i, tid in enumerate(started):
        label = "task %d (id %d)" % (i + 1, tid)
        r = svc.taskExample_progress(task_id=tid)
        checks.equal("%s: progress names it" % label, r.task_id, tid)
        checks.ok("%s: progress in [0, 1)" % label, 0.0 <= r.progress < 1.0, repr(r.progress))
        expect_fault(checks, "%s: result not ready" % label, svc.taskExample_result, "Client",
                     pattern=not_finished_re(tid), task_id=tid)

    # Other services are still served while the task pool is saturated.
    calc = client(server.wsdl_url("Calculator")).service
    checks.equal("Calculator.add while the queue is full", calc.add(2, 3), 5)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="ladon-task-busy-") as datadir:
        env = dict(os.environ, LADON_EXAMPLE_STEP_MS="30000")
        main_wrapper("zeep task busy", body, services=("Calculator", "TaskService"),
                     args=("--data-dir", quiet_data_dir(datadir), "--task-workers", "1", "--task-queue", "2",
                           "--shutdown-grace", "200"), env=env)
