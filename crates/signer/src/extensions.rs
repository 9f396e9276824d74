//! The certificate extensions cfssl writes, encoded as Go's `crypto/x509` encodes them
//! (docs/cfssl-compat.md §5.3 "Encodings"). Each function returns the extension *value* (the contents of
//! `extnValue`), or a whole [`CertExtension`].

use cfssl_config::{CertificatePolicy, KeyUsageBits, PolicyQualifier};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280 as oids;

use crate::der_writer::{self as w, tag};

/// `id-pkix-ocsp-nocheck` (RFC 6960 §4.2.2.2.1).
pub const ID_PKIX_OCSP_NOCHECK: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");
/// `id-ad-ocsp` (RFC 5280 §4.2.2.1).
pub const ID_AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
/// `id-ad-caIssuers` (RFC 5280 §4.2.2.1).
pub const ID_AD_CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");
/// `id-qt-cps` (RFC 5280 §4.2.1.4).
pub const ID_QT_CPS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.2.1");
/// `id-qt-unotice` (RFC 5280 §4.2.1.4).
pub const ID_QT_UNOTICE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.2.2");

/// ```text
/// Extension  ::=  SEQUENCE  {
///      extnID      OBJECT IDENTIFIER,
///      critical    BOOLEAN DEFAULT FALSE,
///      extnValue   OCTET STRING }
/// ```
/// (RFC 5280 §4.1)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertExtension {
    /// extnID
    pub oid: ObjectIdentifier,
    /// critical (FALSE is omitted, being the DEFAULT)
    pub critical: bool,
    /// extnValue contents
    pub value: Vec<u8>,
}

impl CertExtension {
    /// DER of the Extension SEQUENCE.
    pub fn to_der(&self) -> Vec<u8> {
        let critical = if self.critical {
            w::tlv(tag::BOOLEAN, &[0xff])
        } else {
            Vec::new()
        };
        w::sequence(&[&w::oid(&self.oid), &critical, &w::octet_string(&self.value)])
    }
}

/// keyUsage (RFC 5280 §4.2.1.3), a named-bit BIT STRING with trailing zero bits removed:
/// digitalSignature+keyEncipherment is `03 02 05 A0`.
pub fn key_usage(bits: KeyUsageBits) -> Vec<u8> {
    let value = bits.0;
    // Bit i of the ASN.1 string is bit (7 - i % 8) of octet i / 8.
    let mut octets = [0u8; 2];
    for i in 0..9u16 {
        if value & (1 << i) != 0 {
            octets[usize::from(i / 8)] |= 0x80 >> (i % 8);
        }
    }
    let len = if octets[1] != 0 { 2 } else { 1 };
    let last = octets[len - 1];
    let unused = if last == 0 {
        0
    } else {
        last.trailing_zeros() as u8
    };
    let mut content = vec![unused];
    content.extend_from_slice(&octets[..len]);
    w::tlv(tag::BIT_STRING, &content)
}

/// extKeyUsage (RFC 5280 §4.2.1.12): `SEQUENCE OF KeyPurposeId`, in the given order.
pub fn ext_key_usage(purposes: &[ObjectIdentifier]) -> Vec<u8> {
    let parts: Vec<Vec<u8>> = purposes.iter().map(w::oid).collect();
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    w::sequence(&refs)
}

/// basicConstraints (RFC 5280 §4.2.1.9) as Go writes it: cA omitted when FALSE (DEFAULT),
/// pathLenConstraint present iff `max_path_len > 0`, or `== 0` with `max_path_len_zero`.
pub fn basic_constraints(is_ca: bool, max_path_len: i64, max_path_len_zero: bool) -> Vec<u8> {
    let ca = if is_ca {
        w::tlv(tag::BOOLEAN, &[0xff])
    } else {
        Vec::new()
    };
    let path = if is_ca && (max_path_len > 0 || (max_path_len == 0 && max_path_len_zero)) {
        w::signed_integer(max_path_len)
    } else {
        Vec::new()
    };
    w::sequence(&[&ca, &path])
}

/// subjectKeyIdentifier (RFC 5280 §4.2.1.2): `KeyIdentifier ::= OCTET STRING`.
pub fn subject_key_identifier(id: &[u8]) -> Vec<u8> {
    w::octet_string(id)
}

/// authorityKeyIdentifier (RFC 5280 §4.2.1.1) with only `[0] keyIdentifier`, as Go writes.
pub fn authority_key_identifier(id: &[u8]) -> Vec<u8> {
    w::sequence(&[&w::context_primitive(0, id)])
}

