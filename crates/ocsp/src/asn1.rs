//! The OCSP messages of RFC 6960, one Rust type per ASN.1 type.
//!
//! Why our own types: RustCrypto's `x509-ocsp` has the same shape, but no release built on
//! `der` 0.8 / `x509-cert` 0.3, the versions the rest of the workspace uses (0.2.1 needs
//! `der` 0.7). These are written with the same `der` derive, so decoding is strict DER and
//! never panics, and encoding gives the bytes Go's `encoding/asn1` writes for cfssl.
//!
//! Two places keep raw DER instead of a parsed type, on purpose: the responder's Name
//! (`ResponderID byName`) and the certificates in `certs`. cfssl copies the responder
//! certificate's subject and the whole certificate verbatim (Go's `RawSubject`, `Raw`), and
//! re-encoding a parsed Name can change bytes (a SET OF out of DER order, say).
//!
//! The module of RFC 6960 Appendix B.1 has `DEFINITIONS EXPLICIT TAGS`: a tag written
//! without IMPLICIT is EXPLICIT.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912::{ID_SHA_1, ID_SHA_256, ID_SHA_384, ID_SHA_512};
use der::asn1::{Any, BitString, GeneralizedTime, Int, Null, OctetString};
use der::{
    Choice, EncodeValue, Enumerated, FixedTag, Header, Length, Reader, Sequence, Tag, Writer,
};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::name::GeneralName;

/// `id-pkix-ocsp-basic` (RFC 6960 §4.2.1), the only responseType cfssl writes or reads.
pub const ID_PKIX_OCSP_BASIC: ObjectIdentifier = const_oid::db::rfc6960::ID_PKIX_OCSP_BASIC;

/// ```text
/// Version ::= INTEGER { v1(0) }
/// ```
/// (RFC 6960 §4.1.1). Only v1 exists; kept as the integer so that a request naming another
/// version still parses, as Go's parser lets it.
pub type Version = u8;

/// ```text
/// OCSPRequest ::= SEQUENCE {
///     tbsRequest                  TBSRequest,
///     optionalSignature   [0]     EXPLICIT Signature OPTIONAL }
/// ```
/// (RFC 6960 §4.1.1)
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct OcspRequest {
    /// The request proper.
    pub tbs_request: TbsRequest,
    /// A signature over `tbsRequest`; cfssl never checks it, and neither do we.
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub optional_signature: Option<Signature>,
}

/// ```text
/// TBSRequest ::= SEQUENCE {
///     version             [0]     EXPLICIT Version DEFAULT v1,
///     requestorName       [1]     EXPLICIT GeneralName OPTIONAL,
///     requestList                 SEQUENCE OF Request,
///     requestExtensions   [2]     EXPLICIT Extensions OPTIONAL }
/// ```
/// (RFC 6960 §4.1.1)
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TbsRequest {
    /// v1 (0), omitted when default.
    #[asn1(
        context_specific = "0",
        default = "Default::default",
        tag_mode = "EXPLICIT"
    )]
    pub version: Version,
    /// Who asks (set by `openssl ocsp -signer`).
    #[asn1(context_specific = "1", optional = "true", tag_mode = "EXPLICIT")]
    pub requestor_name: Option<GeneralName>,
    /// The certificates asked about; cfssl answers for the first only.
    pub request_list: Vec<Request>,
    /// E.g. a nonce (OpenSSL sends one by default); accepted and not echoed, as cfssl does.
    #[asn1(context_specific = "2", optional = "true", tag_mode = "EXPLICIT")]
    pub request_extensions: Option<Extensions>,
}

/// ```text
/// Signature ::= SEQUENCE {
///     signatureAlgorithm      AlgorithmIdentifier,
///     signature               BIT STRING,
///     certs               [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ```
/// (RFC 6960 §4.1.1). Certificates are kept as raw DER: nothing reads them.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct Signature {
    /// The requester's signature algorithm.
    pub signature_algorithm: AlgorithmIdentifierOwned,
    /// The signature.
    pub signature: BitString,
    /// Certificates helping to verify it.
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub certs: Option<Vec<Any>>,
}

/// ```text
/// Request ::= SEQUENCE {
///     reqCert                     CertID,
///     singleRequestExtensions     [0] EXPLICIT Extensions OPTIONAL }
/// ```
/// (RFC 6960 §4.1.1)
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct Request {
    /// Which certificate.
    pub req_cert: CertId,
    /// Per-certificate extensions (ignored).
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub single_request_extensions: Option<Extensions>,
}

