<?php
// PHP SoapClient with HTTP Basic (its login/password options) against the built-in check of
// --auth-file. Run by test_auth_basic.py, which starts the server (the runtime tests' rt-server,
// service Test, whose whoami answers ladon_call_user()):
//     php test_auth_basic.php WSDL_URL WSDL_FILE USER PASSWORD
// WSDL_FILE is a copy of the WSDL: wrong credentials are refused for the WSDL too, so the
// clients with wrong ones are made from the copy and fail at the call.
// Exit status 0 when every check passes, 1 otherwise.

error_reporting(E_ALL);
ini_set('default_socket_timeout', '15');
if ($argc !== 5) {
    fwrite(STDERR, "usage: php test_auth_basic.php WSDL_URL WSDL_FILE USER PASSWORD\n");
    exit(2);
}
[, $wsdl, $wsdl_file, $user, $password] = $argv;
require __DIR__ . '/php_checks.php';

function client($wsdl, $login, $password) {
    $opts = ['cache_wsdl' => WSDL_CACHE_NONE, 'exceptions' => true, 'trace' => true,
             'connection_timeout' => 15];
    if ($login !== null) {
        $opts['login'] = $login;
        $opts['password'] = $password;
        $opts['authentication'] = SOAP_AUTHENTICATION_BASIC;
    }
    return new SoapClient($wsdl, $opts);
}

attempt('right password: whoami is the user', function () use ($wsdl, $user, $password) {
    $c = client($wsdl, $user, $password);
    same('whoami', $c->whoami()->result, $user);
    same('add(2, 3) as well', $c->add(['a' => 2, 'b' => 3])->result, 5);
});

foreach (['wrong password' => [$user, $password . 'x'], 'unknown user' => ['nobody', $password],
          'no credentials' => [null, null]] as $what => [$u, $p]) {
    attempt("$what: refused with 401", function () use ($wsdl_file, $u, $p, $what) {
        $c = client($wsdl_file, $u, $p);
        try {
            $r = $c->whoami();
            ok("$what: refused", false, 'answered ' . var_export($r, true));
        } catch (SoapFault $f) {
            // PHP reports an HTTP error without a SOAP body as the fault "HTTP" with the
            // status line's reason
            same("$what: fault code", $f->faultcode, 'HTTP');
            same("$what: fault string", $f->getMessage(), 'Unauthorized');
            ok("$what: the 401 carries the challenge",
               strpos((string)$c->__getLastResponseHeaders(), 'WWW-Authenticate: Basic realm=') !== false,
               (string)$c->__getLastResponseHeaders());
        }
    });
}
attempt('wrong password: the WSDL is refused too', function () use ($wsdl, $user, $password) {
    try {
        client($wsdl, $user, $password . 'x');
        ok('WSDL with a wrong password refused', false);
    } catch (SoapFault $f) {
        ok('WSDL with a wrong password refused', strpos($f->getMessage(), 'Parsing WSDL') !== false,
           $f->getMessage());
    }
});
php_checks_finish('php auth basic');