/// authorityInfoAccess (RFC 5280 §4.2.2.1): OCSP entries first, then caIssuers, each a
/// `[6]` URI.
pub fn authority_info_access(ocsp: &[String], ca_issuers: &[String]) -> Vec<u8> {
    let mut parts = Vec::new();
    for (method, urls) in [(ID_AD_OCSP, ocsp), (ID_AD_CA_ISSUERS, ca_issuers)] {
        for url in urls {
            parts.push(w::sequence(&[
                &w::oid(&method),
                &w::context_primitive(6, url.as_bytes()),
            ]));
        }
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    w::sequence(&refs)
}

/// cRLDistributionPoints (RFC 5280 §4.2.1.13) with one point and one full name:
/// `SEQUENCE { SEQUENCE { [0] { [0] { [6] URI } } } }`.
pub fn crl_distribution_points(url: &str) -> Vec<u8> {
    let uri = w::context_primitive(6, url.as_bytes());
    let full_name = w::context_constructed(0, &uri);
    let dp_name = w::context_constructed(0, &full_name);
    w::sequence(&[&w::sequence(&[&dp_name])])
}

/// certificatePolicies (RFC 5280 §4.2.1.4): CPS qualifiers as IA5String, user notices as
/// `UserNotice { explicitText UTF8String }`, in configuration order (docs/cfssl-compat.md §5.3).
pub fn certificate_policies(policies: &[CertificatePolicy]) -> Vec<u8> {
    let mut infos = Vec::new();
    for policy in policies {
        let mut qualifiers = Vec::new();
        for q in &policy.qualifiers {
            qualifiers.push(match q {
                PolicyQualifier::Cps(uri) => w::sequence(&[
                    &w::oid(&ID_QT_CPS),
                    &w::tlv(tag::IA5_STRING, uri.as_bytes()),
                ]),
                PolicyQualifier::UserNotice(text) => w::sequence(&[
                    &w::oid(&ID_QT_UNOTICE),
                    &w::sequence(&[&w::tlv(tag::UTF8_STRING, text.as_bytes())]),
                ]),
            });
        }
        let qualifier_refs: Vec<&[u8]> = qualifiers.iter().map(Vec::as_slice).collect();
        let qualifier_seq = if qualifiers.is_empty() {
            Vec::new()
        } else {
            w::sequence(&qualifier_refs)
        };
        infos.push(w::sequence(&[&w::oid(&policy.id), &qualifier_seq]));
    }
    let refs: Vec<&[u8]> = infos.iter().map(Vec::as_slice).collect();
    w::sequence(&refs)
}

/// The value of OCSP no-check and DelegationUsage: NULL.
pub fn null() -> Vec<u8> {
    vec![tag::NULL, 0x00]
}

/// Shorthand for an extension record.
pub fn ext(oid: ObjectIdentifier, critical: bool, value: Vec<u8>) -> CertExtension {
    CertExtension {
        oid,
        critical,
        value,
    }
}

/// OIDs of the extensions a CSR may never impose on a certificate, whatever
/// `copy_extensions` says (docs/differences.md #7): the requester must not choose its powers.
pub const NEVER_COPIED: [ObjectIdentifier; 5] = [
    oids::ID_CE_KEY_USAGE,
    oids::ID_CE_EXT_KEY_USAGE,
    oids::ID_CE_BASIC_CONSTRAINTS,
    oids::ID_CE_SUBJECT_ALT_NAME,
    oids::ID_CE_NAME_CONSTRAINTS,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn key_usage_matches_go() {
        let mut ku = KeyUsageBits(0);
        ku.0 |= KeyUsageBits::DIGITAL_SIGNATURE.0 | KeyUsageBits::KEY_ENCIPHERMENT.0;
        assert_eq!(hex(&key_usage(ku)), "030205a0");
        let ca = KeyUsageBits(KeyUsageBits::KEY_CERT_SIGN.0 | KeyUsageBits::CRL_SIGN.0);
        assert_eq!(hex(&key_usage(ca)), "03020106");
        let dec = KeyUsageBits(KeyUsageBits::DECIPHER_ONLY.0 | KeyUsageBits::DIGITAL_SIGNATURE.0);
        assert_eq!(hex(&key_usage(dec)), "0303078080");
    }

    #[test]
    fn basic_constraints_matches_go() {
        assert_eq!(hex(&basic_constraints(false, -1, false)), "3000");
        assert_eq!(hex(&basic_constraints(false, 3, false)), "3000");
        assert_eq!(hex(&basic_constraints(true, -1, false)), "30030101ff");
        assert_eq!(hex(&basic_constraints(true, 0, false)), "30030101ff");
        assert_eq!(hex(&basic_constraints(true, 0, true)), "30060101ff020100");
        assert_eq!(hex(&basic_constraints(true, 2, false)), "30060101ff020102");
    }

    #[test]
    fn policies_match_cfssl_vectors() {
        let id = ObjectIdentifier::new_unwrap("1.2.3.4");
        let p = CertificatePolicy {
            id,
            qualifiers: vec![],
        };
        assert_eq!(hex(&certificate_policies(&[p])), "3007300506032a0304");
        let p = CertificatePolicy {
            id,
            qualifiers: vec![
                PolicyQualifier::Cps("http://example.com/cps".into()),
                PolicyQualifier::UserNotice("Do What Thou Wilt".into()),
            ],
        };
        assert_eq!(
            hex(&certificate_policies(&[p])),
            "304e304c06032a03043045302206082b060105050702011616687474703a2f2f6578616d706c652e636f6d2f637073301f06082b0601050507020230130c11446f20576861742054686f752057696c74"
        );
    }
}
