"""Strict DER reading (and a little writing) for the interop suite: turns certificates, PKCS#10
requests and CRLs into plain Python values that two implementations can be compared on, field by
field (docs/cfssl-compat.md Appendix B "field-level equivalence checklist").

Only the standard library is used, so a comparison never depends on how a third-party parser
normalises what it reads: string tags, extension order, criticality encodings and SET ordering are
all visible here exactly as encoded.
"""
import base64
import datetime
import hashlib
import re


class DerError(Exception):
    """The input is not DER (or not the structure expected)."""


# ---------------------------------------------------------------- reading

class Node:
    """One TLV. `raw` is the whole encoding, `content` the value octets."""

    __slots__ = ("tag", "raw", "content")

    def __init__(self, tag, raw, content):
        self.tag, self.raw, self.content = tag, raw, content

    @property
    def constructed(self):
        return bool(self.tag & 0x20)

    def children(self):
        if not self.constructed:
            raise DerError(f"tag 0x{self.tag:02x} is primitive")
        return parse_all(self.content)

    def __repr__(self):
        return f"Node(0x{self.tag:02x}, {self.content.hex()})"


def read_tlv(buf, off):
    """Read the TLV at `off`; reject everything DER forbids in lengths (BER forms)."""
    if off + 2 > len(buf):
        raise DerError("truncated TLV header")
    tag = buf[off]
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tags are not used in X.509")
    l0 = buf[off + 1]
    if l0 < 0x80:
        length, hl = l0, 2
    elif l0 == 0x80:
        raise DerError("indefinite length (BER, not DER)")
    else:
        n = l0 & 0x7F
        if n > 4 or off + 2 + n > len(buf):
            raise DerError("bad long-form length")
        lb = buf[off + 2:off + 2 + n]
        if lb[0] == 0:
            raise DerError("non-minimal length (leading zero octet)")
        length = int.from_bytes(lb, "big")
        if length < 0x80:
            raise DerError("non-minimal length (long form for < 128)")
        hl = 2 + n
    end = off + hl + length
    if end > len(buf):
        raise DerError("TLV runs past the end of its container")
    return Node(tag, bytes(buf[off:end]), bytes(buf[off + hl:end])), end


def parse_one(buf):
    node, end = read_tlv(buf, 0)
    if end != len(buf):
        raise DerError(f"{len(buf) - end} trailing bytes after DER value")
    return node


def parse_all(buf):
    out, off = [], 0
    while off < len(buf):
        node, off = read_tlv(buf, off)
        out.append(node)
    return out


def expect(node, tag, what):
    if node.tag != tag:
        raise DerError(f"{what}: expected tag 0x{tag:02x}, got 0x{node.tag:02x}")
    return node


def oid(node):
    c = expect(node, 0x06, "OBJECT IDENTIFIER").content
    if not c:
        raise DerError("empty OID")
    arcs, val = [], 0
    for i, b in enumerate(c):
        if val == 0 and b == 0x80:
            raise DerError("non-minimal OID arc")
        val = (val << 7) | (b & 0x7F)
        if not b & 0x80:
            arcs.append(val)
            val = 0
        elif i == len(c) - 1:
            raise DerError("truncated OID")
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


def integer(node):
    c = expect(node, 0x02, "INTEGER").content
    if not c:
        raise DerError("empty INTEGER")
    if len(c) > 1 and ((c[0] == 0 and c[1] < 0x80) or (c[0] == 0xFF and c[1] >= 0x80)):
        raise DerError("non-minimal INTEGER")
    return int.from_bytes(c, "big", signed=True)


def boolean(node):
    c = expect(node, 0x01, "BOOLEAN").content
    if c not in (b"\x00", b"\xff"):
        raise DerError(f"BOOLEAN must be 00 or FF in DER, got {c.hex()}")
    return c == b"\xff"


def bit_string(node):
    """Return (unused_bits, octets)."""
    c = expect(node, 0x03, "BIT STRING").content
    if not c or c[0] > 7 or (len(c) == 1 and c[0] != 0):
        raise DerError("bad BIT STRING")
    return c[0], c[1:]


TIME_TAGS = {0x17: "UTCTime", 0x18: "GeneralizedTime"}


