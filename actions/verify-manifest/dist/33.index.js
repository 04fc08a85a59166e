export const id = 33;
export const ids = [33];
export const modules = {

/***/ 48033:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  verifySigstoreBundle: () => (/* binding */ verifySigstoreBundle)
});

// UNUSED EXPORTS: PUBLIC_GOOD_ROOT_NAME

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ../../node_modules/.pnpm/@sigstore+bundle@4.0.0/node_modules/@sigstore/bundle/dist/index.js
var dist = __webpack_require__(63120);
// EXTERNAL MODULE: ../../node_modules/.pnpm/@sigstore+protobuf-specs@0.5.2/node_modules/@sigstore/protobuf-specs/dist/index.js
var protobuf_specs_dist = __webpack_require__(75591);
// EXTERNAL MODULE: ../../node_modules/.pnpm/@sigstore+verify@3.1.1/node_modules/@sigstore/verify/dist/index.js
var verify_dist = __webpack_require__(41447);
// EXTERNAL MODULE: ../../packages/core/src/errors.ts
var errors = __webpack_require__(29179);
// EXTERNAL MODULE: ../../packages/core/src/manifest/keys.ts
var manifest_keys = __webpack_require__(90308);
;// CONCATENATED MODULE: ../../packages/core/src/manifest/sigstore/public-good.trusted_root.json
const public_good_trusted_root_namespaceObject = /*#__PURE__*/JSON.parse('{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"baseUrl":"https://rekor.sigstore.dev","hashAlgorithm":"SHA2_256","publicKey":{"rawBytes":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==","keyDetails":"PKIX_ECDSA_P256_SHA_256","validFor":{"start":"2021-01-12T11:53:27Z"}},"logId":{"keyId":"wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="}},{"baseUrl":"https://log2025-1.rekor.sigstore.dev","hashAlgorithm":"SHA2_256","publicKey":{"rawBytes":"MCowBQYDK2VwAyEAt8rlp1knGwjfbcXAYPYAkn0XiLz1x8O4t0YkEhie244=","keyDetails":"PKIX_ED25519","validFor":{"start":"2025-09-23T00:00:00Z"}},"logId":{"keyId":"zxGZFVvd0FEmjR8WrFwMdcAJ9vtaY/QXf44Y1wUeP6A="}}],"certificateAuthorities":[{"subject":{"organization":"sigstore.dev","commonName":"sigstore"},"uri":"https://fulcio.sigstore.dev","certChain":{"certificates":[{"rawBytes":"MIIB+DCCAX6gAwIBAgITNVkDZoCiofPDsy7dfm6geLbuhzAKBggqhkjOPQQDAzAqMRUwEwYDVQQKEwxzaWdzdG9yZS5kZXYxETAPBgNVBAMTCHNpZ3N0b3JlMB4XDTIxMDMwNzAzMjAyOVoXDTMxMDIyMzAzMjAyOVowKjEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MREwDwYDVQQDEwhzaWdzdG9yZTB2MBAGByqGSM49AgEGBSuBBAAiA2IABLSyA7Ii5k+pNO8ZEWY0ylemWDowOkNa3kL+GZE5Z5GWehL9/A9bRNA3RbrsZ5i0JcastaRL7Sp5fp/jD5dxqc/UdTVnlvS16an+2Yfswe/QuLolRUCrcOE2+2iA5+tzd6NmMGQwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwHQYDVR0OBBYEFMjFHQBBmiQpMlEk6w2uSu1KBtPsMB8GA1UdIwQYMBaAFMjFHQBBmiQpMlEk6w2uSu1KBtPsMAoGCCqGSM49BAMDA2gAMGUCMH8liWJfMui6vXXBhjDgY4MwslmN/TJxVe/83WrFomwmNf056y1X48F9c4m3a3ozXAIxAKjRay5/aj/jsKKGIkmQatjI8uupHr/+CxFvaJWmpYqNkLDGRU+9orzh5hI2RrcuaQ=="}]},"validFor":{"start":"2021-03-07T03:20:29Z","end":"2022-12-31T23:59:59.999Z"}},{"subject":{"organization":"sigstore.dev","commonName":"sigstore"},"uri":"https://fulcio.sigstore.dev","certChain":{"certificates":[{"rawBytes":"MIICGjCCAaGgAwIBAgIUALnViVfnU0brJasmRkHrn/UnfaQwCgYIKoZIzj0EAwMwKjEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MREwDwYDVQQDEwhzaWdzdG9yZTAeFw0yMjA0MTMyMDA2MTVaFw0zMTEwMDUxMzU2NThaMDcxFTATBgNVBAoTDHNpZ3N0b3JlLmRldjEeMBwGA1UEAxMVc2lnc3RvcmUtaW50ZXJtZWRpYXRlMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE8RVS/ysH+NOvuDZyPIZtilgUF9NlarYpAd9HP1vBBH1U5CV77LSS7s0ZiH4nE7Hv7ptS6LvvR/STk798LVgMzLlJ4HeIfF3tHSaexLcYpSASr1kS0N/RgBJz/9jWCiXno3sweTAOBgNVHQ8BAf8EBAMCAQYwEwYDVR0lBAwwCgYIKwYBBQUHAwMwEgYDVR0TAQH/BAgwBgEB/wIBADAdBgNVHQ4EFgQU39Ppz1YkEZb5qNjpKFWixi4YZD8wHwYDVR0jBBgwFoAUWMAeX5FFpWapesyQoZMi0CrFxfowCgYIKoZIzj0EAwMDZwAwZAIwPCsQK4DYiZYDPIaDi5HFKnfxXx6ASSVmERfsynYBiX2X6SJRnZU84/9DZdnFvvxmAjBOt6QpBlc4J/0DxvkTCqpclvziL6BCCPnjdlIB3Pu3BxsPmygUY7Ii2zbdCdliiow="},{"rawBytes":"MIIB9zCCAXygAwIBAgIUALZNAPFdxHPwjeDloDwyYChAO/4wCgYIKoZIzj0EAwMwKjEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MREwDwYDVQQDEwhzaWdzdG9yZTAeFw0yMTEwMDcxMzU2NTlaFw0zMTEwMDUxMzU2NThaMCoxFTATBgNVBAoTDHNpZ3N0b3JlLmRldjERMA8GA1UEAxMIc2lnc3RvcmUwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAT7XeFT4rb3PQGwS4IajtLk3/OlnpgangaBclYpsYBr5i+4ynB07ceb3LP0OIOZdxexX69c5iVuyJRQ+Hz05yi+UF3uBWAlHpiS5sh0+H2GHE7SXrk1EC5m1Tr19L9gg92jYzBhMA4GA1UdDwEB/wQEAwIBBjAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBRYwB5fkUWlZql6zJChkyLQKsXF+jAfBgNVHSMEGDAWgBRYwB5fkUWlZql6zJChkyLQKsXF+jAKBggqhkjOPQQDAwNpADBmAjEAj1nHeXZp+13NWBNa+EDsDP8G1WWg1tCMWP/WHPqpaVo0jhsweNFZgSs0eE7wYI4qAjEA2WB9ot98sIkoF3vZYdd3/VtWB5b9TNMea7Ix/stJ5TfcLLeABLE4BNJOsQ4vnBHJ"}]},"validFor":{"start":"2022-04-13T20:06:15Z"}}],"ctlogs":[{"baseUrl":"https://ctfe.sigstore.dev/test","hashAlgorithm":"SHA2_256","publicKey":{"rawBytes":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEbfwR+RJudXscgRBRpKX1XFDy3PyudDxz/SfnRi1fT8ekpfBd2O1uoz7jr3Z8nKzxA69EUQ+eFCFI3zeubPWU7w==","keyDetails":"PKIX_ECDSA_P256_SHA_256","validFor":{"start":"2021-03-14T00:00:00Z","end":"2022-10-31T23:59:59.999Z"}},"logId":{"keyId":"CGCS8ChS/2hF0dFrJ4ScRWcYrBY9wzjSbea8IgY2b3I="}},{"baseUrl":"https://ctfe.sigstore.dev/2022","hashAlgorithm":"SHA2_256","publicKey":{"rawBytes":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEiPSlFi0CmFTfEjCUqF9HuCEcYXNKAaYalIJmBZ8yyezPjTqhxrKBpMnaocVtLJBI1eM3uXnQzQGAJdJ4gs9Fyw==","keyDetails":"PKIX_ECDSA_P256_SHA_256","validFor":{"start":"2022-10-20T00:00:00Z"}},"logId":{"keyId":"3T0wasbHETJjGR4cmWc3AqJKXrjePK3/h4pygC8p7o4="}}],"timestampAuthorities":[{"subject":{"organization":"sigstore.dev","commonName":"sigstore-tsa-selfsigned"},"uri":"https://timestamp.sigstore.dev/api/v1/timestamp","certChain":{"certificates":[{"rawBytes":"MIICEDCCAZagAwIBAgIUOhNULwyQYe68wUMvy4qOiyojiwwwCgYIKoZIzj0EAwMwOTEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MSAwHgYDVQQDExdzaWdzdG9yZS10c2Etc2VsZnNpZ25lZDAeFw0yNTA0MDgwNjU5NDNaFw0zNTA0MDYwNjU5NDNaMC4xFTATBgNVBAoTDHNpZ3N0b3JlLmRldjEVMBMGA1UEAxMMc2lnc3RvcmUtdHNhMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE4ra2Z8hKNig2T9kFjCAToGG30jky+WQv3BzL+mKvh1SKNR/UwuwsfNCg4sryoYAd8E6isovVA3M4aoNdm9QDi50Z8nTEyvqgfDPtTIwXItfiW/AFf1V7uwkbkAoj0xxco2owaDAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0OBBYEFIn9eUOHz9BlRsMCRscsc1t9tOsDMB8GA1UdIwQYMBaAFJjsAe9/u1H/1JUeb4qImFMHic6/MBYGA1UdJQEB/wQMMAoGCCsGAQUFBwMIMAoGCCqGSM49BAMDA2gAMGUCMDtpsV/6KaO0qyF/UMsX2aSUXKQFdoGTptQGc0ftq1csulHPGG6dsmyMNd3JB+G3EQIxAOajvBcjpJmKb4Nv+2Taoj8Uc5+b6ih6FXCCKraSqupe07zqswMcXJTe1cExvHvvlw=="},{"rawBytes":"MIIB9zCCAXygAwIBAgIUV7f0GLDOoEzIh8LXSW80OJiUp14wCgYIKoZIzj0EAwMwOTEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MSAwHgYDVQQDExdzaWdzdG9yZS10c2Etc2VsZnNpZ25lZDAeFw0yNTA0MDgwNjU5NDNaFw0zNTA0MDYwNjU5NDNaMDkxFTATBgNVBAoTDHNpZ3N0b3JlLmRldjEgMB4GA1UEAxMXc2lnc3RvcmUtdHNhLXNlbGZzaWduZWQwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAQUQNtfRT/ou3YATa6wB/kKTe70cfJwyRIBovMnt8RcJph/COE82uyS6FmppLLL1VBPGcPfpQPYJNXzWwi8icwhKQ6W/Qe2h3oebBb2FHpwNJDqo+TMaC/tdfkv/ElJB72jRTBDMA4GA1UdDwEB/wQEAwIBBjASBgNVHRMBAf8ECDAGAQH/AgEAMB0GA1UdDgQWBBSY7AHvf7tR/9SVHm+KiJhTB4nOvzAKBggqhkjOPQQDAwNpADBmAjEAwGEGrfGZR1cen1R8/DTVMI943LssZmJRtDp/i7SfGHmGRP6gRbuj9vOK3b67Z0QQAjEAuT2H673LQEaHTcyQSZrkp4mX7WwkmF+sVbkYY5mXN+RMH13KUEHHOqASaemYWK/E"}]},"validFor":{"start":"2025-07-04T00:00:00Z"}}]}');
;// CONCATENATED MODULE: ../../packages/core/src/manifest/sigstore/index.ts
/**
 * Sigstore bundles, verified offline with sigstore-js against a trusted root. Only this folder imports
 * sigstore-js, and verify-manifest loads it with a dynamic `import()`, so a run without a bundle never
 * loads it.
 *
 * What passes: a bundle of a known version (v0.1, v0.2, v0.3) whose signature verifies over the
 * artifact (a message signature over its bytes, or a DSSE in-toto statement naming its sha256), whose
 * transparency-log entries verify against the root's logs (a signed entry timestamp or an inclusion
 * proof with a signed checkpoint), with at least one verified signing time (the integrated time of an
 * entry with a signed entry timestamp, or an RFC 3161 timestamp from one of the root's authorities),
 * and whose signer is accepted: a certificate chaining to one of the root's CAs, valid at that time
 * (it may have expired since), with its SCT when the root has CT logs, and with an identity and issuer
 * the caller accepts; or a managed key among the caller's keys.
 */







