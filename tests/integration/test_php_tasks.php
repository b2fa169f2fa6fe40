<?php
// PHP SoapClient against TaskService.taskExample of ladon-examples (docs/tasks.md).
// Run through test_php_tasks.py, which starts the server with LADON_EXAMPLE_STEP_MS=20:
//     /usr/bin/python3 test_php_tasks.py PATH/TO/ladon-examples
// or by hand against a running server:
//     php test_php_tasks.php http://127.0.0.1:PORT/TaskService?wsdl
// Exit status 0 when every check passes, 1 otherwise.

error_reporting(E_ALL);
ini_set('default_socket_timeout', '30');

if ($argc !== 2) {
    fwrite(STDERR, "usage: php test_php_tasks.php WSDL_URL\n");
    exit(2);
}
if (!extension_loaded('soap')) {
    echo "FAIL: the PHP soap extension (php-soap) is not loaded\n";
    exit(1);
}
$wsdl = $argv[1];
const INT32_MAX = 2147483647;
const POLL_TIMEOUT = 60.0;

require __DIR__ . '/php_checks.php';

function code_is($code, $want) {
    return is_string($code) && preg_match('/(^|:)' . $want . '$/', $code) === 1;
}

// Calls $fn and checks it raises a SoapFault with faultcode $code and a faultstring equal to
// $text (or matching the regex $pattern when $text is null).  Returns the regex matches.
function expect_fault($what, $fn, $code, $text, $pattern = null) {
    try {
        $r = $fn();
        ok("$what: answers a SoapFault", false, 'returned ' . var_export($r, true));
        return null;
    } catch (SoapFault $f) {
        ok("$what: answers a SoapFault", true);
        ok("$what: faultcode $code", code_is($f->faultcode, $code), var_export($f->faultcode, true));
        if ($text !== null) {
            same("$what: faultstring", $f->faultstring, $text);
            return null;
        }
        $ok = preg_match($pattern, $f->faultstring, $m) === 1;
        ok("$what: faultstring matches $pattern", $ok, var_export($f->faultstring, true));
        return $ok ? $m : null;
    }
}

function start($client, $counter) {
    return $client->taskExample(['session_id' => 'php', 'counter' => $counter])->result->task_id;
}

function progress($client, $id) {
    return $client->taskExample_progress(['task_id' => $id])->result;
}

function result($client, $id) {
    return $client->taskExample_result(['task_id' => $id])->result;
}

// Polls until progress 1.0; returns every response.
function poll_until_done($client, $id, $interval_us = 10000) {
    $polls = [];
    $deadline = microtime(true) + POLL_TIMEOUT;
    do {
        $p = progress($client, $id);
        $polls[] = $p;
        if ($p->progress >= 1.0 || microtime(true) > $deadline) {
            return $polls;
        }
        usleep($interval_us);
    } while (true);
}

// The result of a task whose progress was seen at 1.0: progress stays below 1.0 until the task
// has ended, so the result must be there at once (no retry).
function result_after_end($client, $id) {
    return result($client, $id);
}

$client = null;
attempt('create SoapClient from the WSDL', function () use ($wsdl, &$client) {
    $client = new SoapClient($wsdl, [
        'cache_wsdl' => WSDL_CACHE_NONE,
        'exceptions' => true,
        'connection_timeout' => 30,
    ]);
});
if ($client === null) {
    echo "php tasks: cannot continue without a client\n";
    exit(1);
}

$issued = [];

// Start, poll, result (counter 5).
attempt('start/poll/result', function () use ($client, &$issued) {
    $t0 = microtime(true);
    $id = start($client, 5);
    $t1 = microtime(true);
    ok('task id is an int in 1..2^31-1', is_int($id) && $id >= 1 && $id <= INT32_MAX,
       var_export($id, true));
    $issued[] = $id;

    // At once: not finished yet, with its progress as %.2f.
    $m = expect_fault('result of a running task', function () use ($client, $id) {
        return result($client, $id);
    }, 'Client', null, '/^task ' . $id . ' is not finished yet \(progress (0\.\d\d)\)$/');
    if ($m !== null) {
        ok('not-finished fault: progress below 1', (float)$m[1] >= 0.0 && (float)$m[1] < 1.0, $m[0]);
    }

    $polls = poll_until_done($client, $id);
    $last = end($polls);
    same('progress ends at exactly 1.0', $last->progress, 1.0);
    $prog = array_map(function ($p) { return $p->progress; }, $polls);
    $mono = true;
    for ($i = 1; $i < count($prog); $i++) {
        $mono = $mono && $prog[$i] >= $prog[$i - 1];
    }
    ok('progress never decreases', $mono, implode(',', $prog));
    ok('progress is a float in [0, 1]',
       count(array_filter($prog, function ($p) { return !is_float($p) || $p < 0 || $p > 1; })) === 0,
       var_export($prog, true));
    $mid = array_unique(array_filter($prog, function ($p) { return $p > 0 && $p < 1; }), SORT_REGULAR);
    ok('several intermediate progress values', count($mid) >= 3, implode(',', $mid));
    ok('every poll names the task',
       count(array_filter($polls, function ($p) use ($id) { return $p->task_id !== $id; })) === 0);
    $starts = array_unique(array_map(function ($p) { return $p->starttime; }, $polls), SORT_REGULAR);
    ok('starttime is the same in every poll', count($starts) === 1, implode(',', $starts));
    $st = $polls[0]->starttime;
    ok('starttime is the creation time in seconds since the epoch',
       is_float($st) && $st >= $t0 - 2 && $st <= $t1 + 2, var_export([$st, $t0, $t1], true));
    $dur = array_map(function ($p) { return $p->duration; }, $polls);
    $dmono = true;
    for ($i = 1; $i < count($dur); $i++) {
        $dmono = $dmono && $dur[$i] >= $dur[$i - 1];
    }
    ok('duration never decreases', $dmono, implode(',', $dur));
    ok('duration at the end > at the first poll', end($dur) > $dur[0], implode(',', $dur));

    same('taskExample_result == 5', result_after_end($client, $id), 5);
    same('taskExample_result asked again', result($client, $id), 5);
});