def time_value(node):
    """Return (datetime UTC, tag name). DER: UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSSZ."""
    s = node.content.decode("ascii", errors="replace")
    if node.tag == 0x17:
        if not re.fullmatch(r"\d{12}Z", s):
            raise DerError(f"UTCTime not in DER form: {s!r}")
        year = int(s[:2])
        year += 1900 if year >= 50 else 2000
        rest = s[2:]
    elif node.tag == 0x18:
        if not re.fullmatch(r"\d{14}Z", s):
            raise DerError(f"GeneralizedTime not in DER form (whole seconds, Z): {s!r}")
        year, rest = int(s[:4]), s[4:]
    else:
        raise DerError(f"not a time: tag 0x{node.tag:02x}")
    dt = datetime.datetime(year, int(rest[0:2]), int(rest[2:4]), int(rest[4:6]), int(rest[6:8]),
                           int(rest[8:10]), tzinfo=datetime.timezone.utc)
    return dt, TIME_TAGS[node.tag]


STRING_TAGS = {0x0C: "UTF8String", 0x13: "PrintableString", 0x16: "IA5String", 0x14: "TeletexString",
               0x1C: "UniversalString", 0x1E: "BMPString", 0x12: "NumericString", 0x1A: "VisibleString"}


def alg_id(node):
    """AlgorithmIdentifier -> (oid, parameters hex or None when absent)."""
    parts = expect(node, 0x30, "AlgorithmIdentifier").children()
    if not parts or len(parts) > 2:
        raise DerError("bad AlgorithmIdentifier")
    return oid(parts[0]), (parts[1].raw.hex() if len(parts) == 2 else None)


def name(node):
    """Name -> list of RDNs, each a list of (oid, string-tag name, value text) in DER order.

    Also checks DER's SET OF ordering inside multi-valued RDNs."""
    rdns = []
    for rdn in expect(node, 0x30, "Name").children():
        atvs = expect(rdn, 0x31, "RelativeDistinguishedName").children()
        encs = [a.raw for a in atvs]
        if encs != sorted(encs):
            raise DerError("multi-valued RDN SET is not in DER (sorted) order")
        row = []
        for atv in atvs:
            t, v = expect(atv, 0x30, "AttributeTypeAndValue").children()
            tag = STRING_TAGS.get(v.tag, f"tag-0x{v.tag:02x}")
            text = v.content.decode("utf-16-be" if v.tag == 0x1E else "utf-8", errors="replace")
            row.append((oid(t), tag, text))
        rdns.append(row)
    return rdns


def extensions(node):
    """Extensions -> list of dicts {oid, critical, value (bytes)}; rejects an encoded FALSE."""
    out = []
    for e in expect(node, 0x30, "Extensions").children():
        parts = expect(e, 0x30, "Extension").children()
        crit = False
        if len(parts) == 3:
            crit = boolean(parts[1])
            if not crit:
                raise DerError("critical FALSE encoded explicitly (DER omits DEFAULT values)")
        elif len(parts) != 2:
            raise DerError("bad Extension")
        out.append({"oid": oid(parts[0]), "critical": crit,
                    "value": expect(parts[-1], 0x04, "extnValue").content})
    oids = [x["oid"] for x in out]
    if len(set(oids)) != len(oids):
        raise DerError(f"an extension appears twice: {oids}")
    return out


def spki(node):
    alg, key = expect(node, 0x30, "SubjectPublicKeyInfo").children()
    unused, bits = bit_string(key)
    if unused:
        raise DerError("subjectPublicKey has unused bits")
    return {"spki_der": node.raw, "spki_alg": alg_id(alg), "key_bits": bits}


# ---------------------------------------------------------------- documents

def pem_blocks(text):
    """All (label, DER) PEM blocks in a text."""
    if isinstance(text, bytes):
        text = text.decode("ascii", errors="replace")
    out = []
    for m in re.finditer(r"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", text, re.S):
        out.append((m.group(1), base64.b64decode("".join(m.group(2).split()))))
    return out


def pem_der(text, label=None):
    blocks = pem_blocks(text)
    for lab, der in blocks:
        if label is None or lab == label:
            return der
    raise DerError(f"no PEM block{' ' + label if label else ''} found")


def describe_cert(der):
    cert = parse_one(der)
    tbs, sig_alg, sig = expect(cert, 0x30, "Certificate").children()
    f = expect(tbs, 0x30, "TBSCertificate").children()
    i = 0
    version = 0
    if f[0].tag == 0xA0:
        version = integer(parse_one(f[0].content))
        if version == 0:
            raise DerError("version v1 encoded explicitly (DER omits the DEFAULT)")
        i = 1
    serial_node = expect(f[i], 0x02, "serialNumber")
    serial = integer(serial_node)
    tbs_alg = alg_id(f[i + 1])
    issuer = f[i + 2]
    nb, na = expect(f[i + 3], 0x30, "Validity").children()
    subject = f[i + 4]
    d = {
        "version": version, "serial": serial, "serial_octets": len(serial_node.content),
        "tbs_sig_alg": tbs_alg, "issuer_der": issuer.raw, "issuer": name(issuer),
        "not_before": time_value(nb)[0], "not_before_type": time_value(nb)[1],
        "not_after": time_value(na)[0], "not_after_type": time_value(na)[1],
        "subject_der": subject.raw, "subject": name(subject),
        "unique_ids": False, "extensions": [], "sig_alg": alg_id(sig_alg),
        "signature": bit_string(sig)[1], "tbs_der": tbs.raw,
    }
    d.update(spki(f[i + 5]))
    for rest in f[i + 6:]:
        if rest.tag in (0x81, 0xA1, 0x82, 0xA2):
            d["unique_ids"] = True
        elif rest.tag == 0xA3:
            d["extensions"] = extensions(parse_one(rest.content))
        else:
            raise DerError(f"unexpected TBSCertificate field 0x{rest.tag:02x}")
    return d


