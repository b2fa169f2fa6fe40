#!/usr/bin/python3
# Start TaskService.taskExample, poll its progress, fetch its result (docs/tasks.md).
# usage: /usr/bin/python3 poll_task.py [http://127.0.0.1:8080/TaskService?wsdl]
# Run by tests/integration/test_zeep_tasks.py.
import sys
import time

import zeep

wsdl = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/TaskService?wsdl"
service = zeep.Client(wsdl).service

task_id = service.taskExample(session_id="demo", counter=42)   # zeep unwraps <result><task_id>
while True:
    p = service.taskExample_progress(task_id=task_id)
    print("progress %.2f after %.1f s" % (p.progress, p.duration))
    if p.progress >= 1.0:      # 1.0: the task has ended
        break
    time.sleep(0.5)

try:
    print("result:", service.taskExample_result(task_id=task_id))
except zeep.exceptions.Fault as fault:
    print("failed:", fault.message)    # "task N failed: MESSAGE"
    sys.exit(1)
