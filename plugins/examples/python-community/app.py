"""An example xcgate community adapter in Python (componentize-py).

It answers from its own community settings, like `bundled:demo-community` but much
smaller: `settings.patients` and `settings.documents` (JSON arrays, see README.md).

- ITI-55 `discover-patients`: a patient matches when its family name equals
  (case-insensitively) a family part of one of the query's names and, when the query gives
  them, its birth time and gender match too.
- ITI-38 `find`: the stored query FindDocuments [ITI TF-2 3.18.4.1.2.3.7.1] with
  return type ObjectRef or LeafClass; a LeafClass answer holds one full DocumentEntry
  (ExtrinsicObject) per document [ITI TF-3 4.2.3.2]. Any other stored query gets one
  XDSUnknownStoredQuery RegistryError.
- `settings-check`: what a call would find wrong with the settings.

The host gives every call a fresh instance (wit/README.md): nothing is cached, the settings
are read through `config.get` on every call. Log lines carry counts and codes only, never
patient data.
"""

import hashlib
import json
import re

from componentize_py_types import Err
from wit_world import exports
from wit_world.exports import document_query as dq
from wit_world.exports import settings_check as sc
from wit_world.imports import config, log, types

# --- Fixed XDS/ebRIM values [ITI TF-3 4.2.5, Table 4.2.5-1] ------------------------------

FIND_DOCUMENTS = "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d"
STABLE_DOCUMENT_ENTRY = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"
STATUS_APPROVED = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved"
OBJECT_TYPE_CLASSIFICATION = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification"
OBJECT_TYPE_EXTERNAL_IDENTIFIER = (
    "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier"
)
DOCUMENT_ENTRY_PATIENT_ID = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427"
DOCUMENT_ENTRY_UNIQUE_ID = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"
CONFIDENTIALITY_SCHEME = "2.16.840.1.113883.5.25"

# (setting, DocumentEntry attribute, classificationScheme, FindDocuments parameter)
CODES = [
    ("class_code", "classCode", "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a",
     "$XDSDocumentEntryClassCode"),
    ("type_code", "typeCode", "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983",
     "$XDSDocumentEntryTypeCode"),
    ("format_code", "formatCode", "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d",
     "$XDSDocumentEntryFormatCode"),
    ("healthcare_facility_type_code", "healthcareFacilityTypeCode",
     "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1",
     "$XDSDocumentEntryHealthcareFacilityTypeCode"),
    ("practice_setting_code", "practiceSettingCode",
     "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead",
     "$XDSDocumentEntryPracticeSettingCode"),
    ("confidentiality_code", "confidentialityCode",
     "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f",
     "$XDSDocumentEntryConfidentialityCode"),
]

# FindDocuments filters on metadata these documents never carry: given, they match nothing.
ABSENT_METADATA_FILTERS = [
    "$XDSDocumentEntryServiceStartTimeFrom", "$XDSDocumentEntryServiceStartTimeTo",
    "$XDSDocumentEntryServiceStopTimeFrom", "$XDSDocumentEntryServiceStopTimeTo",
    "$XDSDocumentEntryAuthorPerson", "$XDSDocumentEntryEventCodeList",
]

# Error codes [ITI TF-3 Table 4.2.4.1-2].
UNKNOWN_STORED_QUERY = "XDSUnknownStoredQuery"
MISSING_PARAM = "XDSStoredQueryMissingParam"
PARAM_NUMBER = "XDSStoredQueryParamNumber"
REGISTRY_ERROR = "XDSRegistryError"

SETTINGS = ("patients", "documents")

# The RFC 9562 name space for OIDs: entryUUIDs are name-based (version 5) on the uniqueId,
# the way demo-community makes them, so the same settings always give the same ids.
NAMESPACE_OID = bytes.fromhex("6ba7b8129dad11d180b400c04fd430c8")

OID = re.compile(r"^[0-9]+(\.[0-9]+)+$")
TS = re.compile(r"^[0-9]{4}([0-9]{2}){0,5}$")
SHA1_HEX = re.compile(r"^[0-9a-fA-F]{40}$")


# --- Small helpers ----------------------------------------------------------------------

