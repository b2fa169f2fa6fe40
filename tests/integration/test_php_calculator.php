<?php
// PHP SoapClient against the Calculator service of ladon-examples.
// Run through test_php_calculator.py, which starts and stops the server:
//     /usr/bin/python3 test_php_calculator.py PATH/TO/ladon-examples
// or by hand against a running server:
//     php test_php_calculator.php http://127.0.0.1:PORT/Calculator?wsdl
// Exit status 0 when every check passes, 1 otherwise.

error_reporting(E_ALL);
ini_set('default_socket_timeout', '15');

if ($argc !== 2) {
    fwrite(STDERR, "usage: php test_php_calculator.php WSDL_URL\n");
    exit(2);
}
if (!extension_loaded('soap')) {
    echo "FAIL: the PHP soap extension (php-soap) is not loaded\n";
    exit(1);
}
$wsdl = $argv[1];
$endpoint = preg_replace('/\?wsdl$/', '', $wsdl);

require __DIR__ . '/php_checks.php';

function is_client_code($code) {
    return is_string($code) && preg_match('/(^|:)Client$/', $code) === 1;
}

$client = null;
attempt('create SoapClient from the WSDL', function () use ($wsdl, &$client) {
    $client = new SoapClient($wsdl, [
        'cache_wsdl' => WSDL_CACHE_NONE,
        'trace' => true,
        'exceptions' => true,
        'connection_timeout' => 15,
        'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
    ]);
});
if ($client === null) {
    echo "php calculator: cannot continue without a client\n";
    exit(1);
}

// The WSDL's soap:address is the URL the client used (the request goes there).
attempt('add(2, 3)', function () use ($client, $endpoint) {
    same('add(2, 3)', $client->add(['a' => 2, 'b' => 3])->result, 5);
    // The request went to the address in the served WSDL, which must be the URL used.
    $u = parse_url($endpoint);
    $h = (string)$client->__getLastRequestHeaders();
    ok('request sent to the announced endpoint',
       preg_match('#^POST ' . preg_quote($u['path'], '#') . ' HTTP/1\.[01]\r?$#m', $h) === 1
       && preg_match('#^Host: ' . preg_quote($u['host'] . ':' . $u['port'], '#') . '\r?$#mi', $h) === 1,
       $h);
});
attempt('add(-7, 7)', function () use ($client) {
    same('add(-7, 7)', $client->add(['a' => -7, 'b' => 7])->result, 0);
});

$texts = [
    'ascii' => 'hello, world',
    'xml specials' => "<a&b>\"'",
    'unicode' => 'Grüße, Привет, 漢字, emoji 😀',
    'empty' => '',
    'whitespace' => "  two  spaces\tand a tab\n",
];
foreach ($texts as $label => $text) {
    attempt("echo $label", function () use ($client, $label, $text) {
        $r = $client->echo(['text' => $text]);
        same("echo $label", property_exists($r, 'result') ? $r->result : null, $text);
    });
}

try {
    $r = $client->add(['a' => 2147483647, 'b' => 1]);
    ok('add overflow raises a SoapFault', false, 'returned ' . var_export($r, true));
} catch (SoapFault $f) {
    ok('overflow fault code is Client', is_client_code($f->faultcode),
       var_export($f->faultcode, true));
    same('overflow fault text', $f->faultstring, 'integer overflow: 2147483647 + 1');
}
attempt('add after a fault', function () use ($client) {
    same('add after a fault', $client->add(['a' => 40, 'b' => 2])->result, 42);
});

// The Inspection, whether gSOAP sends it as the response element or wrapped in <result>.
function inspect($client, $record) {
    $r = $client->inspect(['record' => $record]);
    if (is_object($r) && isset($r->result) && is_object($r->result)) {
        $r = $r->result;
    }
    return $r;
}

function field($obj, $name) {
    return (is_object($obj) && property_exists($obj, $name)) ? $obj->{$name} : null;
}

function points($list) {
    $out = [];
    foreach ($list === null ? [] : $list as $p) {
        $out[] = [field($p, 'x'), field($p, 'y')];
    }
    return $out;
}

