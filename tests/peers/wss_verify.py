#!/usr/bin/env python3
"""Independent check of the WS-Security header of a SOAP 1.2 message, with libxmlsec1
(python3-xmlsec) rather than xcgate's own XML-DSig code.

Reads a SOAP envelope from the file given as the only argument and prints one JSON
object:

  assertion_signature  "ok" or why not: the saml2:Assertion's enveloped signature,
                       verified with the certificate in its own KeyInfo
  message_signature    "ok", "absent" or why not: the ds:Signature directly in
                       wsse:Security, verified with the holder-of-key certificate of the
                       assertion's SubjectConfirmationData (or, for sender-vouches, the
                       assertion signer's certificate)
  references           the URIs the message signature references
  timestamp_id         the wsu:Id of wsu:Timestamp, if any
  key_identifier       the SAMLID KeyIdentifier of the message signature's
                       SecurityTokenReference, if any
  assertion_id         the assertion's ID
  holder_of_key_is_signer  whether the holder-of-key certificate is the assertion
                       signer's certificate

Exit status 0 when it could read the message, 2 otherwise.
"""
import base64
import json
import sys

import xmlsec
from lxml import etree

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
    "wsu": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
    "saml2": "urn:oasis:names:tc:SAML:2.0:assertion",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}
HOK = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"


def pem(b64_text):
    body = "".join(b64_text.split())
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return ("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n").encode()


def verify(signature, cert_b64):
    try:
        key = xmlsec.Key.from_memory(pem(cert_b64), xmlsec.KeyFormat.CERT_PEM)
        ctx = xmlsec.SignatureContext()
        ctx.key = key
        ctx.verify(signature)
        return "ok"
    except Exception as e:  # the reason is the result
        return "refused: %s" % (e,)


def main():
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    try:
        root = etree.parse(sys.argv[1], parser).getroot()
    except Exception as e:
        print(json.dumps({"error": "not XML: %s" % e}))
        return 2
    security = root.find("s:Header/wsse:Security", NS)
    if security is None:
        print(json.dumps({"error": "no wsse:Security header"}))
        return 2
    # Register ID attributes (saml2 ID and wsu:Id) so references resolve.
    xmlsec.tree.add_ids(root, ["ID", "Id"])
    out = {}
    assertion = security.find("saml2:Assertion", NS)
    if assertion is None:
        print(json.dumps({"error": "no saml2:Assertion directly in wsse:Security"}))
        return 2
    out["assertion_id"] = assertion.get("ID")
    a_sig = assertion.find("ds:Signature", NS)
    signer = assertion.findtext("ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate", None, NS)
    if a_sig is None or signer is None:
        out["assertion_signature"] = "no enveloped signature with an X509Certificate"
    else:
        out["assertion_signature"] = verify(a_sig, signer)
    hok = None
    for sc in assertion.findall("saml2:Subject/saml2:SubjectConfirmation", NS):
        if sc.get("Method") == HOK:
            hok = sc.findtext(
                "saml2:SubjectConfirmationData/ds:KeyInfo/ds:X509Data/ds:X509Certificate", None, NS
            )
            break
    out["holder_of_key_is_signer"] = hok is not None and signer is not None and "".join(hok.split()) == "".join(signer.split())
    timestamp = security.find("wsu:Timestamp", NS)
    out["timestamp_id"] = None if timestamp is None else timestamp.get("{%s}Id" % NS["wsu"])
    m_sig = security.find("ds:Signature", NS)
    if m_sig is None:
        out["message_signature"] = "absent"
    else:
        out["references"] = [r.get("URI") for r in m_sig.findall("ds:SignedInfo/ds:Reference", NS)]
        out["key_identifier"] = m_sig.findtext(
            "ds:KeyInfo/wsse:SecurityTokenReference/wsse:KeyIdentifier", None, NS
        )
        key = hok if hok is not None else signer
        out["message_signature"] = (
            "no key to verify with" if key is None else verify(m_sig, key)
        )
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