def uuid5(namespace, name):
    """The version 5 UUID of `name` in `namespace` (16 bytes) [RFC 9562 5.5]."""
    b = bytearray(hashlib.sha1(namespace + name.encode("utf-8")).digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x50
    b[8] = (b[8] & 0x3F) | 0x80
    return bytes(b)


def urn(u):
    h = u.hex()
    return f"urn:uuid:{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def is_oid(text):
    return isinstance(text, str) and len(text) <= 64 and OID.match(text) is not None


def cx(extension, root):
    """A patient id as HL7 CX with an ISO assigning authority [ITI TF-3 4.2.3.2.16]."""
    return f"{extension}^^^&{root}&ISO"


def parse_cx(value):
    """(extension, root) of `EXT^^^&ROOT&ISO`, or None."""
    parts = value.strip().split("^")
    if len(parts) < 4:
        return None
    authority = parts[3].split("&")
    ext = parts[0].strip()
    root = authority[1].strip() if len(authority) > 1 else ""
    return (ext, root) if ext and root else None


class SettingsError(Exception):
    def __init__(self, key, message):
        super().__init__(message)
        self.key = key
        self.message = message


# --- Settings ---------------------------------------------------------------------------
# Messages name the setting and the position, never a value: they reach the logs.

def read_array(key):
    text = config.get(key)
    if text is None:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        raise SettingsError(key, f"setting `{key}` must be an array of tables")
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SettingsError(key, f"setting `{key}` must be an array of tables")
    return value


def text_field(key, n, item, field, required=True):
    v = item.get(field)
    if v is None and not required:
        return None
    if not isinstance(v, str) or not v.strip():
        raise SettingsError(key, f"{key}[{n}]: `{field}` must be a non-empty string")
    return v.strip()


def check_fields(key, n, item, known):
    for field in item:
        if field not in known:
            raise SettingsError(key, f"{key}[{n}]: unknown field `{field}`")


PATIENT_FIELDS = ("id", "root", "family", "given", "gender", "birth_time")


def load_patients():
    patients = []
    for n, p in enumerate(read_array("patients"), 1):
        check_fields("patients", n, p, PATIENT_FIELDS)
        patient = {
            "id": text_field("patients", n, p, "id"),
            "root": text_field("patients", n, p, "root"),
            "family": text_field("patients", n, p, "family"),
            "given": text_field("patients", n, p, "given", required=False),
            "gender": text_field("patients", n, p, "gender", required=False),
            "birth_time": text_field("patients", n, p, "birth_time", required=False),
        }
        if not is_oid(patient["root"]):
            raise SettingsError("patients", f"patients[{n}]: `root` must be an OID")
        if patient["birth_time"] is not None and not TS.match(patient["birth_time"]):
            raise SettingsError("patients", f"patients[{n}]: `birth_time` must be YYYY[MM[DD]]")
        if any(q["id"] == patient["id"] and q["root"] == patient["root"] for q in patients):
            raise SettingsError("patients", f"patients[{n}]: the same `root` and `id` as an earlier patient")
        patients.append(patient)
    return patients


DOCUMENT_FIELDS = (
    "patient", "unique_id", "title", "creation_time", "mime_type", "language",
    "repository_unique_id", "size", "hash",
) + tuple(c[0] for c in CODES)


def coded(n, d, field):
    c = d.get(field)
    if c is None and field == "confidentiality_code":
        return {"code": "N", "scheme": CONFIDENTIALITY_SCHEME, "display": "normal"}
    where = f"documents[{n}]: `{field}`"
    if not isinstance(c, dict) or set(c) - {"code", "scheme", "display"}:
        raise SettingsError("documents", f"{where} must be a table of code, scheme and display")
    code, scheme, display = c.get("code"), c.get("scheme"), c.get("display", c.get("code"))
    if not all(isinstance(v, str) and v.strip() for v in (code, scheme, display)):
        raise SettingsError("documents", f"{where} needs a non-empty code and scheme")
    return {"code": code.strip(), "scheme": scheme.strip(), "display": display}


def load_documents(patients):
    documents = []
    for n, d in enumerate(read_array("documents"), 1):
        check_fields("documents", n, d, DOCUMENT_FIELDS)
        doc = {f: text_field("documents", n, d, f) for f in
               ("patient", "unique_id", "creation_time", "mime_type", "repository_unique_id",
                "hash")}
        doc["title"] = text_field("documents", n, d, "title", required=False)
        doc["language"] = text_field("documents", n, d, "language", required=False) or "en-US"
        for field, _, _, _ in CODES:
            doc[field] = coded(n, d, field)
        size = d.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise SettingsError("documents", f"documents[{n}]: `size` must be a whole number of bytes")
        doc["size"] = size
        oid, _, ext = doc["unique_id"].partition("^")
        if not is_oid(oid) or "^" in ext:
            raise SettingsError("documents", f"documents[{n}]: `unique_id` must be OID or OID^extension")
        if not is_oid(doc["repository_unique_id"]):
            raise SettingsError("documents", f"documents[{n}]: `repository_unique_id` must be an OID")
        if not TS.match(doc["creation_time"]):
            raise SettingsError("documents", f"documents[{n}]: `creation_time` must be YYYYMMDD[hh[mm[ss]]] (UTC)")
        if not SHA1_HEX.match(doc["hash"]):
            raise SettingsError("documents", f"documents[{n}]: `hash` must be 40 hex digits (SHA-1)")
        doc["hash"] = doc["hash"].lower()
        owners = [p for p in patients if p["id"] == doc["patient"]]
        if len(owners) != 1:
            raise SettingsError("documents", f"documents[{n}]: `patient` must be the `id` of exactly one patient")
        if any(e["unique_id"] == doc["unique_id"] for e in documents):
            raise SettingsError("documents", f"documents[{n}]: `unique_id` is used twice")
        doc["owner"] = owners[0]
        doc["patient_cx"] = cx(owners[0]["id"], owners[0]["root"])
        documents.append(doc)
    return documents


def load_or_fail(what):
    """Read the settings for a call; a bad setting fails the call as `internal`."""
    try:
        patients = load_patients()
        return patients, (load_documents(patients) if what == "documents" else [])
    except SettingsError as e:
        log.log(log.Level.ERROR, f"unusable settings: {e.message}")
        raise Err(types.AdapterError_Internal(f"community settings: {e.message}"))


# --- ITI-55 -----------------------------------------------------------------------------

def birth_matches(query, birth):
    """A query TS (maybe partial) or IVL<TS> against a stored birth time."""
    if query is None:
        return True
    if birth is None:
        return False
    if query.value:
        v = query.value.strip()
        return v.startswith(birth) or birth.startswith(v)

    def cut(a, b):
        k = min(len(a), len(b))
        return a[:k], b[:k]

    if query.low:
        b, lo = cut(birth, query.low.strip())
        if b < lo:
            return False
    if query.high:
        b, hi = cut(birth, query.high.strip())
        if b > hi:
            return False
    return True


def person_name(p):
    return types.PersonName(
        family=[p["family"]],
        given=p["given"].split() if p["given"] else [],
        prefix=[], suffix=[], name_use=None,
    )


def discover(query, patients):
    families = {part.strip().casefold() for name in query.names for part in name.family}
    families |= {" ".join(name.family).strip().casefold() for name in query.names if name.family}
    families.discard("")
    matches = []
    for p in patients:
        if p["family"].casefold() not in families:
            continue
        if query.gender and (p["gender"] or "").upper() != query.gender.strip().upper():
            continue
        if not birth_matches(query.birth_time, p["birth_time"]):
            continue
        matches.append(types.PatientMatch(
            patient_id=types.InstanceId(root=p["root"], extension=p["id"]),
            other_ids=[],
            names=[person_name(p)],
            gender=p["gender"],
            birth_time=p["birth_time"],
            addresses=[], telecoms=[], mothers_maiden_name=None,
            match_quality=None, home_community_id=None, extensions=[],
        ))
    return matches


class PatientDiscovery(exports.PatientDiscovery):
    def discover_patients(self, ctx, query):
        patients, _ = load_or_fail("patients")
        matches = discover(query, patients)
        log.log(log.Level.INFO,
                f"discover-patients: {len(query.names)} query names, "
                f"{len(patients)} patients in settings, {len(matches)} matched")
        return matches


# --- ITI-38 -----------------------------------------------------------------------------

class QueryError(Exception):
    def __init__(self, code, context):
        super().__init__(context)
        self.code = code
        self.context = context


def parse_values(raw):
    """The values of a stored-query Slot value: `'a'`, `('a','b')`, `(1, 2)`
    [ITI TF-2 3.18.4.1.2.3.5]. Raises ValueError on anything else."""
    text = raw.strip()
    listed = text.startswith("(")
    if listed:
        if not text.endswith(")"):
            raise ValueError("a list opened with `(` is not closed with `)`")
        text = text[1:-1]
    out, i, n = [], 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        if text[i] == "'":
            i += 1
            value = []
            while True:
                if i >= n:
                    raise ValueError("a quoted string is not terminated")
                if text[i] == "'":
                    if i + 1 < n and text[i + 1] == "'":
                        value.append("'")
                        i += 2
                        continue
                    i += 1
                    break
                value.append(text[i])
                i += 1
            value = "".join(value)
        else:
            j = text.find(",", i)
            j = n if j < 0 else j
            value = text[i:j].rstrip()
            i = j
            if not value or "'" in value:
                raise ValueError("an unquoted value must be a bare number or word")
        out.append(value)
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        if text[i] == "," and listed:
            i += 1
            continue
        raise ValueError("unexpected text after a value")
    if not out:
        raise ValueError("no value")
    return out


def read_parameters(slots):
    """{name: [values]} and {name: reason} for the malformed ones; values of one
    parameter, over all its Slots, are alternatives."""
    values, malformed = {}, {}
    for s in slots:
        name = s.name.strip()
        for raw in s.values:
            try:
                values.setdefault(name, []).extend(parse_values(raw))
            except ValueError as e:
                malformed[name] = str(e)
    for name in malformed:
        values.pop(name, None)
    return values, malformed


def code_matches(wanted, code):
    """`code^^scheme` filter values against a coded value."""
    if wanted is None:
        return True
    for w in wanted:
        parts = w.split("^")
        scheme = parts[2] if len(parts) > 2 else ""
        if parts[0] == code["code"] and (not scheme or scheme == code["scheme"]):
            return True
    return False


def padded(ts):
    return (ts.strip() + "0" * 14)[:14]


def single(values, name):
    v = values.get(name)
    if v is None:
        return None
    if len(v) != 1:
        raise QueryError(PARAM_NUMBER, f"parameter {name} takes one value")
    return v[0]


def find_documents(request, documents):
    values, malformed = read_parameters(request.parameters)
    patient_param = "$XDSDocumentEntryPatientId"
    for name, reason in malformed.items():
        if name != patient_param:
            raise QueryError(REGISTRY_ERROR, f"parameter {name}: {reason}")
    if patient_param in malformed:
        return []  # names no patient this community knows [ITI TF-2 3.38.4.1.2.2]
    if patient_param not in values:
        raise QueryError(MISSING_PARAM, f"required parameter {patient_param} is missing")
    patient = parse_cx(single(values, patient_param))
    statuses = values.get("$XDSDocumentEntryStatus")
    if not statuses:
        raise QueryError(MISSING_PARAM, "required parameter $XDSDocumentEntryStatus is missing")
    if STATUS_APPROVED not in statuses:
        return []
    types_wanted = values.get("$XDSDocumentEntryType")
    if types_wanted is not None and STABLE_DOCUMENT_ENTRY not in types_wanted:
        return []
    if any(name in values for name in ABSENT_METADATA_FILTERS):
        return []
    created_from = single(values, "$XDSDocumentEntryCreationTimeFrom")
    created_to = single(values, "$XDSDocumentEntryCreationTimeTo")
    found = []
    for d in documents:
        if patient is None or (d["owner"]["id"], d["owner"]["root"]) != patient:
            continue
        if not all(code_matches(values.get(param), d[field]) for field, _, _, param in CODES):
            continue
        created = padded(d["creation_time"])
        if created_from is not None and created < padded(created_from):
            continue
        if created_to is not None and created >= padded(created_to):
            continue
        found.append(d)
    return found


def attributes(*pairs):
    return [(k, v) for k, v in pairs]


def slot(name, values):
    return dq.RegistrySlot(name=name, slot_type=None, values=values)


def localized(value, lang=None):
    return [dq.LocalizedString(value=value, lang=lang, charset=None)]


def nested(kind, attrs, name=None, slots=None):
    return dq.NestedObject(kind=kind, attributes=attrs, name=name, description=None,
                           slots=slots or [], extra_xml=[])


def document_entry(d, home):
    """The DocumentEntry [ITI TF-3 4.2.3.2, Table 4.2.3.2-1] as an ebRIM ExtrinsicObject."""
    entry = uuid5(NAMESPACE_OID, d["unique_id"])
    eid = urn(entry)

    def nested_id(what):
        return urn(uuid5(entry, what))

    classifications = []
    for field, what, scheme, _ in CODES:
        c = d[field]
        classifications.append(nested(
            "Classification",
            attributes(("id", nested_id(what)), ("objectType", OBJECT_TYPE_CLASSIFICATION),
                       ("classificationScheme", scheme), ("classifiedObject", eid),
                       ("nodeRepresentation", c["code"])),
            name=localized(c["display"]),
            slots=[slot("codingScheme", [c["scheme"]])],
        ))
    identifiers = []
    for scheme, label, value in (
        (DOCUMENT_ENTRY_PATIENT_ID, "XDSDocumentEntry.patientId", d["patient_cx"]),
        (DOCUMENT_ENTRY_UNIQUE_ID, "XDSDocumentEntry.uniqueId", d["unique_id"]),
    ):
        identifiers.append(nested(
            "ExternalIdentifier",
            attributes(("id", nested_id(label)), ("objectType", OBJECT_TYPE_EXTERNAL_IDENTIFIER),
                       ("identificationScheme", scheme), ("registryObject", eid),
                       ("value", value)),
            name=localized(label),
        ))
    p = d["owner"]
    info = [f"PID-3|{d['patient_cx']}", f"PID-5|{p['family']}^{p['given'] or ''}^^^"]
    if p["birth_time"]:
        info.append(f"PID-7|{p['birth_time']}")
    if p["gender"]:
        info.append(f"PID-8|{p['gender']}")
    return dq.RegistryObject(
        kind="ExtrinsicObject",
        attributes=attributes(("id", eid), ("lid", eid), ("objectType", STABLE_DOCUMENT_ENTRY),
                              ("status", STATUS_APPROVED), ("mimeType", d["mime_type"]),
                              ("home", home)),
        name=localized(d["title"], d["language"]) if d["title"] else None,
        description=None,
        version_info=dq.VersionInfo(version_name="1", comment=None),
        slots=[
            slot("creationTime", [d["creation_time"]]),
            slot("hash", [d["hash"]]),
            slot("languageCode", [d["language"]]),
            slot("repositoryUniqueId", [d["repository_unique_id"]]),
            slot("size", [str(d["size"])]),
            slot("sourcePatientId", [d["patient_cx"]]),
            slot("sourcePatientInfo", info),
        ],
        classifications=classifications,
        external_identifiers=identifiers,
        extra_xml=[],
    )


def object_ref(d, home):
    eid = urn(uuid5(NAMESPACE_OID, d["unique_id"]))
    return dq.RegistryObject(kind="ObjectRef", attributes=attributes(("id", eid), ("home", home)),
                             name=None, description=None, version_info=None, slots=[],
                             classifications=[], external_identifiers=[], extra_xml=[])


class DocumentQuery(exports.DocumentQuery):
    def find(self, ctx, request):
        _, documents = load_or_fail("documents")
        home = ctx.target_home_community_id
        errors, objects = [], []
        try:
            if request.query_id.strip().lower() != FIND_DOCUMENTS:
                raise QueryError(UNKNOWN_STORED_QUERY,
                                 f"stored query {request.query_id.strip()} is not supported "
                                 "by this community (only FindDocuments)")
            found = find_documents(request, documents)
            if request.return_type == dq.ReturnType.OBJECT_REF:
                objects = [object_ref(d, home) for d in found]
            else:
                objects = [document_entry(d, home) for d in found]
        except QueryError as e:
            errors.append(types.RegistryError(error_code=e.code, code_context=e.context,
                                              severity=types.Severity.ERROR, location=home))
        log.log(log.Level.INFO,
                f"find: {len(documents)} documents in settings, {len(objects)} objects, "
                f"{len(errors)} errors [{', '.join(e.error_code for e in errors)}]")
        return dq.QueryResponse(objects=objects, errors=errors)


# --- settings-check ---------------------------------------------------------------------

class SettingsCheck(exports.SettingsCheck):
    def check_settings(self):
        problems = [sc.SettingProblem(key=k, message=f"unknown setting `{k}` (known: "
                                      f"{', '.join(SETTINGS)})")
                    for k in config.keys() if k not in SETTINGS]
        try:
            load_documents(load_patients())
        except SettingsError as e:
            problems.append(sc.SettingProblem(key=e.key, message=e.message))
        return problems
