#!/usr/bin/python3
"""PHP SoapClient against the Calculator service: starts ladon-examples with the common harness
and runs test_php_calculator.php against it.

usage: /usr/bin/python3 test_php_calculator.py [PATH/TO/ladon-examples]   (or $LADON_EXAMPLES)
       $PHP overrides the php binary (default: php on PATH).
"""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ladon_harness import MISSING, main_wrapper  # noqa: E402

PHP = os.environ.get("PHP") or shutil.which("php")
if not PHP:
    print("FAIL: php is not installed")
    sys.exit(MISSING)


def body(server, checks):
    cmd = [PHP, "-d", "display_errors=stderr", os.path.join(HERE, "test_php_calculator.php"),
           server.wsdl_url("Calculator")]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    sys.stdout.write(proc.stdout.decode("utf-8", "replace"))
    checks.ok("php SoapClient checks", proc.returncode == 0, "php exited %d" % proc.returncode)


if __name__ == "__main__":
    main_wrapper("php calculator", body)