function check_inspection($label, $r, $exp) {
    if (!ok("$label: result is an object", is_object($r), var_export($r, true))) {
        return;
    }
    same("$label: title", field($r, 'title'), $exp['title']);
    same("$label: note", field($r, 'note'), $exp['note']);
    same("$label: big_plus_one", field($r, 'big_plus_one'), $exp['big_plus_one']);
    same("$label: half_ratio", field($r, 'half_ratio'), $exp['half_ratio']);
    same("$label: not_enabled", field($r, 'not_enabled'), $exp['not_enabled']);
    same("$label: next_level", field($r, 'next_level'), $exp['next_level']);
    $nd = field($r, 'next_day');
    ok("$label: next_day is an xsd:dateTime",
       is_string($nd) && preg_match('/^-?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/', $nd) === 1,
       var_export($nd, true));
    if (is_string($nd)) {
        same("$label: next_day", (new DateTime($nd))->getTimestamp(), $exp['next_day']);
    }
    same("$label: reversed", field($r, 'reversed'), $exp['reversed']);
    same("$label: limit_doubled", field($r, 'limit_doubled'), $exp['limit_doubled']);
    same("$label: moved", points([field($r, 'moved')]), [$exp['moved']]);
    $t = field($r, 'target');
    same("$label: target", $t === null ? null : points([$t])[0], $exp['target']);
    same("$label: values_sum", field($r, 'values_sum'), $exp['values_sum']);
    same("$label: tags", field($r, 'tags') ?? [], $exp['tags']);
    same("$label: points", points(field($r, 'points')), $exp['points']);
    same("$label: levels", field($r, 'levels') ?? [], $exp['levels']);
}

$all_bytes = '';
for ($i = 0; $i < 256; $i++) {
    $all_bytes .= chr($i);
}

$full = [
    'title' => "Grüße <&> \"' 漢字 😀",
    'note' => 'a note',
    'count' => 7,
    'big' => PHP_INT_MAX - 1,
    'ratio' => 0.1,
    'enabled' => true,
    'level' => 'LEVEL_HIGH',
    'when' => '2024-02-28T12:34:56Z',
    'payload' => $all_bytes,
    'limit' => 21,
    'origin' => ['x' => 10, 'y' => -20],
    'target' => ['x' => 3, 'y' => 4],
    'values' => [1, 2, 3, -10],
    'tags' => ['first', 'Zweite ü', '<third>'],
    'points' => [['x' => 1, 'y' => 2], ['x' => -3, 'y' => 4]],
    'levels' => ['LEVEL_LOW', 'LEVEL_HIGH', 'LEVEL_MEDIUM'],
];
attempt('inspect full record', function () use ($client, $full, $all_bytes) {
    check_inspection('inspect full', inspect($client, $full), [
        'title' => $full['title'], 'note' => 'a note', 'big_plus_one' => PHP_INT_MAX,
        'half_ratio' => 0.05, 'not_enabled' => false, 'next_level' => 'LEVEL_LOW',
        'next_day' => gmmktime(12, 34, 56, 2, 29, 2024), 'reversed' => strrev($all_bytes),
        'limit_doubled' => 42, 'moved' => [11, -19], 'target' => [3, 4], 'values_sum' => -4,
        'tags' => ['<third>', 'Zweite ü', 'first'], 'points' => [[2, 1], [4, -3]],
        'levels' => ['LEVEL_LOW', 'LEVEL_HIGH', 'LEVEL_MEDIUM'],
    ]);
});

$bare = [
    'title' => 'plain',
    'count' => 0,
    'big' => PHP_INT_MAX,
    'ratio' => -3.0,
    'enabled' => false,
    'level' => 'LEVEL_MEDIUM',
    'when' => '1970-01-01T00:00:00Z',
    'payload' => '',
    'origin' => ['x' => -1, 'y' => 0],
];
attempt('inspect bare record', function () use ($client, $bare) {
    check_inspection('inspect bare', inspect($client, $bare), [
        'title' => 'plain', 'note' => '(none)', 'big_plus_one' => PHP_INT_MIN,
        'half_ratio' => -1.5, 'not_enabled' => true, 'next_level' => 'LEVEL_HIGH',
        'next_day' => 86400, 'reversed' => '', 'limit_doubled' => null, 'moved' => [0, 1],
        'target' => null, 'values_sum' => 0, 'tags' => [], 'points' => [], 'levels' => [],
    ]);
});

try {
    inspect($client, $bare + ['limit' => 1 << 30]);
    ok('inspect limit out of range raises a SoapFault', false);
} catch (SoapFault $f) {
    ok('limit fault code is Client', is_client_code($f->faultcode), var_export($f->faultcode, true));
    same('limit fault text', $f->faultstring, 'limit out of range: 1073741824');
}

php_checks_finish('php calculator');
