"""gRPC connection limits with the real tritonclient and raw sockets: connections over --grpc-max-connections are
closed at once while the clients already connected keep working; a connection that never completes its HTTP/2
handshake is closed by --grpc-handshake-timeout-secs, and one with no call in progress by
--grpc-idle-timeout-secs; a closed connection frees its place."""

import socket
import time

import pytest
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from jepserve_process import EXAMPLES, JepServe, make_repository

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
EMPTY_SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
SETTINGS_ACK = b"\x00\x00\x00\x04\x01\x00\x00\x00\x00"
GOAWAY = 0x7


def _serve(*extra):
    return JepServe([make_repository(EXAMPLES / "add_sub")], ["--python-isolation", "inprocess", *extra]).wait_live()


def _raw(server):
    sock = socket.create_connection(("127.0.0.1", server.grpc_port), timeout=30)
    return sock


def _closed_within(sock, seconds):
    """Reads until the server closes the connection; returns (seconds it took, frame types seen), or None."""
    started = time.monotonic()
    sock.settimeout(0.5)
    data = b""
    while time.monotonic() - started < seconds:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return time.monotonic() - started, _frame_types(data)
        if not chunk:
            return time.monotonic() - started, _frame_types(data)
        data += chunk
    return None


def _frame_types(data):
    types, at = [], 0
    while at + 9 <= len(data):
        length = int.from_bytes(data[at:at + 3], "big")
        types.append(data[at + 3])
        at += 9 + length
    return types


def _fresh_client(server):
    # A channel of its own (grpc shares connections between channels to the same target by default).
    return grpcclient.InferenceServerClient(server.grpc_url, channel_args=[("grpc.use_local_subchannel_pool", 1)])


def _live(client):
    try:
        return client.is_server_live(client_timeout=10)
    except InferenceServerException:
        return False


def test_connections_over_the_cap_are_closed_while_connected_clients_keep_working():
    server = _serve("--grpc-max-connections", "3")
    raws = []
    try:
        with _fresh_client(server) as first:
            assert first.is_server_live()
            raws = [_raw(server) for _ in range(2)]
            for sock in raws:
                sock.sendall(PREFACE + EMPTY_SETTINGS)
            # The cap of 3 is reached: a fourth connection is closed right after it is accepted.
            over = _raw(server)
            closed = _closed_within(over, 10)
            over.close()
            assert closed is not None, server.output
            assert closed[0] < 5, closed
            with _fresh_client(server) as refused:
                assert not _live(refused)
            # The clients already connected keep working.
            for _ in range(3):
                assert first.is_server_live()
                assert first.is_model_ready("add_sub")
            assert server.wait_for_output("gRPC connection limit of 3 reached", timeout=10), server.output
            # A closed connection frees its place.
            raws.pop().close()
            deadline = time.monotonic() + 30
            with _fresh_client(server) as later:
                while not _live(later):
                    assert time.monotonic() < deadline, server.output
                    time.sleep(0.2)
            assert first.is_server_live()
    finally:
        for sock in raws:
            sock.close()
        server.stop()


def test_a_silent_connection_is_closed_by_the_handshake_timeout():
    server = _serve("--grpc-handshake-timeout-secs", "1", "--grpc-idle-timeout-secs", "0")
    try:
        sock = _raw(server)  # connects and sends nothing
        closed = _closed_within(sock, 30)
        sock.close()
        assert closed is not None, server.output
        assert 0.5 < closed[0] < 10, closed
        with grpcclient.InferenceServerClient(server.grpc_url) as client:
            assert client.is_server_live()
    finally:
        server.stop()


def test_an_idle_connection_is_closed_by_the_idle_timeout_and_a_busy_one_is_not():
    server = _serve("--grpc-idle-timeout-secs", "2")
    try:
        sock = _raw(server)
        sock.sendall(PREFACE + EMPTY_SETTINGS + SETTINGS_ACK)  # a complete handshake, then no call
        closed = _closed_within(sock, 60)
        sock.close()
        assert closed is not None, server.output
        seconds, frames = closed
        assert 1.5 < seconds < 20, closed
        assert GOAWAY in frames, closed
        # A client that keeps calling is never idle: its channel stays usable past the timeout.
        with _fresh_client(server) as client:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                assert client.is_server_live()
                time.sleep(0.5)
    finally:
        server.stop()