/** The name messages give the root that ships with the action (see ORIGIN.md beside it). */
const PUBLIC_GOOD_ROOT_NAME = 'public-good sigstore trusted root (built in)';
/** Bundles are a few KiB (actions/attest's are ~10 KiB); anything near this is not a bundle. */
const MAX_BUNDLE_BYTES = 1024 * 1024;
const MAX_ROOT_BYTES = 1024 * 1024;
const MEDIA_TYPES = {
    'application/vnd.dev.sigstore.bundle+json;version=0.1': 'v0.1',
    'application/vnd.dev.sigstore.bundle+json;version=0.2': 'v0.2',
    'application/vnd.dev.sigstore.bundle+json;version=0.3': 'v0.3',
    'application/vnd.dev.sigstore.bundle.v0.3+json': 'v0.3',
};
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** Fields of the bundle's JSON that hold bytes, in protobuf JSON's base64 (standard or URL-safe, padding optional). */
const BYTES_FIELDS = new Set([
    'rawBytes',
    'signature',
    'digest',
    'payload',
    'sig',
    'keyId',
    'canonicalizedBody',
    'signedEntryTimestamp',
    'rootHash',
    'hashes',
    'signedTimestamp',
]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const BASE64URL = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}(?:==)?|[A-Za-z0-9_-]{3}=?)?$/;
const DIGESTS = {
    SHA2_256: 'sha256',
    SHA2_384: 'sha384',
    SHA2_512: 'sha512',
};
/**
 * Verifies a sigstore bundle over `input.artifact`, offline against the trusted root. Throws a
 * ConfigError naming the bundle when it does not verify: `E_BUNDLE` (not JSON, unknown version,
 * missing or malformed part), `E_SIGNATURE` (does not verify over these bytes, log entry or timestamp
 * invalid, certificate not valid at signing time), `E_TRUST_ROOT` (root unreadable, or the signer's
 * CA or log is not in it: another sigstore instance), `E_IDENTITY` (keyless signer or issuer not
 * accepted, or no identity given), `E_KEY` (a managed-key bundle with no key, or a key that is not a
 * PEM public key).
 */
