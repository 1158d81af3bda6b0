#!/usr/bin/python3
"""An OAuth 2 authorization server (python3-authlib) on loopback over TLS,
for the tests of tresor's oauth2 credentials.

    oauth2_server.py DIR

Uses the test CA of https_echo_server.py (made in DIR unless DIR/ca.crt
exists), listens on a free port of 127.0.0.1, writes it to DIR/port, and
logs each token request as one JSON line {"grant_type", "auth", "client_id",
"status", "refresh_token"} to DIR/tokens.log ("auth": basic, post or none).
Runs until its stdin closes.

Clients: "svc" / "svc-secret" (client credentials), "svc-post" /
"post-secret" (client_secret_post only), "svc-refresh" / "refresh-secret"
(client credentials answered with a refresh token too; refresh with
rotation), "app" (a public client: the authorization code grant with PKCE
S256 required, redirect URIs http://127.0.0.1:PORT/callback of any port as
RFC 8252 7.3 has it, device authorization, refresh).

Paths:
  POST /token                  the token endpoint (client_credentials,
                               refresh_token with rotation: the old refresh
                               token is revoked)
  GET  /resource               200 "hello CLIENT" for a good access token, 401
  POST /admin/revoke?client=C  the client is deleted (invalid_client after)
  POST /admin/expires?seconds=N  tokens issued from now on live N seconds
  POST /admin/revoke-refresh   every refresh token revoked (invalid_grant)
  GET  /authorize?...           the authorization endpoint: 200 "consent" for
                               a good request, 400 otherwise
  POST /authorize?...          the user's decision (form decision=approve or
                               deny): 302 to the redirect URI with the code
                               (user "alice") or error=access_denied
  POST /device_authorization   the device authorization endpoint (RFC 8628;
                               interval 1)
  POST /device?user_code=U&decision=approve|deny  the user's decision
  POST /admin/device-lifetime?seconds=N  device codes issued from now on
                               expire after N seconds (the answer still says
                               1800)
  POST /broken/KIND            a token endpoint gone wrong: KIND notjson (200,
                               HTML), status (502, empty), noexpires (a token
                               without expires_in)
"""

import http.server
import json
import os
import re
import secrets
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.models import ClientMixin
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc8628 import (DEVICE_CODE_GRANT_TYPE, DeviceAuthorizationEndpoint,
                                    DeviceCodeGrant, DeviceCredentialDict)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from https_echo_server import make_ca  # noqa: E402

LOCK = threading.RLock()
STATE = {"expires_in": 3600, "log": None, "device_lifetime": 1800}
TOKENS = {}    # access token -> token dict
REFRESH = {}   # refresh token -> token dict
CODES = {}     # authorization code -> code dict
DEVICES = {}   # device code -> DeviceCredentialDict
DECISIONS = {}  # user code -> (user, approved)
LOOPBACK_REDIRECT = re.compile(r"http://127\.0\.0\.1:[0-9]{1,5}/callback")


class Client(ClientMixin):
    def __init__(self, client_id, secret, methods, grant_types):
        self.client_id, self.secret = client_id, secret
        self.methods, self.grant_types = methods, grant_types

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope or ""

    def check_redirect_uri(self, redirect_uri):
        return ("authorization_code" in self.grant_types and
                LOOPBACK_REDIRECT.fullmatch(redirect_uri or "") is not None)

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret.encode(), self.secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return method in self.methods

    def check_response_type(self, response_type):
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type):
        return grant_type in self.grant_types


CLIENTS = {
    "svc": Client("svc", "svc-secret", ["client_secret_basic", "client_secret_post"],
                  ["client_credentials"]),
    "svc-refresh": Client("svc-refresh", "refresh-secret", ["client_secret_basic"],
                          ["client_credentials", "refresh_token"]),
    "svc-post": Client("svc-post", "post-secret", ["client_secret_post"],
                       ["client_credentials"]),
    "app": Client("app", "", ["none"],
                  ["authorization_code", "refresh_token", DEVICE_CODE_GRANT_TYPE]),
}