OID_EXTENSION_REQUEST = "1.2.840.113549.1.9.14"


def describe_csr(der):
    req = parse_one(der)
    info, sig_alg, sig = expect(req, 0x30, "CertificationRequest").children()
    f = expect(info, 0x30, "CertificationRequestInfo").children()
    if len(f) != 4:
        raise DerError("CertificationRequestInfo must have 4 fields (attributes [0] is not optional)")
    attrs_node = expect(f[3], 0xA0, "attributes [0]")
    attributes, exts = [], []
    for a in parse_all(attrs_node.content):
        t, vals = expect(a, 0x30, "Attribute").children()
        values = expect(vals, 0x31, "Attribute values").children()
        attributes.append((oid(t), [v.raw for v in values]))
        if oid(t) == OID_EXTENSION_REQUEST:
            if len(values) != 1:
                raise DerError("extensionRequest must have exactly one value")
            exts = extensions(values[0])
    d = {
        "version": integer(f[0]), "subject_der": f[1].raw, "subject": name(f[1]),
        "attributes_der": attrs_node.raw, "attributes": [a[0] for a in attributes],
        "extensions": exts, "sig_alg": alg_id(sig_alg), "signature": bit_string(sig)[1],
        "info_der": info.raw,
    }
    d.update(spki(f[2]))
    return d


def describe_crl(der):
    crl = parse_one(der)
    tbs, sig_alg, sig = expect(crl, 0x30, "CertificateList").children()
    f = expect(tbs, 0x30, "TBSCertList").children()
    i = 0
    version = 0
    if f[0].tag == 0x02:
        version = integer(f[0])
        i = 1
    d = {"version": version, "tbs_sig_alg": alg_id(f[i]), "issuer_der": f[i + 1].raw,
         "issuer": name(f[i + 1]), "this_update": time_value(f[i + 2])[0], "next_update": None,
         "revoked": [], "extensions": [], "sig_alg": alg_id(sig_alg), "signature": bit_string(sig)[1],
         "tbs_der": tbs.raw}
    rest = f[i + 3:]
    if rest and rest[0].tag in (0x17, 0x18):
        d["next_update"] = time_value(rest[0])[0]
        rest = rest[1:]
    for r in rest:
        if r.tag == 0x30:
            for entry in r.children():
                ef = entry.children()
                d["revoked"].append({"serial": integer(ef[0]), "date": time_value(ef[1])[0],
                                     "extensions": extensions(ef[2]) if len(ef) > 2 else []})
        elif r.tag == 0xA0:
            d["extensions"] = extensions(parse_one(r.content))
    return d


# ---------------------------------------------------------------- extension values

OID_NAMES = {
    "2.5.29.15": "keyUsage", "2.5.29.37": "extKeyUsage", "2.5.29.19": "basicConstraints",
    "2.5.29.14": "subjectKeyIdentifier", "2.5.29.35": "authorityKeyIdentifier",
    "2.5.29.17": "subjectAltName", "2.5.29.31": "cRLDistributionPoints",
    "1.3.6.1.5.5.7.1.1": "authorityInfoAccess", "2.5.29.32": "certificatePolicies",
    "2.5.29.20": "cRLNumber", "1.3.6.1.4.1.44363.44": "delegationUsage",
    "1.3.6.1.5.5.7.48.1.5": "ocspNoCheck",
}
KU_BITS = ["digitalSignature", "contentCommitment", "keyEncipherment", "dataEncipherment",
           "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"]
EKU_NAMES = {"1.3.6.1.5.5.7.3.1": "serverAuth", "1.3.6.1.5.5.7.3.2": "clientAuth",
             "1.3.6.1.5.5.7.3.3": "codeSigning", "1.3.6.1.5.5.7.3.4": "emailProtection",
             "1.3.6.1.5.5.7.3.8": "timeStamping", "1.3.6.1.5.5.7.3.9": "OCSPSigning",
             "2.5.29.37.0": "any"}
