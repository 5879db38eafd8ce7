// An example xcgate community adapter in JavaScript (ComponentizeJS).
//
// It answers from its own community settings, like `bundled:demo-community` but much
// smaller: `settings.patients` and `settings.documents` (JSON arrays, see README.md).
//
// - ITI-55 `discover-patients`: a patient matches when its family name equals
//   (case-insensitively) a family part of one of the query's names and, when the query gives
//   them, its birth time and gender match too.
// - ITI-38 `find`: the stored query FindDocuments [ITI TF-2 3.18.4.1.2.3.7.1] with return
//   type ObjectRef or LeafClass; a LeafClass answer holds one full DocumentEntry
//   (ExtrinsicObject) per document [ITI TF-3 4.2.3.2]. Any other stored query gets one
//   XDSUnknownStoredQuery RegistryError.
// - `settings-check`: what a call would find wrong with the settings.
//
// The host gives every call a fresh instance (wit/README.md): nothing is cached, the settings
// are read through `config.get` on every call. Log lines carry counts and codes only, never
// patient data.

import { get as getSetting, keys as settingKeys } from 'xcgate:adapter/config@0.6.0';
import { log } from 'xcgate:adapter/log@0.6.0';

// --- Fixed XDS/ebRIM values [ITI TF-3 4.2.5, Table 4.2.5-1] ------------------------------

const FIND_DOCUMENTS = 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d';
const STABLE_DOCUMENT_ENTRY = 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1';
const STATUS_APPROVED = 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved';
const OBJECT_TYPE_CLASSIFICATION =
  'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification';
const OBJECT_TYPE_EXTERNAL_IDENTIFIER =
  'urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier';
const DOCUMENT_ENTRY_PATIENT_ID = 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427';
const DOCUMENT_ENTRY_UNIQUE_ID = 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab';
const CONFIDENTIALITY_SCHEME = '2.16.840.1.113883.5.25';

// [setting, DocumentEntry attribute, classificationScheme, FindDocuments parameter]
const CODES = [
  ['class_code', 'classCode', 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a',
    '$XDSDocumentEntryClassCode'],
  ['type_code', 'typeCode', 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983',
    '$XDSDocumentEntryTypeCode'],
  ['format_code', 'formatCode', 'urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d',
    '$XDSDocumentEntryFormatCode'],
  ['healthcare_facility_type_code', 'healthcareFacilityTypeCode',
    'urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1',
    '$XDSDocumentEntryHealthcareFacilityTypeCode'],
  ['practice_setting_code', 'practiceSettingCode',
    'urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead',
    '$XDSDocumentEntryPracticeSettingCode'],
  ['confidentiality_code', 'confidentialityCode',
    'urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f',
    '$XDSDocumentEntryConfidentialityCode'],
];

// FindDocuments filters on metadata these documents never carry: given, they match nothing.
const ABSENT_METADATA_FILTERS = [
  '$XDSDocumentEntryServiceStartTimeFrom', '$XDSDocumentEntryServiceStartTimeTo',
  '$XDSDocumentEntryServiceStopTimeFrom', '$XDSDocumentEntryServiceStopTimeTo',
  '$XDSDocumentEntryAuthorPerson', '$XDSDocumentEntryEventCodeList',
];

// Error codes [ITI TF-3 Table 4.2.4.1-2].
const UNKNOWN_STORED_QUERY = 'XDSUnknownStoredQuery';
const MISSING_PARAM = 'XDSStoredQueryMissingParam';
const PARAM_NUMBER = 'XDSStoredQueryParamNumber';
const REGISTRY_ERROR = 'XDSRegistryError';

const SETTINGS = ['patients', 'documents'];

// The RFC 9562 name space for OIDs: entryUUIDs are name-based (version 5) on the uniqueId,
// the way demo-community makes them, so the same settings always give the same ids.
const NAMESPACE_OID = hexBytes('6ba7b8129dad11d180b400c04fd430c8');

