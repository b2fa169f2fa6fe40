<?php
// The check helpers shared by the PHP SoapClient tests (test_php_*.php):
// ok/same/attempt record each check, php_checks_finish() prints the summary
// and exits 0 when every check passed, 1 otherwise.

$passed = 0;
$failed = [];

function ok($what, $cond, $detail = '') {
    global $passed, $failed;
    if ($cond) {
        $passed++;
        echo "ok   $what\n";
    } else {
        $failed[] = $what;
        echo "FAIL $what" . ($detail !== '' ? ": $detail" : '') . "\n";
    }
    return $cond;
}

function same($what, $got, $expected) {
    return ok($what, $got === $expected,
              'got ' . var_export($got, true) . ', expected ' . var_export($expected, true));
}

// Run $fn; an exception fails $what and the test goes on.
function attempt($what, $fn) {
    try {
        $fn();
    } catch (Throwable $e) {
        ok($what, false, get_class($e) . ': ' . $e->getMessage());
    }
}

function php_checks_finish($name) {
    global $passed, $failed;
    $total = $passed + count($failed);
    if ($failed) {
        echo "$name: " . count($failed) . " of $total checks FAILED:\n";
        foreach ($failed as $f) {
            echo "  - $f\n";
        }
        exit(1);
    }
    echo "$name: all $total checks passed\n";
    exit(0);
}