/// ```text
/// CertID ::= SEQUENCE {
///     hashAlgorithm       AlgorithmIdentifier,
///     issuerNameHash      OCTET STRING, -- Hash of issuer's DN
///     issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
///     serialNumber        CertificateSerialNumber }
/// ```
/// (RFC 6960 §4.1.1). The serial is a plain INTEGER of any length and sign, as Go reads it
/// (`big.Int`): a lookup by serial should not fail on a certificate that breaks RFC 5280's
/// 20-octet rule.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct CertId {
    /// The hash used for both hashes.
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// Hash of the issuer's subject Name DER.
    pub issuer_name_hash: OctetString,
    /// Hash of the issuer's subjectPublicKey BIT STRING contents (without the unused-bits octet).
    pub issuer_key_hash: OctetString,
    /// The certificate's serial number.
    pub serial_number: Int,
}

/// The hash of a [`CertId`]: the four Go's OCSP code knows (`x/crypto/ocsp` `hashOIDs`),
/// SHA-1 being cfssl's default (docs/cfssl-lifecycle.md §5.1).
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq, Hash)]
pub enum CertIdHash {
    /// SHA-1, the default and the only one the DB lookup can match (docs/cfssl-lifecycle.md §5.5).
    #[default]
    Sha1,
    /// SHA-256
    Sha256,
    /// SHA-384
    Sha384,
    /// SHA-512
    Sha512,
}

impl CertIdHash {
    /// The hash's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            CertIdHash::Sha1 => ID_SHA_1,
            CertIdHash::Sha256 => ID_SHA_256,
            CertIdHash::Sha384 => ID_SHA_384,
            CertIdHash::Sha512 => ID_SHA_512,
        }
    }

    /// The hash named by `oid`, if it is one of the four.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<CertIdHash> {
        [
            CertIdHash::Sha1,
            CertIdHash::Sha256,
            CertIdHash::Sha384,
            CertIdHash::Sha512,
        ]
        .into_iter()
        .find(|h| h.oid() == *oid)
    }

    /// The AlgorithmIdentifier as Go writes it in a CertID: the OID with NULL parameters.
    pub fn algorithm_identifier(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: self.oid(),
            parameters: Some(Any::null()),
        }
    }

    /// `data` hashed.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            CertIdHash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            CertIdHash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            CertIdHash::Sha384 => sha2::Sha384::digest(data).to_vec(),
            CertIdHash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

impl CertId {
    /// The serial in decimal, as Go's `big.Int.String()` prints it: how cfssl's certdb stores
    /// serials (docs/cfssl-lifecycle.md §1.3), hence the DB lookup key.
    pub fn serial_decimal(&self) -> String {
        let (negative, magnitude) = signed_magnitude(self.serial_number.as_bytes());
        let digits = cfssl_signer::certificate::decimal(&magnitude);
        if negative && digits != "0" {
            format!("-{digits}")
        } else {
            digits
        }
    }

    /// The serial in lower-case hexadecimal without leading zeros, as Go's `%x` of a `big.Int`
    /// (cfssl's "No response found" log line, docs/cfssl-lifecycle.md §5.5).
    pub fn serial_hex(&self) -> String {
        let (negative, magnitude) = signed_magnitude(self.serial_number.as_bytes());
        let hex: String = magnitude.iter().map(|b| format!("{b:02x}")).collect();
        let hex = hex.trim_start_matches('0');
        match (negative, hex.is_empty()) {
            (_, true) => "0".into(),
            (true, false) => format!("-{hex}"),
            (false, false) => hex.into(),
        }
    }