SAN_KINDS = {0x82: "dns", 0x81: "email", 0x87: "ip", 0x86: "uri", 0xA0: "other", 0xA4: "dirname",
             0x88: "rid"}


def ext_by_oid(exts, o):
    for e in exts:
        if e["oid"] == o:
            return e
    return None


def key_usage(value):
    unused, octets = bit_string(parse_one(value))
    bits = []
    for i, name_ in enumerate(KU_BITS):
        byte, bit = divmod(i, 8)
        if byte < len(octets) and octets[byte] & (0x80 >> bit):
            bits.append(name_)
    return bits


def ext_key_usage(value):
    return [oid(n) for n in expect(parse_one(value), 0x30, "ExtKeyUsage").children()]


def basic_constraints(value):
    parts = expect(parse_one(value), 0x30, "BasicConstraints").children()
    ca, pathlen = False, None
    for p in parts:
        if p.tag == 0x01:
            ca = boolean(p)
            if not ca:
                raise DerError("BasicConstraints cA FALSE encoded explicitly")
        else:
            pathlen = integer(p)
    return ca, pathlen


def general_names(value):
    """subjectAltName value -> [(kind, text)], IPs as text, in DER order."""
    import ipaddress
    out = []
    for g in expect(parse_one(value), 0x30, "GeneralNames").children():
        kind = SAN_KINDS.get(g.tag, f"tag-0x{g.tag:02x}")
        if kind == "ip":
            text = str(ipaddress.ip_address(g.content)) if len(g.content) in (4, 16) else g.content.hex()
        elif kind in ("dns", "email", "uri"):
            text = g.content.decode("ascii", errors="replace")
        else:
            text = g.content.hex()
        out.append((kind, text))
    return out


def ski(value):
    return expect(parse_one(value), 0x04, "SubjectKeyIdentifier").content


def aki(value):
    """-> dict keyid (bytes or None), issuer/serial presence."""
    d = {"keyid": None, "issuer": False, "serial": False}
    for p in expect(parse_one(value), 0x30, "AuthorityKeyIdentifier").children():
        if p.tag == 0x80:
            d["keyid"] = p.content
        elif p.tag == 0xA1:
            d["issuer"] = True
        elif p.tag == 0x82:
            d["serial"] = True
    return d


def sha1_key_id(key_bits):
    """RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents."""
    return hashlib.sha1(key_bits).digest()


def describe_ext(e):
    """Human-readable form of one extension, for failure messages."""
    o, v = e["oid"], e["value"]
    label = OID_NAMES.get(o, o)
    try:
        if o == "2.5.29.15":
            body = "+".join(key_usage(v))
        elif o == "2.5.29.37":
            body = ",".join(EKU_NAMES.get(x, x) for x in ext_key_usage(v))
        elif o == "2.5.29.19":
            ca, pl = basic_constraints(v)
            body = f"CA:{ca}" + (f",pathlen:{pl}" if pl is not None else "")
        elif o == "2.5.29.17":
            body = ", ".join(f"{k}:{t}" for k, t in general_names(v))
        else:
            body = v.hex()
    except DerError as err:
        body = f"<undecodable: {err}> {v.hex()}"
    return f"{label}{'(critical)' if e['critical'] else ''}={body}"


# ---------------------------------------------------------------- writing (for expected values)

def enc_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + enc_len(len(content)) + content


def enc_oid(dotted):
    arcs = [int(x) for x in dotted.split(".")]
    body = [40 * arcs[0] + arcs[1]] + arcs[2:]
    out = bytearray()
    for a in body:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


STRING_TAG_BYTES = {v: k for k, v in STRING_TAGS.items()}


def enc_name(rdns):
    """Inverse of `name()`; multi-valued RDNs are sorted as DER requires."""
    out = b""
    for row in rdns:
        atvs = sorted(tlv(0x30, enc_oid(o) + tlv(STRING_TAG_BYTES[t], v.encode("utf-8"))) for o, t, v in row)
        out += tlv(0x31, b"".join(atvs))
    return tlv(0x30, out)


def enc_general_names(names):
    """[(kind, text)] -> subjectAltName extnValue."""
    import ipaddress
    tags = {v: k for k, v in SAN_KINDS.items()}
    out = b""
    for kind, text in names:
        if kind == "ip":
            ip = ipaddress.ip_address(text)
            raw = ip.packed
            if ip.version == 6 and ip.ipv4_mapped is not None:
                raw = ip.ipv4_mapped.packed
        else:
            raw = text.encode("ascii")
        out += tlv(tags[kind], raw)
    return tlv(0x30, out)