function verifySigstoreBundle(input) {
    try {
        return Promise.resolve(verifySync(input));
    }
    catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
}
function verifySync(input) {
    const name = input.bundle.name;
    const { bundle, version } = parseBundle(input.bundle.json, name);
    const rootName = input.trustedRoot?.name ?? PUBLIC_GOOD_ROOT_NAME;
    const root = parseTrustedRoot(input.trustedRoot?.json, rootName, name);
    const content = checkContent(bundle, input.artifact, name);
    checkLogsKnown(bundle, root, name, rootName);
    let entity;
    try {
        entity = (0,verify_dist/* toSignedEntity */.DC)(bundle, input.artifact);
    }
    catch (error) {
        throw new errors/* ConfigError */.xL('E_BUNDLE', `${name}: unreadable certificate or timestamp in the bundle (${describe(error)})`);
    }
    // An integrated time is only evidence when the log signed it (the SET); an entry with only an
    // inclusion proof says nothing verified about when it was made. sigstore-js ignores such times too;
    // dropping them here keeps `timestamps` and `signedAt` of the result to verified times only.
    const timestamps = entity.timestamps.filter((t) => t.$case !== 'transparency-log' || t.tlogEntry.inclusionPromise !== undefined);
    entity = { ...entity, timestamps };
    const material = bundle.verificationMaterial.content;
    const options = {
        tlogThreshold: root.tlogs.length > 0 ? 1 : 0,
        ctlogThreshold: root.ctlogs.length > 0 ? 1 : 0,
        timestampThreshold: 1,
    };
    let signer;
    if (material.$case === 'publicKey') {
        signer = verifyWithKeys(entity, root, options, material.publicKey.hint, input.keys, name, rootName);
    }
    else {
        const trust = trustMaterial(root, undefined, rootName, name);
        const verified = runVerifier(trust, options, entity, name, rootName, root);
        signer = matchIdentity(verified, input.identities, name);
    }
    return {
        signer,
        bundleVersion: version,
        timestamps: [...new Set(timestamps.map((t) => (t.$case === 'transparency-log' ? 'tlog' : 'tsa')))].sort(),
        content: content.kind,
        ...(content.predicateType !== undefined ? { predicateType: content.predicateType } : {}),
        signedAt: earliest(timestamps).toISOString(),
        trustedRoot: rootName,
    };
}
function parseBundle(json, name) {
    if (Buffer.byteLength(json) > MAX_BUNDLE_BYTES)
        throw new errors/* ConfigError */.xL('E_BUNDLE', `${name} is larger than ${MAX_BUNDLE_BYTES} bytes: not a sigstore bundle`);
    let raw;
    try {
        raw = JSON.parse(json);
    }
    catch {
        throw new errors/* ConfigError */.xL('E_BUNDLE', `${name} is not valid JSON, so not a sigstore bundle`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        throw new errors/* ConfigError */.xL('E_BUNDLE', `${name} is not a sigstore bundle (expected a JSON object)`);
    const mediaType = raw.mediaType;
    const version = typeof mediaType === 'string' ? MEDIA_TYPES[mediaType] : undefined;
    if (version === undefined) {
        const shown = typeof mediaType === 'string' ? JSON.stringify(mediaType.slice(0, 100)) : 'missing';
        throw new errors/* ConfigError */.xL('E_BUNDLE', `${name}: unknown sigstore bundle version (mediaType ${shown}; v0.1, v0.2 and v0.3 are supported)`);
    }
    const badBytes = findBadBase64(raw, '');
    if (badBytes !== undefined)
        throw new errors/* ConfigError */.xL('E_BUNDLE', `${name}: ${badBytes} is not valid base64`);
    try {
        return { bundle: (0,dist/* bundleFromJSON */.vw)(raw), version };
    }
    catch (error) {
        const fields = error instanceof dist/* ValidationError */.yI && error.fields ? ` (${error.fields.join(', ')})` : '';
        throw new errors/* ConfigError */.xL('E_BUNDLE', `${name} is not a valid ${version} sigstore bundle: ${describe(error)}${fields}`);
    }
}
/** protobuf's JSON reader decodes any string as base64, dropping what is not; a bundle must not pass on bytes it does not say. */
function findBadBase64(value, pointer) {
    if (Array.isArray(value)) {
        for (const [i, item] of value.entries()) {
            const bad = findBadBase64(item, `${pointer}/${i}`);
            if (bad !== undefined)
                return bad;
        }
        return undefined;
    }
    if (typeof value !== 'object' || value === null)
        return undefined;
    for (const [key, item] of Object.entries(value)) {
        const at = `${pointer}/${key}`;
        if (BYTES_FIELDS.has(key)) {
            const strings = typeof item === 'string' ? [item] : Array.isArray(item) && item.every((s) => typeof s === 'string') ? item : [];
            for (const s of strings)
                if (!BASE64.test(s) && !BASE64URL.test(s))
                    return at;
            if (strings.length > 0)
                continue;
        }
        const bad = findBadBase64(item, at);
        if (bad !== undefined)
            return bad;
    }
    return undefined;
}
function parseTrustedRoot(json, rootName, name) {
    let raw = public_good_trusted_root_namespaceObject;
    if (json !== undefined) {
        if (Buffer.byteLength(json) > MAX_ROOT_BYTES)
            throw new errors/* ConfigError */.xL('E_TRUST_ROOT', `${rootName} is larger than ${MAX_ROOT_BYTES} bytes: not a trusted root (verifying ${name})`);
        try {
            raw = JSON.parse(json);
        }
        catch {
            throw new errors/* ConfigError */.xL('E_TRUST_ROOT', `${rootName} is not valid JSON, so not a sigstore trusted root (verifying ${name})`);
        }
    }
    const mediaType = typeof raw === 'object' && raw !== null ? raw.mediaType : undefined;
    if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
        throw new errors/* ConfigError */.xL('E_TRUST_ROOT', `${rootName} is not a sigstore trusted root (mediaType application/vnd.dev.sigstore.trustedroot…) (verifying ${name})`);
    }
    try {
        const root = protobuf_specs_dist.TrustedRoot.fromJSON(raw);
        // Build the material once here so that an unreadable key or certificate is the root's fault, said so.
        (0,verify_dist/* toTrustMaterial */.jO)(root);
        return root;
    }
    catch (error) {
        throw new errors/* ConfigError */.xL('E_TRUST_ROOT', `${rootName} is not a readable sigstore trusted root: ${describe(error)} (verifying ${name})`);
    }
}
/**
 * The bundle must be about these bytes. sigstore-js checks a message signature over the artifact but
 * not the digest the bundle states, and a DSSE envelope only over its own payload: the statement's
 * subjects are ours to match.
 */
function checkContent(bundle, artifact, name) {
    const content = bundle.content;
    if (content.$case === 'messageSignature') {
        const stated = content.messageSignature.messageDigest;
        if (stated === undefined)
            throw new errors/* ConfigError */.xL('E_BUNDLE', `${name}: message signature without messageDigest`);
        const algorithm = DIGESTS[algorithmName(stated.algorithm)];
        if (algorithm === undefined)
            throw new errors/* ConfigError */.xL('E_BUNDLE', `${name}: unsupported message digest algorithm ${String(stated.algorithm)}`);
        const actual = (0,external_node_crypto_.createHash)(algorithm).update(artifact).digest();
        if (!actual.equals(Buffer.from(stated.digest))) {
            throw new errors/* ConfigError */.xL('E_SIGNATURE', `${name} is for other bytes: its message digest is not the ${algorithm} of the manifest`);
        }
        return { kind: 'message-signature' };
    }
    const envelope = content.dsseEnvelope;
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
        throw new errors/* ConfigError */.xL('E_BUNDLE', `${name}: DSSE payload type ${JSON.stringify(envelope.payloadType)} is not an in-toto statement (${IN_TOTO_PAYLOAD_TYPE})`);
    }
    let statement;
    try {
        statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
    }
    catch {
        throw new errors/* ConfigError */.xL('E_BUNDLE', `${name}: the DSSE payload is not JSON`);
    }
    const record = typeof statement === 'object' && statement !== null ? statement : {};
    const subjects = Array.isArray(record.subject) ? record.subject : [];
    const sha256 = (0,external_node_crypto_.createHash)('sha256').update(artifact).digest('hex');
    const covered = subjects.some((subject) => {
        const digest = typeof subject === 'object' && subject !== null ? subject.digest : undefined;
        const value = typeof digest === 'object' && digest !== null ? digest.sha256 : undefined;
        return typeof value === 'string' && value.toLowerCase() === sha256;
    });
    if (!covered) {
        throw new errors/* ConfigError */.xL('E_SIGNATURE', `${name} is for other bytes: no subject of its in-toto statement has the manifest's sha256 ${sha256}`);
    }
    const predicateType = typeof record.predicateType === 'string' ? record.predicateType : undefined;
    return { kind: 'dsse', ...(predicateType !== undefined ? { predicateType } : {}) };
}
function algorithmName(value) {
    // protobuf-specs gives the enum as a number; its JSON name is what DIGESTS knows.
    const names = { 1: 'SHA2_256', 2: 'SHA2_384', 3: 'SHA2_512' };
    return typeof value === 'number' ? (names[value] ?? String(value)) : String(value);
}
/** A log the root does not know is another sigstore instance (staging, private), not a bad signature. */
function checkLogsKnown(bundle, root, name, rootName) {
    const known = new Set();
    for (const log of root.tlogs) {
        if (log.logId)
            known.add(Buffer.from(log.logId.keyId).toString('hex'));
        if (log.checkpointKeyId)
            known.add(Buffer.from(log.checkpointKeyId.keyId).toString('hex'));
    }
    for (const entry of bundle.verificationMaterial.tlogEntries) {
        const id = Buffer.from(entry.logId.keyId).toString('hex');
        if (!known.has(id)) {
            throw new errors/* ConfigError */.xL('E_TRUST_ROOT', `${name}: its transparency log (key id ${Buffer.from(entry.logId.keyId).toString('base64')}) is not in ${rootName}: signed on another sigstore instance?`);
        }
    }
}
function trustMaterial(root, key, rootName, name) {
    try {
        return (0,verify_dist/* toTrustMaterial */.jO)(root, key === undefined
            ? undefined
            : () => ({
                publicKey: key.key,
                // A managed key has no validity period of its own; the caller's list is what trusts it.
                validFor: () => true,
            }));
    }
    catch (error) {
        throw new errors/* ConfigError */.xL('E_TRUST_ROOT', `${rootName} is not a readable sigstore trusted root: ${describe(error)} (verifying ${name})`);
    }
}
function verifyWithKeys(entity, root, options, hint, pems, name, rootName) {
    if (pems.length === 0) {
        throw new errors/* ConfigError */.xL('E_KEY', `${name} is signed with a managed key (hint ${hint || 'none'}), and no public key was given to verify it (set public-key or signing.keys)`);
    }
    const keys = pems.map((k) => {
        try {
            return (0,manifest_keys/* parsePublicKey */.ee)(k.pem, k.name);
        }
        catch (error) {
            if (error instanceof errors/* ConfigError */.xL)
                throw new errors/* ConfigError */.xL(error.code, `${error.message} (verifying ${name})`);
            throw error;
        }
    });
    // The hint names the key; cosign ignores it, so a bundle whose hint matches none of the keys is
    // still tried with each of them: only the signature decides.
    const hinted = keys.filter((k) => k.hint === hint);
    const candidates = hinted.length > 0 ? hinted : keys;
    let first;
    for (const key of candidates) {
        try {
            runVerifier(trustMaterial(root, key, rootName, name), options, entity, name, rootName, root);
            return { kind: 'key', fingerprint: key.fingerprint, keyName: key.name };
        }
        catch (error) {
            if (!(error instanceof errors/* ConfigError */.xL))
                throw error;
            first ??= error;
        }
    }
    if (first !== undefined && first.code !== 'E_SIGNATURE')
        throw first;
    const tried = candidates.map((k) => k.name).join(', ');
    throw new errors/* ConfigError */.xL('E_SIGNATURE', `${name} does not verify with ${candidates.length === 1 ? 'the key' : 'any of the keys'} ${tried}${first ? `: ${first.message}` : ''}`);
}
function runVerifier(trust, options, entity, name, rootName, root) {
    try {
        return new verify_dist/* Verifier */.BL(trust, options).verify(entity);
    }
    catch (error) {
        throw mapVerificationError(error, name, rootName, root);
    }
}
function mapVerificationError(error, name, rootName, root) {
    if (!(error instanceof verify_dist/* VerificationError */.mk)) {
        return new errors/* ConfigError */.xL('E_SIGNATURE', `${name} does not verify: ${describe(error)}`);
    }
    const detail = [error.message, error.cause instanceof Error ? error.cause.message : undefined].filter(Boolean).join(': ');
    switch (error.code) {
        case 'CERTIFICATE_ERROR':
            if (/no (valid|trusted) certificate path/.test(detail)) {
                return new errors/* ConfigError */.xL('E_TRUST_ROOT', `${name}: its certificate was not issued by a certificate authority in ${rootName}: signed on another sigstore instance?`);
            }
            if (/not valid or expired/.test(detail)) {
                return new errors/* ConfigError */.xL('E_SIGNATURE', `${name}: its certificate was not valid at the verified signing time`);
            }
            if (/SCT/.test(detail) && root.ctlogs.length > 0) {
                return new errors/* ConfigError */.xL('E_SIGNATURE', `${name}: its certificate has no valid certificate-transparency timestamp from a log in ${rootName} (${detail})`);
            }
            return new errors/* ConfigError */.xL('E_SIGNATURE', `${name}: its certificate does not verify (${detail})`);
        case 'TIMESTAMP_ERROR':
            return new errors/* ConfigError */.xL('E_SIGNATURE', `${name}: no verified signing time (${detail}); a transparency-log entry with a signed entry timestamp, or an RFC 3161 timestamp from an authority in ${rootName}, is required`);
        case 'TLOG_INCLUSION_PROMISE_ERROR':
        case 'TLOG_INCLUSION_PROOF_ERROR':
        case 'TLOG_MISSING_INCLUSION_ERROR':
            return new errors/* ConfigError */.xL('E_SIGNATURE', `${name}: its transparency-log entry does not verify against ${rootName} (${detail})`);
        case 'TLOG_BODY_ERROR':
            return new errors/* ConfigError */.xL('E_SIGNATURE', `${name}: its transparency-log entry is for another signature or digest (${detail})`);
        case 'TLOG_ERROR':
            return new errors/* ConfigError */.xL('E_SIGNATURE', `${name}: no transparency-log entry, and ${rootName} has logs (${detail})`);
        default:
            return new errors/* ConfigError */.xL('E_SIGNATURE', `${name} does not verify over the manifest (${detail})`);
    }
}
/** Issuer exactly; subject exactly, or by the regexp matched against the whole subject. */
function matchIdentity(verified, identities, name) {
    const subject = verified.identity?.subjectAlternativeName ?? '';
    const issuer = verified.identity?.extensions?.issuer ?? '';
    const found = `identity ${JSON.stringify(subject)}, issuer ${JSON.stringify(issuer)}`;
    if (identities.length === 0) {
        throw new errors/* ConfigError */.xL('E_IDENTITY', `${name} is signed keylessly (${found}), and no accepted identity was given (set certificate-identity and certificate-oidc-issuer, or signing.identities)`);
    }
    if (subject === '' || issuer === '') {
        throw new errors/* ConfigError */.xL('E_IDENTITY', `${name}: its certificate has no ${subject === '' ? 'subject alternative name' : 'OIDC issuer'}, so it matches no accepted identity`);
    }
    for (const identity of identities) {
        if (identity.issuer !== issuer)
            continue;
        if (identity.subject !== undefined && identity.subject === subject)
            return { kind: 'certificate', identity: subject, issuer };
        if (identity.subjectRegex !== undefined && anchored(identity.subjectRegex, name).test(subject))
            return { kind: 'certificate', identity: subject, issuer };
    }
    const issuerKnown = identities.some((i) => i.issuer === issuer);
    throw new errors/* ConfigError */.xL('E_IDENTITY', `${name}: signed by ${found}, which ${issuerKnown ? 'matches no accepted identity' : 'is not an accepted issuer'}`);
}
function anchored(source, name) {
    try {
        // Compiled alone first: a valid pattern has balanced groups, so `^(?:…)$` anchors all of it and
        // `a)|(b` cannot escape the anchors.
        new RegExp(source);
        return new RegExp(`^(?:${source})$`);
    }
    catch (error) {
        throw new errors/* ConfigError */.xL('E_IDENTITY', `certificate identity regexp ${JSON.stringify(source)} is not valid (${describe(error)}), verifying ${name}`);
    }
}
function earliest(timestamps) {
    const times = timestamps.map((t) => (t.$case === 'transparency-log' ? new Date(Number(t.tlogEntry.integratedTime) * 1000) : t.timestamp.signingTime));
    return new Date(Math.min(...times.map((d) => d.getTime())));
}
function describe(error) {
    return error instanceof Error ? error.message : String(error);
}


/***/ })

};
