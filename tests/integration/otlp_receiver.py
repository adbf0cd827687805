"""A small OTLP/HTTP trace receiver for the tests: an HTTP server that decodes the protobuf body of
POST /v1/traces (ExportTraceServiceRequest) with a hand-written wire-format reader, so no OpenTelemetry
package is needed. Only the fields the tests look at are decoded."""

import http.server
import threading


def _varint(data, pos):
    result = 0
    shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(data):
    """Yields (field number, wire type, value) of one protobuf message: ints for varint and fixed, bytes for
    length-delimited."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value = int.from_bytes(data[pos:pos + 8], "little")
            pos += 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value = data[pos:pos + length]
            pos += length
        elif wire == 5:
            value = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield number, wire, value


def _any_value(data):
    # AnyValue: 1 string, 2 bool, 3 int, 4 double
    for number, _, value in fields(data):
        if number == 1:
            return value.decode("utf-8")
        if number in (2, 3):
            return value
    return None


def _key_value(data):
    key, value = None, None
    for number, _, raw in fields(data):
        if number == 1:
            key = raw.decode("utf-8")
        elif number == 2:
            value = _any_value(raw)
    return key, value


def _span(data):
    span = {"attributes": {}, "events": [], "parentSpanId": ""}
    for number, _, value in fields(data):
        if number == 1:
            span["traceId"] = value.hex()
        elif number == 2:
            span["spanId"] = value.hex()
        elif number == 4:
            span["parentSpanId"] = value.hex()
        elif number == 5:
            span["name"] = value.decode("utf-8")
        elif number == 7:
            span["startTimeUnixNano"] = value
        elif number == 8:
            span["endTimeUnixNano"] = value
        elif number == 9:
            key, attribute = _key_value(value)
            span["attributes"][key] = attribute
        elif number == 11:
            event = {}
            for event_number, _, event_value in fields(value):
                if event_number == 1:
                    event["timeUnixNano"] = event_value
                elif event_number == 2:
                    event["name"] = event_value.decode("utf-8")
            span["events"].append(event)
    return span


def decode_export(body):
    """ExportTraceServiceRequest -> list of spans, each with its resource's attributes under "resource"."""
    spans = []
    for number, _, resource_spans in fields(body):
        if number != 1:
            continue
        resource = {}
        scope_spans = []
        for inner_number, _, value in fields(resource_spans):
            if inner_number == 1:  # Resource
                for attr_number, _, attr in fields(value):
                    if attr_number == 1:
                        key, attribute = _key_value(attr)
                        resource[key] = attribute
            elif inner_number == 2:  # ScopeSpans
                scope_spans.append(value)
        for scope in scope_spans:
            for scope_number, _, value in fields(scope):
                if scope_number == 2:
                    span = _span(value)
                    span["resource"] = resource
                    spans.append(span)
    return spans


class OtlpReceiver:
    """Listens on a free port of 127.0.0.1; `spans` holds every span received so far."""

    def __init__(self):
        self.spans = []
        self.requests = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self._body()
                decoded = decode_export(body) if self.path == "/v1/traces" else []
                with receiver._lock:
                    receiver.requests += 1
                    receiver.spans.extend(decoded)
                self.send_response(200 if self.path == "/v1/traces" else 404)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _body(self):
                if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                    return self.rfile.read(int(self.headers.get("Content-Length", "0")))
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        self.rfile.readline()
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/v1/traces" % self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def snapshot(self):
        with self._lock:
            return list(self.spans)

    def close(self):
        self._server.shutdown()
        self._server.server_close()