const OID = /^[0-9]+(\.[0-9]+)+$/;
const TS = /^[0-9]{4}([0-9]{2}){0,5}$/;
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

// --- SHA-1 and name-based UUIDs ---------------------------------------------------------
// SHA-1 [FIPS 180-4 6.1] only makes ids here, never secures anything. A few lines avoid
// depending on an engine's (asynchronous) crypto.subtle.

function sha1(bytes) {
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array(((bytes.length + 9 + 63) >> 6) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Uint32Array(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(block + t * 4);
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
      w[t] = (x << 1) | (x >>> 31);
    }
    let [a, b, c, d, e] = h;
    for (let t = 0; t < 80; t++) {
      let f, k;
      if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]) >>> 0;
      e = d; d = c; c = ((b << 30) | (b >>> 2)) >>> 0; b = a; a = temp;
    }
    h[0] = (h[0] + a) >>> 0; h[1] = (h[1] + b) >>> 0; h[2] = (h[2] + c) >>> 0;
    h[3] = (h[3] + d) >>> 0; h[4] = (h[4] + e) >>> 0;
  }
  const out = new Uint8Array(20);
  const outView = new DataView(out.buffer);
  h.forEach((word, i) => outView.setUint32(i * 4, word));
  return out;
}

function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The version 5 UUID of `name` in `namespace` (16 bytes) [RFC 9562 5.5]. */
function uuid5(namespace, name) {
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(namespace.length + nameBytes.length);
  input.set(namespace);
  input.set(nameBytes, namespace.length);
  const b = sha1(input).slice(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  return b;
}

function urn(uuid) {
  const h = toHex(uuid);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

// --- Small helpers ----------------------------------------------------------------------

const isOid = (text) => typeof text === 'string' && text.length <= 64 && OID.test(text);

/** A patient id as HL7 CX with an ISO assigning authority [ITI TF-3 4.2.3.2.16]. */
const cx = (extension, root) => `${extension}^^^&${root}&ISO`;

/** [extension, root] of `EXT^^^&ROOT&ISO`, or null. */
function parseCx(value) {
  const parts = value.trim().split('^');
  if (parts.length < 4) return null;
  const authority = parts[3].split('&');
  const ext = parts[0].trim();
  const root = authority.length > 1 ? authority[1].trim() : '';
  return ext && root ? [ext, root] : null;
}

class SettingsError extends Error {
  constructor(key, message) {
    super(message);
    this.key = key;
  }
}

// --- Settings ---------------------------------------------------------------------------
// Messages name the setting and the position, never a value: they reach the logs.

function readArray(key) {
  const text = getSetting(key);
  if (text === undefined || text === null) return [];
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SettingsError(key, `setting \`${key}\` must be an array of tables`);
  }
  const isTable = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!Array.isArray(value) || !value.every(isTable)) {
    throw new SettingsError(key, `setting \`${key}\` must be an array of tables`);
  }
  return value;
}

function textField(key, n, item, field, required = true) {
  const v = item[field];
  if ((v === undefined || v === null) && !required) return null;
  if (typeof v !== 'string' || !v.trim()) {
    throw new SettingsError(key, `${key}[${n}]: \`${field}\` must be a non-empty string`);
  }
  return v.trim();
}

function checkFields(key, n, item, known) {
  for (const field of Object.keys(item)) {
    if (!known.includes(field)) {
      throw new SettingsError(key, `${key}[${n}]: unknown field \`${field}\``);
    }
  }
}

const PATIENT_FIELDS = ['id', 'root', 'family', 'given', 'gender', 'birth_time'];

