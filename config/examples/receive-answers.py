#!/usr/bin/env python3
"""An initiator's endpoint for asynchronous answers (our own example; Python's standard
library only): listens on 127.0.0.1:PORT (default 9311), prints each answer a gateway
POSTs to it (its WS-Addressing Action and RelatesTo, then the message) and acknowledges it:
HTTP 202 for a WS-Addressing answer, an MCCI_IN000002UV01 AA for a deferred ITI-55 answer
[ITI TF-2 3.55.6.2]. Stop it with Ctrl-C.

    python3 config/examples/receive-answers.py 9311
"""
import http.server
import re
import sys
import uuid

ACK = """<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing"><env:Header><wsa:Action>urn:hl7-org:v3:MCCI_IN000002UV01</wsa:Action><wsa:MessageID>urn:uuid:{id}</wsa:MessageID><wsa:RelatesTo>{relates}</wsa:RelatesTo></env:Header><env:Body><MCCI_IN000002UV01 xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0"><id root="2.999.5" extension="{id}"/><creationTime value="20261206000000"/><interactionId root="2.16.840.1.113883.1.6" extension="MCCI_IN000002UV01"/><processingCode code="P"/><processingModeCode code="T"/><acceptAckCode code="NE"/><acknowledgement><typeCode code="AA"/><targetMessage><id root="2.999.5"/></targetMessage></acknowledgement></MCCI_IN000002UV01></env:Body></env:Envelope>"""


def header(text, name):
    found = re.search(r"<(?:\w+:)?%s[^>]*>([^<]*)<" % name, text)
    return found.group(1).strip() if found else "-"


class Answers(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        text = body.decode("utf-8", "replace")
        action, relates = header(text, "Action"), header(text, "RelatesTo")
        print(f"--- answer at {self.path}: Action {action}, RelatesTo {relates}", flush=True)
        print(text, flush=True)
        if "Deferred" in action:
            ack = ACK.format(id=uuid.uuid4(), relates=relates).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(ack)))
            self.end_headers()
            self.wfile.write(ack)
        else:
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args):
        pass


port = int(sys.argv[1]) if len(sys.argv) > 1 else 9311
print(f"receiving answers on http://127.0.0.1:{port}/", flush=True)
http.server.ThreadingHTTPServer(("127.0.0.1", port), Answers).serve_forever()
