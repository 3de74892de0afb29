#!/usr/bin/env python3
"""An aiocoap 0.4.17 OSCORE server or client for the interop cases (runs inside the chroot).

The ground truth it records comes from aiocoap's own OSCORE layer: every message aiocoap
protects and every message it unprotects (or fails to) is written, as aiocoap saw the
plaintext, to the --truth file (JSON lines) by wrapping CanProtect.protect and
CanUnprotect.unprotect. The client also records what the application got back.

  aiocoap_peer.py server --bind ADDR PORT --ctx DIR [--ctx DIR]... --truth FILE [--id-update]
  aiocoap_peer.py client --plan FILE --truth FILE
"""
import argparse
import asyncio
import json
import logging
import os
import sys
import types

# Debian has no python3-lakers (aiocoap's EDHOC), but aiocoap.oscore_sitewrapper imports it
# at module level (0.4.17, line 17). EDHOC is never used here, so an empty module will do.
sys.modules.setdefault("lakers", types.ModuleType("lakers"))

import aiocoap  # noqa: E402
import aiocoap.resource as resource  # noqa: E402
from aiocoap import oscore, optiontypes  # noqa: E402
from aiocoap.oscore_sitewrapper import OscoreSiteWrapper  # noqa: E402
from aiocoap.transports.oscore import OSCOREAddress  # noqa: E402

RID, RID_ACK = 24, 32
TRUTH = None


def code_text(code):
    return f"{int(code) >> 5}.{int(code) & 31:02d}"


def option_hex(option):
    try:
        return option.encode().hex()
    except (OverflowError, ValueError):
        # aiocoap keeps a placeholder (negative) Observe value in unprotected
        # notifications until the outer value is merged in; it has no wire form.
        return None


def describe(msg):
    return {"code": code_text(msg.code),
            "options": [[o.number, option_hex(o)] for o in msg.opt.option_list()],
            "payload": bytes(msg.payload).hex()}


def record(event, **fields):
    TRUTH.write(json.dumps({"event": event, **fields}) + "\n")
    TRUTH.flush()


def wrap_oscore_layer():
    """Log every protect/unprotect aiocoap does, with the plaintext it saw."""
    protect, unprotect = oscore.CanProtect.protect, oscore.CanUnprotect.unprotect

    def logged_protect(self, message, request_id=None, **kw):
        record("protect", sender_id=self.sender_id.hex(), **describe(message))
        return protect(self, message, request_id, **kw)

    def logged_unprotect(self, protected_message, request_id=None):
        try:
            plain, rid = unprotect(self, protected_message, request_id)
        except oscore.ReplayErrorWithEcho as e:
            record("unprotect-replay-echo", recipient_id=self.recipient_id.hex(), error=repr(e))
            raise
        except Exception as e:
            record("unprotect-failed", recipient_id=self.recipient_id.hex(), error=repr(e))
            raise
        record("unprotect", recipient_id=self.recipient_id.hex(), **describe(plain))
        return plain, rid

    oscore.CanProtect.protect = logged_protect
    oscore.CanUnprotect.unprotect = logged_unprotect


def opaque(number, hexvalue):
    return optiontypes.OpaqueOption(number, bytes.fromhex(hexvalue))


# ---------------------------------------------------------------- server resources

class OnlyOscore(resource.Site):
    """The resources answer only OSCORE requests: a plain request (a client whose OSCORE
    did not engage) gets 4.01 and so cannot pass for a protected exchange."""
    async def render(self, request):
        if not isinstance(request.remote, OSCOREAddress):
            record("plain-request-refused", path=list(request.opt.uri_path))
            return aiocoap.Message(code=aiocoap.UNAUTHORIZED, payload=b"OSCORE only")
        return await super().render(request)


class Hello(resource.Resource):
    async def render_get(self, request):
        return aiocoap.Message(payload=b"hello from aiocoap")


class Echo(resource.Resource):
    """POST and PUT answer with what they got, prefixed, so both directions carry data."""
    async def render_post(self, request):
        return aiocoap.Message(code=aiocoap.CHANGED, payload=b"posted:" + request.payload)

    async def render_put(self, request):
        return aiocoap.Message(code=aiocoap.CHANGED, payload=b"put:" + request.payload)


class Big(resource.Resource):
    """A 2100-byte body: aiocoap sends it as inner Block2 blocks; PUT takes Block1 uploads."""
    body = bytes(range(48, 118)) * 30

    async def render_get(self, request):
        return aiocoap.Message(payload=self.body)

    async def render_put(self, request):
        return aiocoap.Message(code=aiocoap.CHANGED, payload=b"got %d bytes" % len(request.payload))


class Counter(resource.ObservableResource):
    """Notifies every 0.3 s while observed; every notification carries its count."""
    def __init__(self):
        super().__init__()
        self.count = 0
        self.task = None

    def update_observation_count(self, count):
        if count and self.task is None:
            self.task = asyncio.get_event_loop().create_task(self.tick())
        elif not count and self.task is not None:
            self.task.cancel()
            self.task = None

    async def tick(self):
        while True:
            await asyncio.sleep(0.3)
            self.count += 1
            self.updated_state()

    async def render_get(self, request):
        return aiocoap.Message(payload=b"count %d" % self.count)


