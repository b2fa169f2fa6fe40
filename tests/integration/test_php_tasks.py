#!/usr/bin/python3
"""PHP SoapClient against TaskService.taskExample: starts ladon-examples (LADON_EXAMPLE_STEP_MS=20)
with the common harness, runs test_php_tasks.php against it, then the docs' PHP polling example
(docs/examples/tasks/poll_task.php, which docs/tasks.md must show verbatim).

usage: /usr/bin/python3 test_php_tasks.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)
       $PHP overrides the php binary (default: php on PATH).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import MISSING, main_wrapper, quiet_data_dir  # noqa: E402

PHP = os.environ.get("PHP") or shutil.which("php")
if not PHP:
    print("FAIL: php is not installed")
    sys.exit(MISSING)

EXAMPLE = os.path.join(HERE, "..", "..", "docs", "examples", "tasks", "poll_task.php")
DOC = os.path.join(HERE, "..", "..", "docs", "tasks.md")


def run_php(script, url):
    cmd = [PHP, "-d", "display_errors=stderr", script, url]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def body(server, checks):
    url = server.wsdl_url("TaskService")
    status, out = run_php(os.path.join(HERE, "test_php_tasks.php"), url)
    sys.stdout.write(out)
    checks.ok("php SoapClient task checks", status == 0, "php exited %d" % status)

    if not checks.ok("docs example %s exists" % EXAMPLE, os.path.isfile(EXAMPLE)):
        return
    with open(EXAMPLE, encoding="utf-8") as f:
        code = f.read()
    with open(DOC, encoding="utf-8") as f:
        doc = f.read()
    checks.ok("docs/tasks.md shows docs/examples/tasks/poll_task.php verbatim",
              code[code.index("$wsdl"):].strip() in doc)
    status, out = run_php(EXAMPLE, url)
    sys.stdout.write("".join("    | " + line + "\n" for line in out.splitlines()))
    checks.ok("docs PHP example exits 0", status == 0, "php exited %d" % status)
    lines = out.splitlines()
    checks.ok("docs PHP example prints progress lines",
              sum(1 for ln in lines if re.match(r"^progress [01]\.\d\d after \d+\.\d s$", ln)) >= 2,
              repr(lines))
    checks.ok("docs PHP example prints the result 42", lines[-1:] == ["result: 42"],
              repr(lines[-1:]))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="ladon-php-tasks-") as datadir:
        env = dict(os.environ, LADON_EXAMPLE_STEP_MS="20")
        main_wrapper("php tasks", body, services=("TaskService",),
                     args=("--data-dir", quiet_data_dir(datadir)), env=env)