class TokenRecord(dict):
    def get_scope(self):
        return self.get("scope", "")

    def check_client(self, client):
        return self["client_id"] == client.get_client_id()

    def get_expires_in(self):
        return STATE["expires_in"]  # a refreshed token lives as a new one would

    def is_revoked(self):
        return self.get("revoked", False)

    def is_expired(self):
        return self["issued_at"] + self["expires_in"] < time.time()


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def create_token_response(self):
        # A refresh token too for a client allowed that grant, as some
        # servers do (RFC 6749 4.4.3 says SHOULD NOT): the test of refresh
        # and rotation needs no login then.
        client = self.request.client
        token = self.generate_token(scope=self.request.scope,
                                    include_refresh_token=client.check_grant_type("refresh_token"))
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation

    def authenticate_refresh_token(self, refresh_token):
        token = REFRESH.get(refresh_token)
        if token is not None and not token.is_revoked():
            return token
        return None

    def authenticate_user(self, credential):
        return credential.get("user") or "service"

    def revoke_old_credential(self, credential):
        credential["revoked"] = True


class AuthorizationCode(dict):
    def get_redirect_uri(self):
        return self["redirect_uri"]

    def get_scope(self):
        return self.get("scope") or ""


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def save_authorization_code(self, code, request):
        CODES[code] = AuthorizationCode(
            code=code, client_id=request.client.get_client_id(), redirect_uri=request.redirect_uri,
            scope=request.scope, user=request.user,
            challenge=request.data.get("code_challenge"),
            method=request.data.get("code_challenge_method"))

    def query_authorization_code(self, code, client):
        item = CODES.get(code)
        return item if item is not None and item["client_id"] == client.get_client_id() else None

    def delete_authorization_code(self, authorization_code):
        CODES.pop(authorization_code["code"], None)

    def authenticate_user(self, authorization_code):
        return authorization_code["user"]


class S256Only(CodeChallenge):
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant):
        # PKCE required of every authorization request, S256 only.
        if grant.request.data.get("code_challenge_method") != "S256":
            raise InvalidRequestError('"code_challenge_method=S256" is required')
        super().validate_code_challenge(grant)

    def get_authorization_code_challenge(self, authorization_code):
        return authorization_code["challenge"]

    def get_authorization_code_challenge_method(self, authorization_code):
        return authorization_code["method"]


