<?php
// Independent KS reference written for Orator's tests with PHP's own http_build_query, parse_str,
// base64_decode (strict) and openssl_encrypt. Reads a JSON list of operations on stdin and
// writes a JSON list of results.

function ks_v2_key(string $secret): string {
    return substr(sha1($secret, true), 0, 16);
}

function mint_v2(array $op): string {
    $fields = [];
    foreach (explode(',', $op['privileges']) as $privilege) {
        $privilege = trim($privilege);
        if ($privilege === '') continue;
        if ($privilege === '*') $privilege = 'all:*';
        $parts = explode(':', $privilege, 2);
        $fields[$parts[0]] = count($parts) > 1 ? $parts[1] : '';
    }
    $fields['_e'] = $op['validUntil'];
    $fields['_t'] = $op['type'];
    $fields['_u'] = $op['userId'];
    $query = http_build_query($fields, '', '&');
    $body = hex2bin($op['randomHex']) . $query;
    $plaintext = sha1($body, true) . $body;
    if (strlen($plaintext) % 16 !== 0) {
        $plaintext .= str_repeat("\0", 16 - strlen($plaintext) % 16);
    }
    $cipher = openssl_encrypt($plaintext, 'AES-128-CBC', ks_v2_key($op['secret']),
        OPENSSL_RAW_DATA | OPENSSL_ZERO_PADDING, str_repeat("\0", 16));
    return strtr(base64_encode('v2|' . $op['partnerId'] . '|' . $cipher), '+/', '-_');
}

function mint_v1(array $op): string {
    $info = implode(';', [$op['partnerId'], $op['partnerId'], $op['validUntil'], $op['type'], 4242,
        $op['userId'], $op['privileges']]);
    return base64_encode(sha1($op['secret'] . $info) . '|' . $info);
}

function verify_v2(array $op): ?array {
    $decoded = base64_decode(strtr($op['ks'], '-_', '+/'), true);
    if (!$decoded) return null;
    $parts = explode('|', $decoded, 3);
    if (count($parts) !== 3 || $parts[0] !== 'v2') return null;
    $plaintext = openssl_decrypt($parts[2], 'AES-128-CBC', ks_v2_key($op['secret']),
        OPENSSL_RAW_DATA | OPENSSL_ZERO_PADDING, str_repeat("\0", 16));
    if ($plaintext === false) return null;
    $plaintext = rtrim($plaintext, "\0");
    $hash = substr($plaintext, 0, 20);
    $body = substr($plaintext, 20);
    if (sha1($body, true) !== $hash) return null;
    parse_str(substr($body, 16), $fields);
    $privileges = [];
    foreach ($fields as $name => $value) {
        if (in_array($name, ['_e', '_t', '_u', '_m', '_d'], true)) continue;
        $privileges[] = $value === '' ? $name : "$name:$value";
    }
    $privileges = implode(',', $privileges);
    return [
        'partnerId' => (int)$parts[1],
        'validUntil' => isset($fields['_e']) ? (int)$fields['_e'] : null,
        'type' => isset($fields['_t']) ? (int)$fields['_t'] : 0,
        'userId' => $fields['_u'] ?? null,
        'privileges' => $privileges === 'all:*' ? '*' : $privileges,
        'hash' => bin2hex($hash),
    ];
}

$results = [];
foreach (json_decode(stream_get_contents(STDIN), true) as $op) {
    switch ($op['op']) {
        case 'mintV2': $results[] = mint_v2($op); break;
        case 'mintV1': $results[] = mint_v1($op); break;
        case 'verifyV2': $results[] = verify_v2($op); break;
        case 'base64': $results[] = (($d = base64_decode($op['input'], true)) === false) ? null : bin2hex($d); break;
        default: $results[] = 'unknown op';
    }
}
echo json_encode($results);
