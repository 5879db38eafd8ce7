// Developer aid, not a test: runs the example adapter components outside the gateway.
//
//   node plugins/examples/harness/run.mjs [COMPONENTS_DIR]
//
// COMPONENTS_DIR (default: <repo>/target/example-plugins, where plugins/examples/build.sh
// writes them) holds python-community.wasm and/or js-community.wasm. Each is transpiled to
// JS + core wasm with `jco transpile` from the tools that build.sh installed
// (XCGATE_EXAMPLES_TOOLS, default /tmp/xcgate-examples), then every call below runs on a
// fresh instance, as in the gateway. The xcgate imports are implemented here (config from a
// settings object, log printed, transport always refused); WASI comes from
// @bytecodealliance/preview2-shim, sandboxed (no files, no environment, no network).
// The settings are fictional.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

// componentize-py's libraries use extended constant expressions, which wasmtime accepts and
// V8 only behind a flag before Node.js 22: run again with it.
const EXTENDED_CONST = '--experimental-wasm-extended-const';
if (Number(process.versions.node.split('.')[0]) < 22 && !process.execArgv.includes(EXTENDED_CONST)) {
  const again = spawnSync(process.execPath,
    [EXTENDED_CONST, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' });
  process.exit(again.status ?? 1);
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const componentsDir = resolve(process.argv[2] ?? join(repo, 'target/example-plugins'));
const tools = resolve(process.env.XCGATE_EXAMPLES_TOOLS ?? '/tmp/xcgate-examples');
const npmDir = join(tools, 'npm');
const jco = join(npmDir, 'node_modules/.bin/jco');
if (!existsSync(jco)) {
  console.error(`no jco at ${jco}: run plugins/examples/build.sh first`);
  process.exit(2);
}
const { WASIShim } = await import(pathToFileURL(
  join(npmDir, 'node_modules/@bytecodealliance/preview2-shim/dist/common/instantiation.js')));

// --- Sample settings (fictional people, 2.999 is the ISO/ITU example arc) ----------------

const sha1 = (text) => createHash('sha1').update(text).digest('hex');
const content = ['Example discharge summary.', 'Example laboratory report.', 'Example consult note.'];
const code = (c, scheme, display) => ({ code: c, scheme, display });
const LOINC = '2.16.840.1.113883.6.1';
const SNOMED = '2.16.840.1.113883.6.96';
const FORMAT = '1.3.6.1.4.1.19376.1.2.3';
const documentCodes = (classCode, display) => ({
  class_code: code(classCode, LOINC, display),
  type_code: code(classCode, LOINC, display),
  format_code: code('urn:ihe:iti:xds:2017:mimeTypeSufficient', FORMAT, 'mimeType Sufficient'),
  healthcare_facility_type_code: code('22232009', SNOMED, 'Hospital'),
  practice_setting_code: code('394802001', SNOMED, 'General medicine'),
});

const SETTINGS = {
  patients: [
    { id: 'EX-1001', root: '2.999.7.1', family: 'Virtanen', given: 'Aino Maria', gender: 'F', birth_time: '19900312' },
    { id: 'EX-1002', root: '2.999.7.1', family: 'Virtanen', given: 'Mikko', gender: 'M', birth_time: '19850101' },
    { id: 'EX-1003', root: '2.999.7.1', family: 'Jones', given: 'Jimmy', gender: 'M', birth_time: '19630805' },
  ],
  documents: [
    {
      patient: 'EX-1001', unique_id: '2.999.7.2.1', title: 'Discharge summary',
      creation_time: '20240312083000', mime_type: 'text/plain', language: 'en-US',
      repository_unique_id: '2.999.7.3', size: content[0].length, hash: sha1(content[0]),
      ...documentCodes('18842-5', 'Discharge summary'),
      confidentiality_code: code('N', '2.16.840.1.113883.5.25', 'normal'),
    },
    {
      patient: 'EX-1001', unique_id: '2.999.7.2.2^lab-42', title: 'Laboratory report',
      creation_time: '20240310', mime_type: 'text/plain',
      repository_unique_id: '2.999.7.3', size: content[1].length, hash: sha1(content[1]),
      ...documentCodes('11502-2', 'Laboratory report'),
    },
    {
      patient: 'EX-1003', unique_id: '2.999.7.2.3', title: 'Consult note',
      creation_time: '20230815063000', mime_type: 'text/plain', language: 'en-US',
      repository_unique_id: '2.999.7.3', size: content[2].length, hash: sha1(content[2]),
      ...documentCodes('11488-4', 'Consult note'),
    },
  ],
};

const BROKEN_SETTINGS = {
  patiens: [],
  patients: [{ id: 'EX-1', root: 'not-an-oid', family: 'Doe' }],
};

// --- The host side -------------------------------------------------------------------

/** `config.get` as the gateway answers it: strings as is, arrays and tables as JSON. */
function settingText(value) {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function xcgateImports(settings) {
  return {
    'xcgate:adapter/config': {
      get: (key) => settingText(settings[key]),
      keys: () => Object.keys(settings),
    },
    'xcgate:adapter/log': {
      log: (level, message) => console.log(`    log[${level}] ${message}`),
    },
    'xcgate:adapter/transport': {
      send: (request) => {
        // A thrown value with `payload` is the `err` of the result.
        throw { payload: { tag: 'undeclared-endpoint', val: request.endpoint } };
      },
    },
    'xcgate:adapter/types': {},
  };
}

function importObject(settings) {
  const wasi = new WASIShim({
    sandbox: { preopens: {}, env: {}, args: ['adapter'], enableNetwork: false },
  }).getImportObject();
  const xcgate = xcgateImports(settings);
  // jco names an import with its version (`wasi:cli/stdout@0.2.9`) or without it: look it
  // up without, as the gateway's linker matches semver-compatible versions.
  return new Proxy({}, {
    get(_, key) {
      if (typeof key !== 'string') return undefined;
      const name = key.split('@')[0];
      return xcgate[name] ?? wasi[name];
    },
  });
}

async function load(wasmPath, name) {
  const out = join(tools, 'harness', name);
  execFileSync(jco, ['transpile', wasmPath, '-o', out, '--name', name,
    '--instantiation', 'async', '--no-typescript', '--quiet'], { stdio: 'inherit' });
  const { instantiate } = await import(pathToFileURL(join(out, `${name}.js`)));
  const modules = new Map();
  const getCoreModule = (file) => {
    if (!modules.has(file)) modules.set(file, readFile(join(out, file)).then(WebAssembly.compile));
    return modules.get(file);
  };
  /** A fresh instance; `memories` collects the linear memories its core instances export. */
  return async (settings) => {
    const memories = [];
    const instantiateCore = async (module, imports) => {
      const instance = await WebAssembly.instantiate(module, imports);
      for (const v of Object.values(instance.exports)) {
        if (v instanceof WebAssembly.Memory && !memories.includes(v)) memories.push(v);
      }
      return instance;
    };
    const exports = await instantiate(getCoreModule, importObject(settings), instantiateCore);
    const mib = () => memories.map((m) => (m.buffer.byteLength / 2 ** 20).toFixed(1)).join('+');
    return { exports, mib };
  };
}

// --- The calls -------------------------------------------------------------------------

const ctx = {
  requestId: 'harness-1',
  deadlineUnixMs: BigInt(Date.now() + 5000),
  targetHomeCommunityId: 'urn:oid:2.999.7',
  initiatorHomeCommunityId: 'urn:oid:2.999.1',
  user: undefined,
  extensions: [],
};

const name = (family, given = []) => ({ family, given, prefix: [], suffix: [], nameUse: undefined });
const patientQuery = (over) => ({
  names: [], birthTime: undefined, gender: undefined, ids: [], addresses: [], telecoms: [],
  mothersMaidenName: undefined, birthPlaceAddress: undefined, birthPlaceName: undefined,
  principalCareProviderIds: [], matchAlgorithm: undefined, minimumDegreeMatch: undefined,
  reverseQueryAssigningAuthority: undefined, extensions: [], ...over,
});

const FIND_DOCUMENTS = 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d';
const GET_ALL = 'urn:uuid:10b545ea-725c-446d-9b95-8aeb444eddf3';
const APPROVED = "('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')";
const param = (n, v) => ({ name: n, slotType: undefined, values: [v] });
const findRequest = (queryId, returnType, parameters) => ({
  queryId, parameters, returnType, homeCommunityId: undefined, extensions: [],
});
const patientParam = (ext) => param('$XDSDocumentEntryPatientId', `'${ext}^^^&2.999.7.1&ISO'`);

const CALLS = [
  ['settings-check, good settings', SETTINGS, (e) => e.settingsCheck.checkSettings()],
  ['settings-check, broken settings', BROKEN_SETTINGS, (e) => e.settingsCheck.checkSettings()],
  ['discover-patients: VIRTANEN, F, born 1990', SETTINGS, (e) => e.patientDiscovery.discoverPatients(ctx,
    patientQuery({ names: [name(['VIRTANEN'], ['Aino'])], gender: 'F',
      birthTime: { value: '1990', low: undefined, high: undefined } }))],
  ['discover-patients: Virtanen, nothing else', SETTINGS, (e) => e.patientDiscovery.discoverPatients(ctx,
    patientQuery({ names: [name(['Virtanen'])] }))],
  ['discover-patients: Nobody', SETTINGS, (e) => e.patientDiscovery.discoverPatients(ctx,
    patientQuery({ names: [name(['Nobody'])] }))],
  ['discover-patients, broken settings', BROKEN_SETTINGS, (e) => e.patientDiscovery.discoverPatients(ctx,
    patientQuery({ names: [name(['Doe'])] }))],
  ['find FindDocuments leaf-class EX-1001', SETTINGS, (e) => e.documentQuery.find(ctx,
    findRequest(FIND_DOCUMENTS, 'leaf-class', [patientParam('EX-1001'), param('$XDSDocumentEntryStatus', APPROVED)]))],
  ['find FindDocuments leaf-class EX-1001, again', SETTINGS, (e) => e.documentQuery.find(ctx,
    findRequest(FIND_DOCUMENTS, 'leaf-class', [patientParam('EX-1001'), param('$XDSDocumentEntryStatus', APPROVED)]))],
  ['find FindDocuments object-ref EX-1001', SETTINGS, (e) => e.documentQuery.find(ctx,
    findRequest(FIND_DOCUMENTS, 'object-ref', [patientParam('EX-1001'), param('$XDSDocumentEntryStatus', APPROVED)]))],
  ['find FindDocuments EX-1001, classCode 11502-2', SETTINGS, (e) => e.documentQuery.find(ctx,
    findRequest(FIND_DOCUMENTS, 'object-ref', [patientParam('EX-1001'), param('$XDSDocumentEntryStatus', APPROVED),
      param('$XDSDocumentEntryClassCode', `('11502-2^^${LOINC}')`)]))],
  ['find FindDocuments unknown patient', SETTINGS, (e) => e.documentQuery.find(ctx,
    findRequest(FIND_DOCUMENTS, 'leaf-class', [patientParam('EX-9999'), param('$XDSDocumentEntryStatus', APPROVED)]))],
  ['find FindDocuments without $XDSDocumentEntryStatus', SETTINGS, (e) => e.documentQuery.find(ctx,
    findRequest(FIND_DOCUMENTS, 'leaf-class', [patientParam('EX-1001')]))],
  ['find GetAll (not supported)', SETTINGS, (e) => e.documentQuery.find(ctx,
    findRequest(GET_ALL, 'leaf-class', [param('$patientId', "'EX-1001^^^&2.999.7.1&ISO'")]))],
];

/** JSON with one item a line, short arrays and objects kept on one line. */
function json(value, indent = '') {
  const flat = JSON.stringify(value, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
  if (flat === undefined || flat.length + indent.length <= 100 || value === null || typeof value !== 'object') {
    return flat;
  }
  const inner = `${indent}  `;
  const items = Array.isArray(value)
    ? value.map((v) => inner + json(v, inner))
    : Object.entries(value).filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${inner}${JSON.stringify(k)}: ${json(v, inner)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${items.join(',\n')}\n${indent}${close}`;
}

function summary(label, result) {
  if (result.error) return `err ${json(result.error, '      ')}`;
  const v = result.value;
  if (label.startsWith('settings-check')) {
    return `${v.length} problems${v.map((p) => `\n      ${p.key}: ${p.message}`).join('')}`;
  }
  if (label.startsWith('discover-patients')) {
    return `${v.length} matches${v.map((m) => `\n      ${json({ patientId: m.patientId, names: m.names.map((n) => ({ family: n.family, given: n.given })), gender: m.gender, birthTime: m.birthTime }, '      ')}`).join('')}`;
  }
  const objects = v.objects.map((o) => `${o.kind} ${o.attributes.find(([k]) => k === 'id')[1]}`
    + (o.kind === 'ExtrinsicObject' ? ` (${o.slots.length} slots, ${o.classifications.length} classifications, ${o.externalIdentifiers.length} external ids)` : ''));
  return `${v.objects.length} objects, ${v.errors.length} errors${objects.map((o) => `\n      ${o}`).join('')}`
    + v.errors.map((e) => `\n      ${json(e, '      ')}`).join('');
}

const answers = new Map();
let first = null;
for (const file of ['python-community.wasm', 'js-community.wasm']) {
  const path = join(componentsDir, file);
  if (!existsSync(path)) {
    console.log(`== ${file}: not found in ${componentsDir}, skipped`);
    continue;
  }
  const component = file.replace(/\.wasm$/, '');
  console.log(`== ${component}`);
  const fresh = await load(path, component);
  for (const [label, settings, call] of CALLS) {
    const started = performance.now();
    const { exports, mib } = await fresh(settings);
    const instantiated = performance.now();
    let result;
    try {
      result = { value: call(exports) };
    } catch (e) {
      if (e && 'payload' in e) result = { error: e.payload };
      else throw e;
    }
    const done = performance.now();
    console.log(`  ${label}  [instantiate ${(instantiated - started).toFixed(0)} ms, call ${(done - instantiated).toFixed(1)} ms, linear memory ${mib()} MiB]`);
    console.log(`    -> ${summary(label, result)}`);
    if (label.endsWith(', again')) {
      const before = answers.get(`${component}:${label.replace(', again', '')}`);
      console.log(`    -> same answer as the first call: ${isDeepStrictEqual(before, result)}`);
    }
    answers.set(`${component}:${label}`, result);
  }
  if (first === null) {
    first = component;
    const entry = answers.get(`${component}:find FindDocuments leaf-class EX-1001`).value.objects[0];
    console.log(`  the first DocumentEntry in full:\n    ${json(entry, '    ')}`);
  } else {
    const same = CALLS.filter(([label]) => isDeepStrictEqual(answers.get(`${first}:${label}`), answers.get(`${component}:${label}`)));
    console.log(`  answers equal to ${first}'s: ${same.length} of ${CALLS.length} calls`);
    for (const [label] of CALLS.filter((c) => !same.includes(c))) console.log(`    differs: ${label}`);
  }
}
// The WASI shim keeps a worker thread; nothing else is pending.
process.exit(0);
