#!/usr/bin/python3
"""Shutdown with tasks in flight (docs/tasks.md): ladon-examples with --shutdown-grace 200,
--task-workers 1 and a 30 s step delay; one task running and one queued when SIGTERM arrives.
The server must exit with status 0 promptly (the grace is 0.2 s; a task body that is still
asleep must not hold the process) and log that it stopped.

With the memory store the tasks recorded as failed ("server shut down") cannot be queried after
the process exits, so this test checks the clean, prompt exit only.

usage: /usr/bin/python3 test_task_shutdown.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import Checks, Server, ServerError, quiet_data_dir, server_binary  # noqa: E402
from task_helpers import client, task_id_of  # noqa: E402

GRACE_MS = 200
EXIT_WITHIN = 5.0      # seconds from SIGTERM to exit: the grace plus generous slack


def main():
    checks = Checks("task shutdown")
    binary = server_binary()
    with tempfile.TemporaryDirectory(prefix="ladon-task-shutdown-") as datadir:
        env = dict(os.environ, LADON_EXAMPLE_STEP_MS="30000")
        srv = Server(binary, args=["--data-dir", quiet_data_dir(datadir), "--task-workers", "1",
                                   "--shutdown-grace", str(GRACE_MS)],
                     env=env, services=("TaskService",))
        try:
            srv.start()
        except ServerError as e:
            print("FAIL: %s" % e)
            sys.exit(1)
        try:
            def start_two():
                svc = client(srv.wsdl_url("TaskService")).service
                ids = [task_id_of(svc.taskExample(session_id="sd", counter=n)) for n in (1, 2)]
                time.sleep(0.3)                         # the first is taken by the task thread
                prog = [svc.taskExample_progress(task_id=i) for i in ids]
                checks.ok("two tasks exist, unfinished, before SIGTERM",
                          all(p.task_id == i and p.progress < 1.0 for p, i in zip(prog, ids)),
                          repr(prog))
            checks.run("start tasks", start_two)
        finally:
            t0 = time.monotonic()
            os.kill(srv.proc.pid, signal.SIGTERM)
            try:
                srv.proc.wait(timeout=EXIT_WITHIN + 10)
            except subprocess.TimeoutExpired:
                os.kill(srv.proc.pid, signal.SIGKILL)       # by PID; it is ours
                srv.proc.wait()
            elapsed = time.monotonic() - t0
            status = srv.stop()      # the exit status; joins the output readers
        print("exit %r after %.2f s" % (status, elapsed))
        checks.equal("exit status after SIGTERM", status, 0)
        checks.ok("exited within %.1f s of SIGTERM (grace %d ms)" % (EXIT_WITHIN, GRACE_MS),
                  elapsed < EXIT_WITHIN, "%.2f s" % elapsed)
        log = srv.output()
        checks.ok("log says the server stopped", "server stopped" in log, log[-2000:])
        print("server log:\n" + log)
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
