<?php
// Start TaskService.taskExample, poll its progress, fetch its result (docs/tasks.md).
// usage: php poll_task.php [http://127.0.0.1:8080/TaskService?wsdl]
// Run by tests/integration/test_php_tasks.py.
$wsdl = $argv[1] ?? 'http://127.0.0.1:8080/TaskService?wsdl';
$client = new SoapClient($wsdl);

$task_id = $client->taskExample(['session_id' => 'demo', 'counter' => 42])->result->task_id;
do {
    $p = $client->taskExample_progress(['task_id' => $task_id])->result;
    printf("progress %.2f after %.1f s\n", $p->progress, $p->duration);
    if ($p->progress < 1.0) {       // 1.0: the task has ended
        usleep(500000);
    }
} while ($p->progress < 1.0);

try {
    echo "result: ", $client->taskExample_result(['task_id' => $task_id])->result, "\n";
} catch (SoapFault $f) {
    echo "failed: ", $f->getMessage(), "\n";     // "task N failed: MESSAGE"
    exit(1);
}