function loadPatients() {
  const patients = [];
  readArray('patients').forEach((p, i) => {
    const n = i + 1;
    checkFields('patients', n, p, PATIENT_FIELDS);
    const patient = {
      id: textField('patients', n, p, 'id'),
      root: textField('patients', n, p, 'root'),
      family: textField('patients', n, p, 'family'),
      given: textField('patients', n, p, 'given', false),
      gender: textField('patients', n, p, 'gender', false),
      birthTime: textField('patients', n, p, 'birth_time', false),
    };
    if (!isOid(patient.root)) {
      throw new SettingsError('patients', `patients[${n}]: \`root\` must be an OID`);
    }
    if (patient.birthTime !== null && !TS.test(patient.birthTime)) {
      throw new SettingsError('patients', `patients[${n}]: \`birth_time\` must be YYYY[MM[DD]]`);
    }
    if (patients.some((q) => q.id === patient.id && q.root === patient.root)) {
      throw new SettingsError('patients',
        `patients[${n}]: the same \`root\` and \`id\` as an earlier patient`);
    }
    patients.push(patient);
  });
  return patients;
}

const DOCUMENT_FIELDS = [
  'patient', 'unique_id', 'title', 'creation_time', 'mime_type', 'language',
  'repository_unique_id', 'size', 'hash', ...CODES.map((c) => c[0]),
];

function coded(n, d, field) {
  const c = d[field];
  if ((c === undefined || c === null) && field === 'confidentiality_code') {
    return { code: 'N', scheme: CONFIDENTIALITY_SCHEME, display: 'normal' };
  }
  const where = `documents[${n}]: \`${field}\``;
  const isTable = c !== null && typeof c === 'object' && !Array.isArray(c);
  if (!isTable || Object.keys(c).some((k) => !['code', 'scheme', 'display'].includes(k))) {
    throw new SettingsError('documents', `${where} must be a table of code, scheme and display`);
  }
  const display = c.display ?? c.code;
  if (![c.code, c.scheme, display].every((v) => typeof v === 'string' && v.trim())) {
    throw new SettingsError('documents', `${where} needs a non-empty code and scheme`);
  }
  return { code: c.code.trim(), scheme: c.scheme.trim(), display };
}

function loadDocuments(patients) {
  const documents = [];
  readArray('documents').forEach((d, i) => {
    const n = i + 1;
    const fail = (message) => { throw new SettingsError('documents', `documents[${n}]: ${message}`); };
    checkFields('documents', n, d, DOCUMENT_FIELDS);
    const doc = {};
    for (const f of ['patient', 'unique_id', 'creation_time', 'mime_type',
      'repository_unique_id', 'hash']) {
      doc[f] = textField('documents', n, d, f);
    }
    doc.title = textField('documents', n, d, 'title', false);
    doc.language = textField('documents', n, d, 'language', false) ?? 'en-US';
    for (const [field] of CODES) doc[field] = coded(n, d, field);
    if (!Number.isInteger(d.size) || d.size < 0) fail('`size` must be a whole number of bytes');
    doc.size = d.size;
    const [oid, ...rest] = doc.unique_id.split('^');
    if (!isOid(oid) || rest.length > 1) fail('`unique_id` must be OID or OID^extension');
    if (!isOid(doc.repository_unique_id)) fail('`repository_unique_id` must be an OID');
    if (!TS.test(doc.creation_time)) fail('`creation_time` must be YYYYMMDD[hh[mm[ss]]] (UTC)');
    if (!SHA1_HEX.test(doc.hash)) fail('`hash` must be 40 hex digits (SHA-1)');
    doc.hash = doc.hash.toLowerCase();
    const owners = patients.filter((p) => p.id === doc.patient);
    if (owners.length !== 1) fail('`patient` must be the `id` of exactly one patient');
    if (documents.some((e) => e.unique_id === doc.unique_id)) fail('`unique_id` is used twice');
    doc.owner = owners[0];
    doc.patientCx = cx(owners[0].id, owners[0].root);
    documents.push(doc);
  });
  return documents;
}

