#!/usr/bin/env python3
"""Drive xcgate with python-zeep (a SOAP client we did not write) and print what zeep
understood as one JSON object, for tests/tests/zeep_peer.rs.

usage: zeep_driver.py CONFORMANCE_DIR xcpd URL BODY.xml
       zeep_driver.py CONFORMANCE_DIR dq   URL 'PID^^^&AA&ISO'
       zeep_driver.py CONFORMANCE_DIR dr   URL DOCID REPOID HCID
       zeep_driver.py CONFORMANCE_DIR plq  URL ROOT EXTENSION

The WSDLs and zeep client set-up come from CONFORMANCE_DIR/peers/zeep/zeep_client.py
(offline WSDL loading, IPF WSDLs); the requests are built by zeep from those WSDLs.
"""
import base64
import json
import os
import sys

from lxml import etree

conformance, command, url, *args = sys.argv[1:]
sys.path.insert(0, os.path.join(conformance, "peers", "zeep"))
import zeep_client as zc  # noqa: E402  (path set just above)

RIM = "{urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0}"
HL7 = "{urn:hl7-org:v3}"
UNIQUE_ID = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"


def xcpd(body_file):
    c = zc.client("ipf/xcpd/iti55-raw.wsdl")
    svc = c.create_service("{urn:ihe:iti:xcpd:2009}RespondingGateway_Binding_Soap12", url)
    env = c.create_message(svc, "RespondingGateway_PRPA_IN201305UV02", [])
    env.find(f".//{zc.WSA}To").text = url
    body = env.find(f"{zc.SOAP12}Body")
    for child in list(body):
        body.remove(child)
    body.append(etree.parse(body_file).getroot())
    headers = {"Content-Type": 'application/soap+xml; charset=utf-8; '
               'action="urn:hl7-org:v3:PRPA_IN201305UV02:CrossGatewayPatientDiscovery"'}
    resp = c.transport.post_xml(url, env, headers)
    r = etree.fromstring(resp.content).find(f".//{HL7}PRPA_IN201306UV02")
    ack = r.find(f"{HL7}acknowledgement/{HL7}typeCode")
    qrc = r.find(f".//{HL7}queryResponseCode")
    patients = []
    for event in r.iter(f"{HL7}registrationEvent"):
        pid = event.find(f"{HL7}subject1/{HL7}patient/{HL7}id")
        custodian = event.find(f".//{HL7}custodian//{HL7}id")
        patients.append({"root": pid.get("root"), "extension": pid.get("extension"),
                         "custodian": custodian.get("root") if custodian is not None else None})
    return {"http": resp.status_code, "ack": ack.get("code"), "query_response": qrc.get("code"),
            "patients": patients}


def dq(pid):
    c = zc.client("ipf/xds/iti38.wsdl")
    svc = c.create_service("{urn:ihe:iti:xds-b:2007}RespondingGateway_Binding_Soap12", url)
    rim = c.type_factory("urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0")
    q = c.type_factory("urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0")

    def slot(name, *values):
        return rim.SlotType1(name=name, ValueList=rim.ValueListType(_value_1=[{"Value": v} for v in values]))

    r = svc.RespondingGateway_CrossGatewayQuery(
        ResponseOption=q.ResponseOptionType(returnType="LeafClass", returnComposedObjects=True),
        AdhocQuery=rim.AdhocQueryType(
            id="urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d",  # FindDocuments
            Slot=[slot("$XDSDocumentEntryPatientId", f"'{pid}'"),
                  slot("$XDSDocumentEntryStatus", "('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')")]))
    documents = []
    # zeep (strict=False) keeps rim:ExtrinsicObject, a substitution-group member, as raw XML.
    raw = getattr(r.RegistryObjectList, "_raw_elements", []) if r.RegistryObjectList else []
    for el in raw:
        unique = [e.get("value") for e in el.iter(f"{RIM}ExternalIdentifier")
                  if e.get("identificationScheme") == UNIQUE_ID]
        repository = [v.text for s in el.iter(f"{RIM}Slot") if s.get("name") == "repositoryUniqueId"
                      for v in s.iter(f"{RIM}Value")]
        documents.append({"unique_id": unique[0] if unique else None, "home": el.get("home"),
                          "repository": repository[0] if repository else None})
    return {"status": r.status, "documents": documents,
            "errors": len(r.RegistryErrorList.RegistryError) if r.RegistryErrorList else 0}


def dr(doc, repo, hcid):
    c = zc.client("ipf/xds/iti39.wsdl")
    svc = c.create_service("{urn:ihe:iti:xds-b:2007}RespondingGateway_Binding_Soap12", url)
    ihe = c.type_factory("urn:ihe:iti:xds-b:2007")
    r = svc.RespondingGateway_CrossGatewayRetrieve(DocumentRequest=[ihe.DocumentRequestType(
        HomeCommunityId=hcid, RepositoryUniqueId=repo, DocumentUniqueId=doc)])
    documents = [{"unique_id": d.DocumentUniqueId, "home": d.HomeCommunityId, "mime": d.mimeType,
                  "content_base64": base64.b64encode(d.Document or b"").decode()}
                 for d in r.DocumentResponse or []]
    return {"status": r.RegistryResponse.status, "documents": documents}


XCPD = "{urn:ihe:iti:xcpd:2009}"


def plq(root, extension):
    """ITI-56 from the IPF WSDL (its payload is xsd:anyType, so the request element is ours,
    written from XCPD_PLQ.xsd); the answer as lxml reads it, or the fault."""
    c = zc.client("ipf/xcpd/iti56-raw.wsdl")
    svc = c.create_service("{urn:ihe:iti:xcpd:2009}RespondingGateway_Binding_Soap12", url)
    env = c.create_message(svc, "RespondingGateway_PatientLocationQuery", None)
    to = env.find(f".//{zc.WSA}To")
    if to is not None:
        to.text = url
    body = env.find(f"{zc.SOAP12}Body")
    for child in list(body):
        body.remove(child)
    request = etree.SubElement(body, f"{XCPD}PatientLocationQueryRequest")
    etree.SubElement(request, f"{XCPD}RequestedPatientId", root=root, extension=extension)
    headers = {"Content-Type": 'application/soap+xml; charset=utf-8; '
               'action="urn:ihe:iti:2009:PatientLocationQuery"'}
    resp = c.transport.post_xml(url, env, headers)
    root_el = etree.fromstring(resp.content)
    fault = root_el.find(f".//{zc.SOAP12}Fault")
    if fault is not None:
        code = fault.find(f"{zc.SOAP12}Code/{zc.SOAP12}Value")
        reason = fault.find(f"{zc.SOAP12}Reason/{zc.SOAP12}Text")
        return {"http": resp.status_code, "fault": code.text if code is not None else None,
                "reason": reason.text if reason is not None else None}
    answer = root_el.find(f".//{XCPD}PatientLocationQueryResponse")
    locations = []
    for loc in answer.iter(f"{XCPD}PatientLocationResponse"):
        pid = loc.find(f"{XCPD}CorrespondingPatientId")
        req = loc.find(f"{XCPD}RequestedPatientId")
        locations.append({"home": loc.find(f"{XCPD}HomeCommunityId").text,
                          "root": pid.get("root"), "extension": pid.get("extension"),
                          "requested": f"{req.get('extension')}@{req.get('root')}"})
    action = root_el.find(f".//{zc.WSA}Action")
    return {"http": resp.status_code, "action": action.text if action is not None else None,
            "locations": locations}


result = {"xcpd": xcpd, "dq": dq, "dr": dr, "plq": plq}[command](*args)
print(json.dumps(result))