    /// The issuerKeyHash in lower-case hexadecimal: the `authority_key_identifier` column of
    /// cfssl's certdb when the hash is SHA-1 (docs/cfssl-lifecycle.md §1.3, §5.5).
    pub fn issuer_key_hash_hex(&self) -> String {
        self.issuer_key_hash
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The hash algorithm, when it is one Go's OCSP code knows.
    pub fn hash(&self) -> Option<CertIdHash> {
        CertIdHash::from_oid(&self.hash_algorithm.oid)
    }
}

/// Sign and magnitude (big-endian, no leading zeros) of a two's-complement INTEGER body.
fn signed_magnitude(bytes: &[u8]) -> (bool, Vec<u8>) {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let magnitude: Vec<u8> = if negative {
        // Two's complement: invert and add one.
        let mut out: Vec<u8> = bytes.iter().map(|b| !b).collect();
        for byte in out.iter_mut().rev() {
            let (v, carry) = byte.overflowing_add(1);
            *byte = v;
            if !carry {
                break;
            }
        }
        out
    } else {
        bytes.to_vec()
    };
    let start = magnitude.iter().take_while(|&&b| b == 0).count();
    (negative, magnitude[start..].to_vec())
}

/// ```text
/// OCSPResponse ::= SEQUENCE {
///    responseStatus         OCSPResponseStatus,
///    responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
/// ```
/// (RFC 6960 §4.2.1)
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct OcspResponse {
    /// Whether the responder answered.
    pub response_status: OcspResponseStatus,
    /// The answer, present only when successful.
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub response_bytes: Option<ResponseBytes>,
}

/// ```text
/// OCSPResponseStatus ::= ENUMERATED {
///     successful            (0),  -- Response has valid confirmations
///     malformedRequest      (1),  -- Illegal confirmation request
///     internalError         (2),  -- Internal error in issuer
///     tryLater              (3),  -- Try again later
///                                 -- (4) is not used
///     sigRequired           (5),  -- Must sign the request
///     unauthorized          (6)   -- Request unauthorized
/// }
/// ```
/// (RFC 6960 §4.2.1)
#[derive(Clone, Copy, Debug, Eq, PartialEq, Enumerated)]
#[repr(u32)]
#[allow(missing_docs)]
pub enum OcspResponseStatus {
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

impl OcspResponseStatus {
    /// The whole `OCSPResponse` for an error status: `30 03 0a 01 NN` (no responseBytes).
    pub fn error_response(self) -> Vec<u8> {
        vec![0x30, 0x03, 0x0a, 0x01, self as u8]
    }
}

/// ```text
/// ResponseBytes ::=       SEQUENCE {
///     responseType   OBJECT IDENTIFIER,
///     response       OCTET STRING }
/// ```
/// (RFC 6960 §4.2.1). For `id-pkix-ocsp-basic`, `response` holds a [`BasicOcspResponse`].
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct ResponseBytes {
    /// The kind of response.
    pub response_type: ObjectIdentifier,
    /// Its DER.
    pub response: OctetString,
}

/// ```text
/// BasicOCSPResponse       ::= SEQUENCE {
///    tbsResponseData      ResponseData,
///    signatureAlgorithm   AlgorithmIdentifier,
///    signature            BIT STRING,
///    certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ```
/// (RFC 6960 §4.2.1). Certificates are kept as their DER (see the module docs).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct BasicOcspResponse {
    /// What is signed.
    pub tbs_response_data: ResponseData,
    /// The responder's signature algorithm.
    pub signature_algorithm: AlgorithmIdentifierOwned,
    /// The signature over the DER of `tbsResponseData`.
    pub signature: BitString,
    /// The responder certificate when it is not the issuer (docs/cfssl-lifecycle.md §5.1).
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub certs: Option<Vec<Any>>,
}

/// ```text
/// ResponseData ::= SEQUENCE {
///    version              [0] EXPLICIT Version DEFAULT v1,
///    responderID              ResponderID,
///    producedAt               GeneralizedTime,
///    responses                SEQUENCE OF SingleResponse,
///    responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
/// ```
/// (RFC 6960 §4.2.1)
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct ResponseData {
    /// v1 (0), omitted when default.
    #[asn1(
        context_specific = "0",
        default = "Default::default",
        tag_mode = "EXPLICIT"
    )]
    pub version: Version,
    /// Who signed.
    pub responder_id: ResponderId,
    /// When the response was signed.
    pub produced_at: GeneralizedTime,
    /// One per certificate; cfssl writes exactly one.
    pub responses: Vec<SingleResponse>,
    /// E.g. a nonce; cfssl writes none.
    #[asn1(context_specific = "1", optional = "true", tag_mode = "EXPLICIT")]
    pub response_extensions: Option<Extensions>,
}

/// ```text
/// ResponderID ::= CHOICE {
///    byName   [1] Name,
///    byKey    [2] KeyHash }
///
/// KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key
///                          (excluding the tag and length fields)
/// ```
/// (RFC 6960 §4.2.1; EXPLICIT tags.) The Name is kept as its DER: cfssl copies the responder
/// certificate's subject bytes.
#[derive(Clone, Debug, Eq, PartialEq, Choice)]
pub enum ResponderId {
    /// The responder certificate's subject Name (what cfssl writes).
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", constructed = "true")]
    ByName(Any),
    /// SHA-1 of the responder's subjectPublicKey.
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", constructed = "true")]
    ByKey(OctetString),
}