/** Read the settings for a call; a bad setting fails the call as `internal`. */
function loadOrFail(withDocuments) {
  try {
    const patients = loadPatients();
    return { patients, documents: withDocuments ? loadDocuments(patients) : [] };
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    log('error', `unusable settings: ${e.message}`);
    // A thrown value with `payload` becomes the `err` of the result.
    throw { payload: { tag: 'internal', val: `community settings: ${e.message}` } };
  }
}

// --- ITI-55 -----------------------------------------------------------------------------

/** A query TS (maybe partial) or IVL<TS> against a stored birth time. */
function birthMatches(query, birth) {
  if (!query) return true;
  if (!birth) return false;
  if (query.value) {
    const v = query.value.trim();
    return v.startsWith(birth) || birth.startsWith(v);
  }
  const cut = (a, b) => {
    const k = Math.min(a.length, b.length);
    return [a.slice(0, k), b.slice(0, k)];
  };
  if (query.low) {
    const [b, lo] = cut(birth, query.low.trim());
    if (b < lo) return false;
  }
  if (query.high) {
    const [b, hi] = cut(birth, query.high.trim());
    if (b > hi) return false;
  }
  return true;
}

const personName = (p) => ({
  family: [p.family],
  given: p.given ? p.given.split(/\s+/) : [],
  prefix: [],
  suffix: [],
  nameUse: undefined,
});

function discover(query, patients) {
  const families = new Set();
  for (const name of query.names) {
    for (const part of name.family) families.add(part.trim().toLowerCase());
    if (name.family.length) families.add(name.family.join(' ').trim().toLowerCase());
  }
  families.delete('');
  const gender = query.gender ? query.gender.trim().toUpperCase() : null;
  return patients
    .filter((p) => families.has(p.family.toLowerCase()))
    .filter((p) => !gender || (p.gender ?? '').toUpperCase() === gender)
    .filter((p) => birthMatches(query.birthTime, p.birthTime))
    .map((p) => ({
      patientId: { root: p.root, extension: p.id },
      otherIds: [],
      names: [personName(p)],
      gender: p.gender ?? undefined,
      birthTime: p.birthTime ?? undefined,
      addresses: [],
      telecoms: [],
      mothersMaidenName: undefined,
      matchQuality: undefined,
      homeCommunityId: undefined,
      extensions: [],
    }));
}

export const patientDiscovery = {
  discoverPatients(ctx, query) {
    const { patients } = loadOrFail(false);
    const matches = discover(query, patients);
    log('info', `discover-patients: ${query.names.length} query names, `
      + `${patients.length} patients in settings, ${matches.length} matched`);
    return matches;
  },
};

// --- ITI-38 -----------------------------------------------------------------------------

class QueryError extends Error {
  constructor(code, context) {
    super(context);
    this.code = code;
    this.context = context;
  }
}

/**
 * The values of a stored-query Slot value: `'a'`, `('a','b')`, `(1, 2)`
 * [ITI TF-2 3.18.4.1.2.3.5]. Throws on anything else.
 */
function parseValues(raw) {
  let text = raw.trim();
  const listed = text.startsWith('(');
  if (listed) {
    if (!text.endsWith(')')) throw new Error('a list opened with `(` is not closed with `)`');
    text = text.slice(1, -1);
  }
  const out = [];
  const n = text.length;
  let i = 0;
  const isSpace = (c) => /\s/.test(c);
  for (;;) {
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) break;
    let value;
    if (text[i] === "'") {
      i++;
      value = '';
      for (;;) {
        if (i >= n) throw new Error('a quoted string is not terminated');
        if (text[i] === "'") {
          if (text[i + 1] === "'") { value += "'"; i += 2; continue; }
          i++;
          break;
        }
        value += text[i++];
      }
    } else {
      let j = text.indexOf(',', i);
      if (j < 0) j = n;
      value = text.slice(i, j).trimEnd();
      i = j;
      if (!value || value.includes("'")) {
        throw new Error('an unquoted value must be a bare number or word');
      }
    }
    out.push(value);
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) break;
    if (text[i] === ',' && listed) { i++; continue; }
    throw new Error('unexpected text after a value');
  }
  if (!out.length) throw new Error('no value');
  return out;
}

