// Unit tests of the adapter (written by `xcgate plugin new`), run by ./test.sh: the built
// component (target/{{name}}.wasm) is transpiled with jco (installed by build.sh) and every
// test calls a fresh instance, as the gateway does. The host is played here: `config` from
// the settings below, `log` collected, `transport` refused; WASI is
// @bytecodealliance/preview2-shim, sandboxed.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tools = resolve(process.env.XCGATE_EXAMPLES_TOOLS ?? '/tmp/xcgate-examples');
const npm = join(tools, 'npm/node_modules');
const { WASIShim } = await import(pathToFileURL(
  join(npm, '@bytecodealliance/preview2-shim/dist/common/instantiation.js')));

// The test patients and documents of settings.toml (what `config.get` gives: arrays and
// tables as JSON).
const code = (c, scheme, display) => ({ code: c, scheme, display });
const SETTINGS = {
  patients: [
    { id: 'EX-1001', root: '2.999.7.1', family: 'Virtanen', given: 'Aino', gender: 'F', birth_time: '19900312' },
    { id: 'EX-1002', root: '2.999.7.1', family: 'Korhonen', given: 'Eero', gender: 'M', birth_time: '19551120' },
  ],
  documents: [{
    patient: 'EX-1001', unique_id: '2.999.7.2.1', title: 'Note 1', creation_time: '20240312083001',
    mime_type: 'text/plain', repository_unique_id: '2.999.7.3', size: 26,
    hash: 'c0826d33737f26f5b98f5cf23fa51c78ede4573e',
    class_code: code('18842-5', '2.16.840.1.113883.6.1', 'Discharge summary'),
    type_code: code('18842-5', '2.16.840.1.113883.6.1', 'Discharge summary'),
    format_code: code('urn:ihe:iti:xds:2017:mimeTypeSufficient', '1.3.6.1.4.1.19376.1.2.3', 'mimeType Sufficient'),
    healthcare_facility_type_code: code('22232009', '2.16.840.1.113883.6.96', 'Hospital'),
    practice_setting_code: code('394802001', '2.16.840.1.113883.6.96', 'General medicine'),
  }],
};

function imports(settings, logged) {
  const wasi = new WASIShim({
    sandbox: { preopens: {}, env: {}, args: ['adapter'], enableNetwork: false },
  }).getImportObject();
  const xcgate = {
    'xcgate:adapter/config': {
      get: (key) => (typeof settings[key] === 'string' ? settings[key]
        : settings[key] === undefined ? undefined : JSON.stringify(settings[key])),
      keys: () => Object.keys(settings),
    },
    'xcgate:adapter/log': { log: (level, message) => logged.push([level, message]) },
    'xcgate:adapter/transport': {
      send: (request) => { throw { payload: { tag: 'undeclared-endpoint', val: request.endpoint } }; },
    },
    'xcgate:adapter/types': {},
  };
  // Imports are named with or without their version (`wasi:cli/stdout@0.2.9`).
  return new Proxy({}, { get: (_, key) => (typeof key === 'string' ? xcgate[key.split('@')[0]] ?? wasi[key.split('@')[0]] : undefined) });
}

const out = join(here, 'target/transpiled');
execFileSync(join(npm, '.bin/jco'), ['transpile', join(here, 'target/{{name}}.wasm'), '-o', out,
  '--name', 'adapter', '--instantiation', 'async', '--no-typescript', '--quiet'], { stdio: 'inherit' });
const { instantiate } = await import(pathToFileURL(join(out, 'adapter.js')));
const core = (file) => readFile(join(out, file)).then(WebAssembly.compile);
const fresh = (settings = SETTINGS, logged = []) => instantiate(core, imports(settings, logged));

const ctx = {
  requestId: 'unit-test', deadlineUnixMs: BigInt(Date.now() + 60000),
  targetHomeCommunityId: 'urn:oid:2.999.7', initiatorHomeCommunityId: undefined, user: undefined, extensions: [],
};
const query = (family, given, birth, gender) => ({
  names: [{ family: [family], given: [given], prefix: [], suffix: [], nameUse: undefined }],
  birthTime: { value: birth, low: undefined, high: undefined }, gender, ids: [], addresses: [],
  telecoms: [], mothersMaidenName: undefined, birthPlaceAddress: undefined, birthPlaceName: undefined,
  principalCareProviderIds: [], matchAlgorithm: undefined, minimumDegreeMatch: undefined,
  reverseQueryAssigningAuthority: undefined, extensions: [],
});
const slot = (name, value) => ({ name, slotType: undefined, values: [value] });
const findDocuments = (cx) => ({
  queryId: 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d', returnType: 'leaf-class',
  parameters: [slot('$XDSDocumentEntryPatientId', `'${cx}'`),
    slot('$XDSDocumentEntryStatus', "('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')")],
  homeCommunityId: undefined, extensions: [],
});

const tests = {
  async 'aino is found by name, birth time and gender'() {
    const found = (await fresh()).patientDiscovery.discoverPatients(ctx, query('Virtanen', 'Aino', '19900312', 'F'));
    assert.deepEqual(found.map((m) => m.patientId.extension), ['EX-1001']);
  },
  async 'every parameter sent is used'() {
    const ask = async (q) => (await fresh()).patientDiscovery.discoverPatients(ctx, q).length;
    assert.equal(await ask(query('Virtanen', 'Aino', '19900312', 'M')), 0);
    assert.equal(await ask(query('Virtanen', 'Aino', '19910312')), 0);
    assert.equal(await ask(query('Nobody', 'Aino', '19900312')), 0);
  },
  async 'find documents lists the patient\'s documents'() {
    const answer = (await fresh()).documentQuery.find(ctx, findDocuments('EX-1001^^^&2.999.7.1&ISO'));
    assert.deepEqual(answer.errors, []);
    assert.equal(answer.objects.length, 1);
    const nobody = (await fresh()).documentQuery.find(ctx, findDocuments('EX-404^^^&2.999.7.1&ISO'));
    assert.deepEqual(nobody.objects, []);
  },
  async 'the settings check finds a typo'() {
    assert.deepEqual((await fresh()).settingsCheck.checkSettings(), []);
    const problems = (await fresh({ ...SETTINGS, patiens: [] })).settingsCheck.checkSettings();
    assert.deepEqual(problems.map((p) => p.key), ['patiens']);
  },
};

let failed = 0;
for (const [name, test] of Object.entries(tests)) {
  try {
    await test();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${name}\n${e.stack ?? e}`);
  }
}
console.log(`${Object.keys(tests).length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
