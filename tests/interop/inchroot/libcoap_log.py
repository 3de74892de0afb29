"""Reads libcoap 4.3.5's own debug log (-v 7) into the ground-truth events of a case.

libcoap logs the plaintext of every PDU it protects ("PDU to encrypt", next line) and of
every PDU it verified ("Decrypted PDU", next line), as
  v:1 t:CON c:PUT i:6e47 {0200} [ Uri-Path:example_data, Echo:0x6986, 24:0x42 ] :: 'text'
or, for a binary payload, ":: binary data length N" followed by a "<<hex>>" line. Failures
are WARN lines ("OSCORE: PDU could not be decrypted", "Replay protection").
"""
import re

METHODS = {"GET": "0.01", "POST": "0.02", "PUT": "0.03", "DELETE": "0.04", "FETCH": "0.05",
           "PATCH": "0.06", "iPATCH": "0.07"}
# libcoap's option names (coap_debug.c) -> numbers; unknown options print as "N:value".
OPTIONS = {"If-Match": 1, "Uri-Host": 3, "ETag": 4, "If-None-Match": 5, "Observe": 6,
           "Uri-Port": 7, "Location-Path": 8, "Oscore": 9, "Uri-Path": 11,
           "Content-Format": 12, "Max-Age": 14, "Uri-Query": 15, "Hop-Limit": 16,
           "Accept": 17, "Q-Block1": 19, "Location-Query": 20, "Block2": 23, "Block1": 27,
           "Size2": 28, "Q-Block2": 31, "Proxy-Uri": 35, "Proxy-Scheme": 39, "Size1": 60,
           "Echo": 252, "No-Response": 258, "Request-Tag": 292}
PDU = re.compile(r"v:1 t:(\w+) c:(\S+) i:([0-9a-f]+) \{([0-9a-f]*)\} \[(.*?)\]( :: (.*))?$")


def unescape(text):
    """libcoap prints bytes it does not show as text as \\xHH (also inside 'payload')."""
    out, i = bytearray(), 0
    while i < len(text):
        if text.startswith("\\x", i) and len(text) >= i + 4:
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out += text[i].encode()
            i += 1
    return bytes(out)


def option_value(value):
    if value.startswith("0x"):
        return value[2:]
    if "\\x" in value:
        return unescape(value).hex()  # unknown options (24, 32) print as N:\\xHH
    return None  # shown decoded (a path, a block number); compared by number only


def parse_options(text):
    out = []
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, _, value = item.partition(":")
        number = OPTIONS.get(name, int(name) if name.isdigit() else None)
        if number is None:
            raise ValueError(f"unknown libcoap option name {name!r} in {text!r}")
        out.append([number, option_value(value)])
    return out


def parse_pdu(line, next_line):
    m = PDU.search(line)
    if not m:
        raise ValueError(f"not a libcoap PDU line: {line!r}")
    ctype, code, _mid, token, options, _, payload = m.groups()
    code = METHODS.get(code, code)
    if payload is None:
        data = ""
    elif payload.startswith("binary data length"):
        hexline = re.match(r"<<([0-9a-f]*)>>", next_line or "")
        if not hexline:
            raise ValueError(f"binary payload without its <<hex>> line after {line!r}")
        data = hexline.group(1)
    else:
        data = unescape(payload[1:-1]).hex()  # 'text' printed between quotes
    return {"type": ctype, "code": code, "token": token, "options": parse_options(options),
            "payload": data}


def events(log_text):
    lines = log_text.splitlines()
    out = []
    for i, line in enumerate(lines):
        after = lines[i + 1] if i + 1 < len(lines) else ""
        later = lines[i + 2] if i + 2 < len(lines) else ""
        if line.endswith("DEBG PDU to encrypt"):
            out.append({"event": "protect", **parse_pdu(after, later)})
        elif line.endswith("DEBG Decrypted PDU"):
            out.append({"event": "unprotect", **parse_pdu(after, later)})
        elif "OSCORE: Decryption Failure" in line:
            # the AEAD tag did not verify (followed by "PDU could not be decrypted")
            out.append({"event": "unprotect-failed", "error": line.split("WARN ", 1)[-1]})
        elif "OSCORE: Replay protection" in line:
            out.append({"event": "replay-rejected", "error": line.split("WARN ", 1)[-1]})
    return out