/**
 * Map of name → values and of name → reason for the malformed ones; values of one
 * parameter, over all its Slots, are alternatives.
 */
function readParameters(slots) {
  const values = new Map();
  const malformed = new Map();
  for (const s of slots) {
    const name = s.name.trim();
    for (const raw of s.values) {
      try {
        const parsed = parseValues(raw);
        values.set(name, [...(values.get(name) ?? []), ...parsed]);
      } catch (e) {
        malformed.set(name, e.message);
      }
    }
  }
  for (const name of malformed.keys()) values.delete(name);
  return { values, malformed };
}

/** `code^^scheme` filter values against a coded value. */
function codeMatches(wanted, code) {
  if (!wanted) return true;
  return wanted.some((w) => {
    const parts = w.split('^');
    const scheme = parts.length > 2 ? parts[2] : '';
    return parts[0] === code.code && (!scheme || scheme === code.scheme);
  });
}

const padded = (ts) => (ts.trim() + '0'.repeat(14)).slice(0, 14);

function single(values, name) {
  const v = values.get(name);
  if (v === undefined) return null;
  if (v.length !== 1) throw new QueryError(PARAM_NUMBER, `parameter ${name} takes one value`);
  return v[0];
}

function findDocuments(request, documents) {
  const { values, malformed } = readParameters(request.parameters);
  const patientParam = '$XDSDocumentEntryPatientId';
  for (const [name, reason] of malformed) {
    if (name !== patientParam) throw new QueryError(REGISTRY_ERROR, `parameter ${name}: ${reason}`);
  }
  if (malformed.has(patientParam)) return []; // names no patient here [ITI TF-2 3.38.4.1.2.2]
  if (!values.has(patientParam)) {
    throw new QueryError(MISSING_PARAM, `required parameter ${patientParam} is missing`);
  }
  const patient = parseCx(single(values, patientParam));
  const statuses = values.get('$XDSDocumentEntryStatus');
  if (!statuses || !statuses.length) {
    throw new QueryError(MISSING_PARAM, 'required parameter $XDSDocumentEntryStatus is missing');
  }
  if (!statuses.includes(STATUS_APPROVED)) return [];
  const typesWanted = values.get('$XDSDocumentEntryType');
  if (typesWanted && !typesWanted.includes(STABLE_DOCUMENT_ENTRY)) return [];
  if (ABSENT_METADATA_FILTERS.some((name) => values.has(name))) return [];
  const createdFrom = single(values, '$XDSDocumentEntryCreationTimeFrom');
  const createdTo = single(values, '$XDSDocumentEntryCreationTimeTo');
  return documents.filter((d) => {
    if (!patient || d.owner.id !== patient[0] || d.owner.root !== patient[1]) return false;
    if (!CODES.every(([field, , , param]) => codeMatches(values.get(param), d[field]))) {
      return false;
    }
    const created = padded(d.creation_time);
    if (createdFrom !== null && created < padded(createdFrom)) return false;
    if (createdTo !== null && created >= padded(createdTo)) return false;
    return true;
  });
}

const slot = (name, values) => ({ name, slotType: undefined, values });
const localized = (value, lang) => [{ value, lang: lang ?? undefined, charset: undefined }];
const nested = (kind, attributes, name, slots) => ({
  kind, attributes, name, description: undefined, slots: slots ?? [], extraXml: [],
});

