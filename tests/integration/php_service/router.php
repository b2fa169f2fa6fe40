<?php
// The PHP service of tests/integration/test_ladon_call.py, run as
//   php -S 127.0.0.1:PORT router.php
// GET /            an index page linking the WSDL as <a href="/Weather?WSDL"> (relative,
//                  upper case: ladon-call resolves it against the page's URL)
// GET /Weather?wsdl weather.wsdl with its address filled in
// POST /Weather    SOAP, answered by PHP's SoapServer from weather.wsdl
// Every request also records its SOAPAction header in the log (stderr), which the test reads.
ini_set('soap.wsdl_cache_enabled', '0');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/') {
    header('Content-Type: text/html; charset=utf-8');
    echo "<!DOCTYPE html>\n<html><body><h1>PHP services</h1><ul>"
       . '<li><a href="/Weather?WSDL">Weather</a></li><li><a href="/about">about</a></li>'
       . "</ul></body></html>\n";
    return true;
}
if ($path !== '/Weather') {
    http_response_code(404);
    header('Content-Type: text/plain');
    echo "not found\n";
    return true;
}
$wsdl = __DIR__ . '/weather.wsdl';
if ($_SERVER['REQUEST_METHOD'] === 'GET') {
    header('Content-Type: text/xml; charset=utf-8');
    echo str_replace('@ADDRESS@', 'http://' . $_SERVER['HTTP_HOST'] . '/Weather',
                     file_get_contents($wsdl));
    return true;
}
error_log('SOAPAction: ' . ($_SERVER['HTTP_SOAPACTION'] ?? '(none)'));

function getForecast($p)
{
    if ($p->city === 'Atlantis')
        throw new SoapFault('Client', 'unknown city: Atlantis');
    $days = isset($p->days) ? (int)$p->days : 1;
    $sky = isset($p->sky) ? $p->sky : 'cloudy';
    return ['forecast' => ['city' => $p->city, 'days' => $days, 'sky' => $sky,
                           'high' => 21.5, 'low' => -3.25, 'windy' => $days > 2,
                           'warnings' => ['wind', 'ice & snow']]];
}

function sum($p)
{
    $v = isset($p->values) ? (is_array($p->values) ? $p->values : [$p->values]) : [];
    return ['total' => array_sum($v), 'count' => count($v)];
}

$server = new SoapServer($wsdl, ['cache_wsdl' => WSDL_CACHE_NONE]);
$server->addFunction(['getForecast', 'sum']);
$server->handle();