class IdUpdate(resource.Resource):
    """The server's side of a scripted ID update (draft-ietf-core-oscore-id-update, client
    initiated): on a request offering Recipient-ID X it offers its own Recipient-ID and
    acknowledges X; afterwards it acknowledges X until it has verified three requests
    carrying Recipient-ID-Ack, like Figure 2 of the draft."""
    def __init__(self, own_offer):
        super().__init__()
        self.own_offer = own_offer
        self.client_offer = None
        self.acks_seen = 0
        self.offered = False

    async def render_post(self, request):
        got = {o.number: o.encode().hex() for o in request.opt.option_list()}
        if RID in got:
            self.client_offer = got[RID]
        if RID_ACK in got:
            self.acks_seen += 1
        reply = aiocoap.Message(code=aiocoap.CHANGED, payload=b"ack:" + request.payload)
        if self.client_offer is not None and not self.offered:
            reply.opt.add_option(opaque(RID, self.own_offer))
            self.offered = True
        if self.client_offer is not None and self.acks_seen < 3:
            reply.opt.add_option(opaque(RID_ACK, self.client_offer))
        return reply


async def serve(args):
    site = OnlyOscore()
    site.add_resource(["hello"], Hello())
    site.add_resource(["echo"], Echo())
    site.add_resource(["big"], Big())
    site.add_resource(["counter"], Counter())
    if args.id_update:
        site.add_resource(["idu"], IdUpdate(args.id_update))
    creds = aiocoap.credentials.CredentialsMap()
    for i, path in enumerate(args.ctx):
        creds[f":ctx{i}"] = oscore.FilesystemSecurityContext(path)
    ctx = await aiocoap.Context.create_server_context(
        OscoreSiteWrapper(site, creds), bind=(args.bind, args.port), transports=["oscore", "udp6"])
    record("listening", addr=args.bind, port=args.port)
    await asyncio.sleep(args.lifetime)
    await ctx.shutdown()


# ---------------------------------------------------------------- client

async def run_plan(args):
    with open(args.plan) as f:
        plan = json.load(f)
    contexts = {}
    protocols = {}

    async def protocol_for(src):
        # A client bound to a given source address (for the migration step) is a server
        # context on that address: aiocoap's plain client context cannot choose its source.
        if src not in protocols:
            if src is None:
                protocols[src] = await aiocoap.Context.create_client_context(transports=["oscore", "udp6"])
            else:
                protocols[src] = await aiocoap.Context.create_server_context(
                    resource.Site(), bind=(src, 0), transports=["oscore", "udp6"])
        return protocols[src]

    for n, step in enumerate(plan["steps"]):
        proto = await protocol_for(step.get("src"))
        ctxdir = step["ctx"]
        if ctxdir not in contexts:
            contexts[ctxdir] = oscore.FilesystemSecurityContext(ctxdir)
        proto.client_credentials.clear()
        proto.client_credentials[plan["base"] + "/*"] = contexts[ctxdir]
        code = getattr(aiocoap, step.get("method", "GET"))
        msg = aiocoap.Message(code=code, uri=plan["base"] + step["path"],
                              payload=step.get("payload", "").encode())
        for number, value in step.get("options", []):
            msg.opt.add_option(opaque(number, value))
        if step.get("observe"):
            msg.opt.observe = 0
        try:
            req = proto.request(msg)
            resp = await asyncio.wait_for(req.response, timeout=step.get("timeout", 20))
            record("app-response", step=n, **describe(resp))
            if step.get("observe"):
                seen = 0
                async for note in req.observation:
                    seen += 1
                    record("app-notification", step=n, **describe(note))
                    if seen >= step["observe"]:
                        req.observation.cancel()
                        break
        except Exception as e:  # the truth records what happened, whatever it was
            record("app-error", step=n, error=repr(e))
        if step.get("pause"):
            await asyncio.sleep(step["pause"])
    for proto in protocols.values():
        await proto.shutdown()


def main():
    if os.environ.get("OIDU_AIOCOAP_DEBUG"):
        logging.basicConfig(level=logging.DEBUG)
    global TRUTH
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("server")
    s.add_argument("--bind", required=True)
    s.add_argument("--port", type=int, default=5683)
    s.add_argument("--ctx", action="append", required=True)
    s.add_argument("--truth", required=True)
    s.add_argument("--id-update", help="hex Recipient-ID the server offers on /idu")
    s.add_argument("--lifetime", type=float, default=60)
    c = sub.add_parser("client")
    c.add_argument("--plan", required=True)
    c.add_argument("--truth", required=True)
    args = ap.parse_args()
    TRUTH = open(args.truth, "a")
    wrap_oscore_layer()
    asyncio.run(serve(args) if args.mode == "server" else run_plan(args))


if __name__ == "__main__":
    main()