/// ```text
/// SingleResponse ::= SEQUENCE {
///    certID                       CertID,
///    certStatus                   CertStatus,
///    thisUpdate                   GeneralizedTime,
///    nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
///    singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
/// ```
/// (RFC 6960 §4.2.1)
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SingleResponse {
    /// Which certificate.
    pub cert_id: CertId,
    /// Its status.
    pub cert_status: CertStatus,
    /// When the status was known to be right.
    pub this_update: GeneralizedTime,
    /// When newer information will be available.
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub next_update: Option<GeneralizedTime>,
    /// Per-certificate extensions; cfssl writes none.
    #[asn1(context_specific = "1", optional = "true", tag_mode = "EXPLICIT")]
    pub single_extensions: Option<Extensions>,
}

/// ```text
/// CertStatus ::= CHOICE {
///     good        [0]     IMPLICIT NULL,
///     revoked     [1]     IMPLICIT RevokedInfo,
///     unknown     [2]     IMPLICIT UnknownInfo }
///
/// UnknownInfo ::= NULL
/// ```
/// (RFC 6960 §4.2.1)
#[derive(Clone, Copy, Debug, Eq, PartialEq, Choice)]
pub enum CertStatus {
    /// Not revoked.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    /// Revoked (or on hold).
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfo),
    /// The responder does not know the certificate.
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

/// ```text
/// RevokedInfo ::= SEQUENCE {
///     revocationTime              GeneralizedTime,
///     revocationReason    [0]     EXPLICIT CRLReason OPTIONAL }
/// ```
/// (RFC 6960 §4.2.1)
#[derive(Clone, Copy, Debug, Eq, PartialEq, Sequence)]
pub struct RevokedInfo {
    /// When the certificate was revoked.
    pub revocation_time: GeneralizedTime,
    /// Why; cfssl omits it when the code is 0 (docs/cfssl-lifecycle.md §5.1).
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub revocation_reason: Option<ReasonCode>,
}

/// A `CRLReason` ENUMERATED value (RFC 5280 §5.3.1) kept as the number: cfssl's API and its
/// `ocspsign -reason 7` write numbers RFC 5280 does not define, and a response carrying one
/// should still parse. [`crate::RevocationReason`] is the named view.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash)]
pub struct ReasonCode(pub i32);

impl FixedTag for ReasonCode {
    const TAG: Tag = Tag::Enumerated;
}

impl<'a> der::DecodeValue<'a> for ReasonCode {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        i32::decode_value(reader, header).map(ReasonCode)
    }
}

impl EncodeValue for ReasonCode {
    fn value_len(&self) -> der::Result<Length> {
        self.0.value_len()
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        self.0.encode_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};

    #[test]
    fn error_responses_are_five_bytes() {
        assert_eq!(
            OcspResponseStatus::MalformedRequest.error_response(),
            [0x30, 0x03, 0x0a, 0x01, 0x01]
        );
        let der = OcspResponse {
            response_status: OcspResponseStatus::Unauthorized,
            response_bytes: None,
        }
        .to_der()
        .unwrap();
        assert_eq!(der, OcspResponseStatus::Unauthorized.error_response());
        let back = OcspResponse::from_der(&der).unwrap();
        assert_eq!(back.response_status, OcspResponseStatus::Unauthorized);
    }

    #[test]
    fn serial_texts() {
        let id = |bytes: &[u8]| CertId {
            hash_algorithm: CertIdHash::Sha1.algorithm_identifier(),
            issuer_name_hash: OctetString::new(vec![0; 20]).unwrap(),
            issuer_key_hash: OctetString::new(vec![0xc3, 0x91, 0x0a]).unwrap(),
            serial_number: Int::new(bytes).unwrap(),
        };
        assert_eq!(id(&[0x04, 0xd2]).serial_decimal(), "1234");
        assert_eq!(id(&[0x04, 0xd2]).serial_hex(), "4d2");
        assert_eq!(id(&[0x00, 0x80]).serial_decimal(), "128");
        assert_eq!(id(&[0xff]).serial_decimal(), "-1");
        assert_eq!(id(&[0xff, 0x7f]).serial_decimal(), "-129");
        assert_eq!(id(&[0xff, 0x7f]).serial_hex(), "-81");
        assert_eq!(id(&[0x00]).serial_decimal(), "0");
        assert_eq!(id(&[0x00]).serial_hex(), "0");
        assert_eq!(id(&[1]).issuer_key_hash_hex(), "c3910a");
    }

    #[test]
    fn reason_codes_are_enumerated() {
        let info = RevokedInfo {
            revocation_time: GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(0))
                .unwrap(),
            revocation_reason: Some(ReasonCode(1)),
        };
        let der = info.to_der().unwrap();
        assert!(der.ends_with(&[0xa0, 0x03, 0x0a, 0x01, 0x01]), "{der:02x?}");
        assert_eq!(RevokedInfo::from_der(&der).unwrap(), info);
    }
}