class DeviceEndpoint(DeviceAuthorizationEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INTERVAL = 1

    def get_verification_uri(self):
        return "https://localhost:%d/device" % STATE["port"]

    def save_device_credential(self, client_id, scope, data):
        DEVICES[data["device_code"]] = DeviceCredentialDict(
            client_id=client_id, scope=scope, user_code=data["user_code"],
            expires_at=time.time() + STATE["device_lifetime"])


class DeviceGrant(DeviceCodeGrant):
    def query_device_credential(self, device_code):
        return DEVICES.get(device_code)

    def query_user_grant(self, user_code):
        return DECISIONS.get(user_code)

    def should_slow_down(self, credential):
        return False


class Server(AuthorizationServer):
    def query_client(self, client_id):
        return CLIENTS.get(client_id)

    def save_token(self, token, request):
        record = TokenRecord(token)
        record["client_id"] = request.client.get_client_id()
        record["issued_at"] = int(time.time())
        record["user"] = request.user
        TOKENS[token["access_token"]] = record
        if "refresh_token" in token:
            REFRESH[token["refresh_token"]] = record

    def create_oauth2_request(self, request):
        return request

    def handle_response(self, status, body, headers):
        return status, body, headers

    def send_signal(self, *args, **kwargs):
        pass


def make_server():
    server = Server()
    generator = BearerTokenGenerator(
        lambda **kw: secrets.token_urlsafe(24),
        lambda **kw: secrets.token_urlsafe(24),
        lambda client, grant_type: STATE["expires_in"])
    server.register_token_generator("default", generator)
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(RefreshTokenGrant)
    server.register_grant(AuthorizationCodeGrant, [S256Only(required=True)])
    server.register_grant(DeviceGrant)
    server.register_endpoint(DeviceEndpoint)
    return server


AUTH = make_server()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/resource":
            auth = self.headers.get("Authorization", "")
            with LOCK:
                token = TOKENS.get(auth[len("Bearer "):]) if auth.startswith("Bearer ") else None
                good = token is not None and not token.is_expired()
            if good:
                return self._send(200, ("hello " + token["client_id"]).encode(), "text/plain")
            return self._send(401, b"bad token\n", "text/plain")
        if url.path == "/authorize":
            with LOCK:
                try:
                    AUTH.get_consent_grant(self._oauth2_request("GET"), end_user="alice")
                except Exception as e:  # an OAuth2Error: the request is refused
                    return self._send(400, str(e).encode(), "text/plain")
            return self._send(200, b"consent\n", "text/plain")
        self._send(404, b"no such path\n", "text/plain")

    def _oauth2_request(self, method, form=None):
        uri = "https://127.0.0.1:%d%s" % (self.server.server_address[1], self.path)
        return OAuth2Request(method, uri, form or {}, dict(self.headers.items()))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        form = dict(urllib.parse.parse_qsl(body))
        if url.path == "/authorize":
            user = "alice" if form.get("decision") == "approve" else None
            with LOCK:
                status, answer, headers = AUTH.create_authorization_response(
                    self._oauth2_request("GET"), grant_user=user)
            return self._send(status, json.dumps(answer).encode() if answer else b"",
                              "application/json", headers)
        if url.path == "/device_authorization":
            with LOCK:
                status, answer, headers = AUTH.create_endpoint_response(
                    "device_authorization", self._oauth2_request("POST", form))
            return self._send(status, json.dumps(answer).encode(), "application/json", headers)
        if url.path == "/device":
            with LOCK:
                DECISIONS[query["user_code"]] = ("alice", query.get("decision") == "approve")
            return self._send(200, b"ok\n", "text/plain")
        if url.path == "/token":
            request = self._oauth2_request("POST", form)
            with LOCK:
                status, answer, headers = AUTH.create_token_response(request)
                auth = self.headers.get("Authorization", "")
                entry = {
                    "grant_type": form.get("grant_type"),
                    "auth": "basic" if auth.startswith("Basic ")
                            else "post" if "client_secret" in form else "none",
                    "client_id": form.get("client_id", ""),
                    "status": status,
                    "scope": form.get("scope", ""),
                    "audience": form.get("audience", ""),
                    "resource": form.get("resource", ""),
                    "refresh_token": form.get("refresh_token", ""),
                    "code_verifier": form.get("code_verifier", ""),
                    "device_code": form.get("device_code", ""),
                }
                with open(STATE["log"], "a") as log:
                    log.write(json.dumps(entry) + "\n")
            return self._send(status, json.dumps(answer).encode(), "application/json", headers)
        if url.path.startswith("/broken/"):
            kind = url.path[len("/broken/"):]
            if kind == "notjson":
                return self._send(200, b"<html>sign in</html>", "text/html")
            if kind == "noexpires":
                answer = {"access_token": "no-expiry-token", "token_type": "Bearer"}
                return self._send(200, json.dumps(answer).encode(), "application/json")
            return self._send(502, b"", "text/plain")
        with LOCK:
            if url.path == "/admin/revoke":
                CLIENTS.pop(query.get("client", ""), None)
            elif url.path == "/admin/expires":
                STATE["expires_in"] = int(query["seconds"])
            elif url.path == "/admin/device-lifetime":
                STATE["device_lifetime"] = int(query["seconds"])
            elif url.path == "/admin/revoke-refresh":
                for token in REFRESH.values():
                    token["revoked"] = True
            else:
                return self._send(404, b"no such path\n", "text/plain")
        self._send(200, b"ok\n", "text/plain")

    def _send(self, status, body, content_type, headers=()):
        self.send_response(status)
        sent = {"content-type"}
        self.send_header("Content-Type", content_type)
        for name, value in headers:
            if name.lower() not in sent:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    folder = sys.argv[1]
    make_ca(folder)
    STATE["log"] = os.path.join(folder, "tokens.log")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(folder, "server.crt"), os.path.join(folder, "server.key"))
    server = ThreadingServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    STATE["port"] = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with open(os.path.join(folder, "port.tmp"), "w") as out:
        out.write("%d\n" % server.server_address[1])
    os.rename(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))
    sys.stdin.read()


if __name__ == "__main__":
    main()