// Counter 0: a falsy result is a real result.
attempt('counter 0', function () use ($client, &$issued) {
    $id = start($client, 0);
    $issued[] = $id;
    $polls = poll_until_done($client, $id, 50000);
    same('counter 0: progress reaches 1.0', end($polls)->progress, 1.0);
    same('counter 0: result is 0', result_after_end($client, $id), 0);
    same('counter 0: result asked again', result($client, $id), 0);
});

// The lifecycle beyond Ladon (docs/tasks.md "States, cancel and wait"): state and message,
// m_wait, m_cancel, and an Idempotency-Key set through a stream context.
attempt('lifecycle', function () use ($client, $wsdl, &$issued) {
    $id = start($client, 3);
    $issued[] = $id;
    $p = progress($client, $id);
    ok('a new task is queued or running', in_array($p->state, ['queued', 'running'], true),
       var_export($p->state, true));
    $w = $client->taskExample_wait(['task_id' => $id, 'timeout' => 60.0])->result;
    same('m_wait answers the end: state done', $w->state, 'done');
    same('done: no message', isset($w->message), false);
    same('done: progress 1.0', $w->progress, 1.0);
    $c = $client->taskExample_cancel(['task_id' => $id])->result;
    same('cancel after done: still done', $c->state, 'done');
    same('cancel after done: the result stays', result($client, $id), 3);

    $id2 = start($client, 4);
    $issued[] = $id2;
    $c = $client->taskExample_cancel(['task_id' => $id2])->result;
    ok('cancel: cancelled at once (queued) or asked to stop (running)',
       in_array($c->state, ['cancelled', 'running'], true), var_export($c->state, true));
    $w = $client->taskExample_wait(['task_id' => $id2, 'timeout' => 60.0])->result;
    same('cancelled task: state cancelled', $w->state, 'cancelled');
    same('cancelled task: message', $w->message, 'cancelled');
    expect_fault('result of a cancelled task', function () use ($client, $id2) {
        return result($client, $id2);
    }, 'Client', "task $id2 cancelled");

    $ctx = stream_context_create(['http' => ['header' => "Idempotency-Key: php-key-1\r\n"]]);
    $kc = new SoapClient($wsdl, ['stream_context' => $ctx, 'cache_wsdl' => WSDL_CACHE_NONE]);
    $a = $kc->taskExample(['session_id' => 'k', 'counter' => 1])->result->task_id;
    $b = $kc->taskExample(['session_id' => 'k', 'counter' => 1])->result->task_id;
    same('the same Idempotency-Key twice: one task', $a, $b);
    expect_fault('the same key with other arguments', function () use ($kc) {
        return $kc->taskExample(['session_id' => 'k', 'counter' => 2]);
    }, 'Client', "Idempotency-Key 'php-key-1' was used with other arguments");
});

// m_list (docs/tasks.md "Ownership and m_list"): this server believes no identity (no
// --trusted-proxy, no --auth-file), so the listing is refused, with and without its optional
// inputs; with a user header PHP could send, the server would not believe it either.
attempt('m_list', function () use ($client, $wsdl) {
    expect_fault('taskExample_list anonymously', function () use ($client) {
        return $client->taskExample_list([]);
    }, 'Client', 'listing tasks needs an identity');
    expect_fault('taskExample_list anonymously, with limit and page_token', function () use ($client) {
        return $client->taskExample_list(['limit' => 5, 'page_token' => '']);
    }, 'Client', 'listing tasks needs an identity');
    $ctx = stream_context_create(['http' => ['header' => "X-Remote-User: alice\r\n"]]);
    $uc = new SoapClient($wsdl, ['stream_context' => $ctx, 'cache_wsdl' => WSDL_CACHE_NONE]);
    expect_fault('taskExample_list with an X-Remote-User from an untrusted peer', function () use ($uc) {
        return $uc->taskExample_list(['limit' => 5]);
    }, 'Client', 'listing tasks needs an identity');
});

// Ids never issued.
attempt('unknown ids', function () use ($client, $issued) {
    $unknown = [0, -1];
    foreach ([1, INT32_MAX, 2, INT32_MAX - 1] as $cand) {
        if (!in_array($cand, $issued, true) && count($unknown) < 4) {
            $unknown[] = $cand;
        }
    }
    foreach ($unknown as $id) {
        expect_fault("taskExample_progress($id)", function () use ($client, $id) {
            return progress($client, $id);
        }, 'Client', "unknown or expired task id $id");
        expect_fault("taskExample_result($id)", function () use ($client, $id) {
            return result($client, $id);
        }, 'Client', "unknown or expired task id $id");
    }
});

php_checks_finish('php tasks');
