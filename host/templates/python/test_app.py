"""Unit tests of app.py, run natively by ./test.sh (written by `xcgate plugin new`).

componentize-py writes the contract's Python bindings (stubs that raise outside a
component) to target/bindings; these tests stand in for the host's `config` and `log`
with the settings of settings.toml, then call the exported classes as the gateway would.
"""

import json
import pathlib
import tomllib
import unittest

from wit_world.exports import document_query as dq
from wit_world.imports import config, log, types

HERE = pathlib.Path(__file__).parent
SETTINGS = tomllib.loads((HERE / "settings.toml").read_text())
LOGGED = []


def setting(key):
    """As the host gives them: strings as they are, arrays and tables as JSON."""
    value = SETTINGS.get(key)
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


config.get = setting
config.keys = lambda: list(SETTINGS)
log.log = lambda level, message: LOGGED.append((level, message))

import app  # noqa: E402  (after the host's stand-ins)

CTX = types.CallContext(request_id="unit-test", deadline_unix_ms=2**62,
                        target_home_community_id="urn:oid:2.999.7",
                        initiator_home_community_id=None, user=None, extensions=[])


def query(family, given, birth, gender=None):
    name = types.PersonName(family=[family], given=[given], prefix=[], suffix=[], name_use=None)
    return types.PatientQuery(
        names=[name], birth_time=types.TimeQuery(value=birth, low=None, high=None),
        gender=gender, ids=[], addresses=[], telecoms=[], mothers_maiden_name=None,
        birth_place_address=None, birth_place_name=None, principal_care_provider_ids=[],
        match_algorithm=None, minimum_degree_match=None,
        reverse_query_assigning_authority=None, extensions=[])


def find_documents(patient_cx):
    slot = lambda name, value: dq.RegistrySlot(name=name, slot_type=None, values=[value])
    return dq.QueryRequest(
        query_id=app.FIND_DOCUMENTS,
        parameters=[slot("$XDSDocumentEntryPatientId", f"'{patient_cx}'"),
                    slot("$XDSDocumentEntryStatus", f"('{app.STATUS_APPROVED}')")],
        return_type=dq.ReturnType.LEAF_CLASS, home_community_id=None, extensions=[])


class PatientDiscoveryTest(unittest.TestCase):
    def test_aino_is_found_by_name_birth_time_and_gender(self):
        found = app.PatientDiscovery().discover_patients(
            CTX, query("Virtanen", "Aino", "19900312", "F"))
        self.assertEqual([m.patient_id.extension for m in found], ["EX-1001"])

    def test_every_parameter_sent_is_used(self):
        ask = lambda q: len(app.PatientDiscovery().discover_patients(CTX, q))
        self.assertEqual(ask(query("Virtanen", "Aino", "19900312", "M")), 0)
        self.assertEqual(ask(query("Virtanen", "Aino", "19910312")), 0)
        self.assertEqual(ask(query("Nobody", "Aino", "19900312")), 0)


class DocumentQueryTest(unittest.TestCase):
    def test_find_documents_lists_the_patients_documents(self):
        answer = app.DocumentQuery().find(CTX, find_documents("EX-1001^^^&2.999.7.1&ISO"))
        self.assertEqual(answer.errors, [])
        self.assertEqual(len(answer.objects), 1)
        nobody = app.DocumentQuery().find(CTX, find_documents("EX-404^^^&2.999.7.1&ISO"))
        self.assertEqual(nobody.objects, [])


class SettingsCheckTest(unittest.TestCase):
    def test_the_shipped_settings_are_fine(self):
        self.assertEqual(app.SettingsCheck().check_settings(), [])


if __name__ == "__main__":
    unittest.main()