/** The DocumentEntry [ITI TF-3 4.2.3.2, Table 4.2.3.2-1] as an ebRIM ExtrinsicObject. */
function documentEntry(d, home) {
  const entry = uuid5(NAMESPACE_OID, d.unique_id);
  const eid = urn(entry);
  const nestedId = (what) => urn(uuid5(entry, what));
  const classifications = CODES.map(([field, what, scheme]) => {
    const c = d[field];
    return nested('Classification', [
      ['id', nestedId(what)], ['objectType', OBJECT_TYPE_CLASSIFICATION],
      ['classificationScheme', scheme], ['classifiedObject', eid],
      ['nodeRepresentation', c.code],
    ], localized(c.display), [slot('codingScheme', [c.scheme])]);
  });
  const externalIdentifiers = [
    [DOCUMENT_ENTRY_PATIENT_ID, 'XDSDocumentEntry.patientId', d.patientCx],
    [DOCUMENT_ENTRY_UNIQUE_ID, 'XDSDocumentEntry.uniqueId', d.unique_id],
  ].map(([scheme, label, value]) => nested('ExternalIdentifier', [
    ['id', nestedId(label)], ['objectType', OBJECT_TYPE_EXTERNAL_IDENTIFIER],
    ['identificationScheme', scheme], ['registryObject', eid], ['value', value],
  ], localized(label)));
  const p = d.owner;
  const info = [`PID-3|${d.patientCx}`, `PID-5|${p.family}^${p.given ?? ''}^^^`];
  if (p.birthTime) info.push(`PID-7|${p.birthTime}`);
  if (p.gender) info.push(`PID-8|${p.gender}`);
  return {
    kind: 'ExtrinsicObject',
    attributes: [
      ['id', eid], ['lid', eid], ['objectType', STABLE_DOCUMENT_ENTRY],
      ['status', STATUS_APPROVED], ['mimeType', d.mime_type], ['home', home],
    ],
    name: d.title ? localized(d.title, d.language) : undefined,
    description: undefined,
    versionInfo: { versionName: '1', comment: undefined },
    slots: [
      slot('creationTime', [d.creation_time]),
      slot('hash', [d.hash]),
      slot('languageCode', [d.language]),
      slot('repositoryUniqueId', [d.repository_unique_id]),
      slot('size', [String(d.size)]),
      slot('sourcePatientId', [d.patientCx]),
      slot('sourcePatientInfo', info),
    ],
    classifications,
    externalIdentifiers,
    extraXml: [],
  };
}

const objectRef = (d, home) => ({
  kind: 'ObjectRef',
  attributes: [['id', urn(uuid5(NAMESPACE_OID, d.unique_id))], ['home', home]],
  name: undefined,
  description: undefined,
  versionInfo: undefined,
  slots: [],
  classifications: [],
  externalIdentifiers: [],
  extraXml: [],
});

export const documentQuery = {
  find(ctx, request) {
    const { documents } = loadOrFail(true);
    const home = ctx.targetHomeCommunityId;
    const errors = [];
    let objects = [];
    try {
      if (request.queryId.trim().toLowerCase() !== FIND_DOCUMENTS) {
        throw new QueryError(UNKNOWN_STORED_QUERY,
          `stored query ${request.queryId.trim()} is not supported by this community `
          + '(only FindDocuments)');
      }
      const found = findDocuments(request, documents);
      objects = request.returnType === 'object-ref'
        ? found.map((d) => objectRef(d, home))
        : found.map((d) => documentEntry(d, home));
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      errors.push({ errorCode: e.code, codeContext: e.context, severity: 'error', location: home });
    }
    log('info', `find: ${documents.length} documents in settings, ${objects.length} objects, `
      + `${errors.length} errors [${errors.map((e) => e.errorCode).join(', ')}]`);
    return { objects, errors };
  },
};

// --- settings-check ---------------------------------------------------------------------

export const settingsCheck = {
  checkSettings() {
    const problems = settingKeys()
      .filter((k) => !SETTINGS.includes(k))
      .map((k) => ({ key: k, message: `unknown setting \`${k}\` (known: ${SETTINGS.join(', ')})` }));
    try {
      loadDocuments(loadPatients());
    } catch (e) {
      if (!(e instanceof SettingsError)) throw e;
      problems.push({ key: e.key, message: e.message });
    }
    return problems;
  },
};
