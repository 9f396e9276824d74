//! cfssl's OCSP signer (`ocsp.StandardSigner` over Go's `x/crypto/ocsp.CreateResponse`),
//! byte for byte as docs/cfssl-lifecycle.md §5.1 describes it: the checks in cfssl's order,
//! then one `BasicOCSPResponse` laid out as Go lays it out.

use cfssl_keys::{KeyAlgorithm, SigningKey};
use cfssl_signer::ParsedCertificate;
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912::{SHA_1_WITH_RSA_ENCRYPTION, SHA_256_WITH_RSA_ENCRYPTION};
use der::asn1::{Any, BitString, GeneralizedTime, Int, Null, OctetString};
use der::referenced::OwnedToRef;
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use time::{Duration, OffsetDateTime};

use crate::OcspError;
use crate::asn1::{
    BasicOcspResponse, CertId, CertIdHash, CertStatus, ID_PKIX_OCSP_BASIC, OcspResponse,
    OcspResponseStatus, ReasonCode, ResponderId, ResponseBytes, ResponseData, RevokedInfo,
    SingleResponse,
};

/// The status to state for a certificate (cfssl's `good` / `revoked` / `unknown`).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum CertificateStatus {
    /// Not revoked.
    Good,
    /// Revoked at `at` for `reason`, a CRLReason code written as given (the API passes any
    /// integer through, docs/cfssl-lifecycle.md §7.3); 0 is left out of the response, as Go
    /// leaves out an optional zero value (docs/cfssl-lifecycle.md §5.1).
    Revoked {
        /// revocationTime (whole seconds are kept).
        at: OffsetDateTime,
        /// CRLReason code.
        reason: i32,
    },
    /// Unknown to the responder.
    Unknown,
}

impl CertificateStatus {
    /// cfssl's status strings (case-sensitive): anything but `good`, `revoked` and `unknown`
    /// is 8200 `Invalid revocation status` (docs/cfssl-lifecycle.md §5.1 check 4).
    /// `revoked_at` and `reason` are used only for `revoked`.
    pub fn from_cfssl(
        status: &str,
        revoked_at: OffsetDateTime,
        reason: i32,
    ) -> Result<CertificateStatus, OcspError> {
        match status {
            "good" => Ok(CertificateStatus::Good),
            "revoked" => Ok(CertificateStatus::Revoked {
                at: revoked_at,
                reason,
            }),
            "unknown" => Ok(CertificateStatus::Unknown),
            _ => Err(OcspError::InvalidStatus),
        }
    }
}

/// One response to sign (cfssl's `ocsp.SignRequest`).
#[derive(Clone, Debug)]
pub struct OcspSignRequest<'a> {
    /// The certificate the response is about.
    pub certificate: &'a ParsedCertificate,
    /// What to say about it.
    pub status: CertificateStatus,
    /// The CertID hash; SHA-1 unless the API asks otherwise (docs/cfssl-lifecycle.md §7.3).
    pub issuer_hash: CertIdHash,
    /// thisUpdate; `None` = now truncated to the hour.
    pub this_update: Option<OffsetDateTime>,
    /// nextUpdate; `None` = thisUpdate + the signer's interval.
    pub next_update: Option<OffsetDateTime>,
}

impl<'a> OcspSignRequest<'a> {
    /// A request with cfssl's defaults: SHA-1 CertID, computed update times.
    pub fn new(certificate: &'a ParsedCertificate, status: CertificateStatus) -> Self {
        OcspSignRequest {
            certificate,
            status,
            issuer_hash: CertIdHash::Sha1,
            this_update: None,
            next_update: None,
        }
    }
}

/// Signs OCSP responses for the certificates of one issuer (cfssl's `ocsp.StandardSigner`).
#[derive(Debug)]
pub struct OcspSigner {
    issuer: ParsedCertificate,
    responder: ParsedCertificate,
    key: Box<dyn SigningKey>,
    interval: Duration,
    /// The issuer's subjectPublicKey BIT STRING contents, hashed into issuerKeyHash.
    issuer_key_bits: Vec<u8>,
    signature_algorithm: AlgorithmIdentifierOwned,
}

impl OcspSigner {
    /// cfssl's `ocsp.NewSigner`: issuer (`-ca`), responder certificate (`-responder`), its
    /// key (`-responder-key`) and the validity of each response (`-interval`, default 96h).
    ///
    /// Unlike cfssl (docs/differences.md #22) the key must belong to the responder
    /// certificate ([`OcspError::ResponderKeyMismatch`]) and the interval must be positive
    /// ([`OcspError::InvalidInterval`]): otherwise every response would fail verification or
    /// be stale when signed.
    pub fn new(
        issuer: ParsedCertificate,
        responder: ParsedCertificate,
        key: impl SigningKey + 'static,
        interval: Duration,
    ) -> Result<OcspSigner, OcspError> {
        Self::with_key(issuer, responder, Box::new(key), interval)
    }

    /// [`OcspSigner::new`] for a key already boxed: a key file's or a token's, chosen at
    /// run time.
    pub fn with_key(
        issuer: ParsedCertificate,
        responder: ParsedCertificate,
        key: Box<dyn SigningKey>,
        interval: Duration,
    ) -> Result<OcspSigner, OcspError> {
        if !responder.public_key.matches(key.as_ref()) {
            return Err(OcspError::ResponderKeyMismatch);
        }
        if interval <= Duration::ZERO {
            return Err(OcspError::InvalidInterval(interval));
        }
        let issuer_key_bits = raw_subject_public_key(&issuer.der)?;
        let signature_algorithm = response_signature_algorithm(key.as_ref());
        Ok(OcspSigner {
            issuer,
            responder,
            key,
            interval,
            issuer_key_bits,
            signature_algorithm,
        })
    }

    /// The issuer certificate.
    pub fn issuer(&self) -> &ParsedCertificate {
        &self.issuer
    }

    /// The responder certificate.
    pub fn responder(&self) -> &ParsedCertificate {
        &self.responder
    }

    /// The validity given to each response.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The CertID of `certificate` under this issuer: `hash` over the issuer's raw subject
    /// and over its subjectPublicKey bits, and the certificate's serial as encoded.
    pub fn cert_id(
        &self,
        certificate: &ParsedCertificate,
        hash: CertIdHash,
    ) -> Result<CertId, OcspError> {
        let parts = CertificateParts::new(&certificate.der)?;
        Ok(CertId {
            hash_algorithm: hash.algorithm_identifier(),
            issuer_name_hash: OctetString::new(hash.digest(&self.issuer.subject_der))?,
            issuer_key_hash: OctetString::new(hash.digest(&self.issuer_key_bits))?,
            serial_number: Int::new(parts.serial)?,
        })
    }

    /// Signs one response and returns the `OCSPResponse` DER (docs/cfssl-lifecycle.md §5.1).
    ///
    /// Checks, in cfssl's order: the certificate's issuer Name is the issuer's subject
    /// (8100); its signature verifies under the issuer as Go's `CheckSignatureFrom` checks
    /// it (1200 with Go's text). Then: responderID byName (the responder's subject bytes),
    /// producedAt = `now` truncated to the minute, thisUpdate = `now` truncated to the hour,
    /// nextUpdate = thisUpdate + interval, no nonce or other extension, and `certs` =
    /// the responder certificate unless it is the issuer (same DER).
    pub fn sign(
        &self,
        request: &OcspSignRequest<'_>,
        now: OffsetDateTime,
    ) -> Result<Vec<u8>, OcspError> {
        let certificate = request.certificate;
        if certificate.issuer_der != self.issuer.subject_der {
            return Err(OcspError::IssuerMismatch);
        }
        check_signature_from(certificate, &self.issuer)?;

        let now = now.to_offset(time::UtcOffset::UTC);
        let this_update = match request.this_update {
            Some(t) => t,
            None => truncate(now, 3600),
        };
        let next_update = match request.next_update {
            Some(t) => t,
            None => this_update
                .checked_add(self.interval)
                .ok_or(OcspError::TimeOutOfRange {
                    what: "nextUpdate",
                    time: this_update,
                })?,
        };
        let tbs = TbsResponse::new(
            &self.issuer,
            &self.responder,
            self.signature_algorithm.clone(),
            request,
            this_update,
            next_update,
            truncate(now, 60),
        )?;
        tbs.sign(self.key.as_ref())
    }
}

/// A response's to-be-signed part (RFC 6960 §4.2.1 `ResponseData`), complete before any key
/// is used: `ocspsign` makes one from the clock, a ceremony (docs/ceremony.md
/// "type: ocsp-response") from its file, so that `plan` and `run` show the same bytes.
#[derive(Clone, Debug)]
pub struct TbsResponse {
    data: ResponseData,
    der: Vec<u8>,
    signature_algorithm: AlgorithmIdentifierOwned,
    responder: ParsedCertificate,
    /// The responder certificate for `certs`, unless it is the issuer.
    certs: Option<Vec<Any>>,
}

impl TbsResponse {
    /// The ResponseData of `responder` about `request.certificate` under `issuer`, with the
    /// checks of [`OcspSigner::sign`] (the certificate is the issuer's: 8100, 1200) and the
    /// layout of docs/cfssl-lifecycle.md §5.1; `signature_algorithm` is the one the responder's
    /// key signs responses with ([`response_signature_algorithm_for`]).
    pub fn new(
        issuer: &ParsedCertificate,
        responder: &ParsedCertificate,
        signature_algorithm: AlgorithmIdentifierOwned,
        request: &OcspSignRequest<'_>,
        this_update: OffsetDateTime,
        next_update: OffsetDateTime,
        produced_at: OffsetDateTime,
    ) -> Result<TbsResponse, OcspError> {
        let certificate = request.certificate;
        if certificate.issuer_der != issuer.subject_der {
            return Err(OcspError::IssuerMismatch);
        }
        check_signature_from(certificate, issuer)?;
        let issuer_key_bits = raw_subject_public_key(&issuer.der)?;
        let hash = request.issuer_hash;
        let parts = CertificateParts::new(&certificate.der)?;
        let cert_id = CertId {
            hash_algorithm: hash.algorithm_identifier(),
            issuer_name_hash: OctetString::new(hash.digest(&issuer.subject_der))?,
            issuer_key_hash: OctetString::new(hash.digest(&issuer_key_bits))?,
            serial_number: Int::new(parts.serial)?,
        };
        let cert_status = match request.status {
            CertificateStatus::Good => CertStatus::Good(Null),
            CertificateStatus::Unknown => CertStatus::Unknown(Null),
            CertificateStatus::Revoked { at, reason } => CertStatus::Revoked(RevokedInfo {
                revocation_time: generalized_time("revocationTime", at)?,
                revocation_reason: (reason != 0).then_some(ReasonCode(reason)),
            }),
        };
        let data = ResponseData {
            version: 0,
            responder_id: ResponderId::ByName(Any::from_der(&responder.subject_der)?),
            produced_at: generalized_time("producedAt", produced_at)?,
            responses: vec![SingleResponse {
                cert_id,
                cert_status,
                this_update: generalized_time("thisUpdate", this_update)?,
                next_update: Some(generalized_time("nextUpdate", next_update)?),
                single_extensions: None,
            }],
            response_extensions: None,
        };
        let der = data.to_der()?;
        let certs = (issuer.der != responder.der)
            .then(|| Any::from_der(&responder.der))
            .transpose()?
            .map(|cert| vec![cert]);
        Ok(TbsResponse {
            data,
            der,
            signature_algorithm,
            responder: responder.clone(),
            certs,
        })
    }

    /// The DER of the ResponseData: what the key signs.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Signs with `key`, which must be the responder's: the `OCSPResponse` DER.
    pub fn sign(&self, key: &dyn SigningKey) -> Result<Vec<u8>, OcspError> {
        let signature = key.sign_as_issuer(
            &self.signature_algorithm,
            &self.der,
            &self.responder.public_key,
        )?;
        let basic = BasicOcspResponse {
            tbs_response_data: self.data.clone(),
            signature_algorithm: self.signature_algorithm.clone(),
            signature: BitString::from_bytes(&signature)?,
            certs: self.certs.clone(),
        };
        Ok(OcspResponse {
            response_status: OcspResponseStatus::Successful,
            response_bytes: Some(ResponseBytes {
                response_type: ID_PKIX_OCSP_BASIC,
                response: OctetString::new(basic.to_der()?)?,
            }),
        }
        .to_der()?)
    }
}

/// The algorithm a responder key of this type signs responses with (as
/// `response_signature_algorithm`, from the public key alone).
pub fn response_signature_algorithm_for(key: &cfssl_keys::PublicKey) -> AlgorithmIdentifierOwned {
    match key.algorithm() {
        KeyAlgorithm::Rsa { .. } => AlgorithmIdentifierOwned {
            oid: SHA_256_WITH_RSA_ENCRYPTION,
            parameters: Some(Any::null()),
        },
        other => other.signature_algorithm(),
    }
}

/// Go's `x/crypto/ocsp` picks the algorithm from the key alone: RSA is always
/// sha256WithRSAEncryption (unlike certificates, where the size decides, docs/cfssl-compat.md
/// §5.5); ECDSA follows the curve; Ed25519 is Ed25519 (docs/cfssl-lifecycle.md §5.1).
fn response_signature_algorithm(key: &dyn SigningKey) -> AlgorithmIdentifierOwned {
    match key.public_key().algorithm() {
        KeyAlgorithm::Rsa { .. } => AlgorithmIdentifierOwned {
            oid: SHA_256_WITH_RSA_ENCRYPTION,
            parameters: Some(Any::null()),
        },
        _ => key.signature_algorithm(),
    }
}

/// `t` (UTC) rounded down to a multiple of `seconds`, as Go's `Time.Truncate`.
fn truncate(t: OffsetDateTime, seconds: i64) -> OffsetDateTime {
    let unix = t.unix_timestamp();
    let floored = unix - unix.rem_euclid(seconds);
    OffsetDateTime::from_unix_timestamp(floored).unwrap_or(t)
}

/// A GeneralizedTime with whole seconds, as Go's `encoding/asn1` writes one.
pub(crate) fn generalized_time(
    what: &'static str,
    t: OffsetDateTime,
) -> Result<GeneralizedTime, OcspError> {
    let out_of_range = || OcspError::TimeOutOfRange { what, time: t };
    let seconds = u64::try_from(t.unix_timestamp()).map_err(|_| out_of_range())?;
    GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(seconds))
        .map_err(|_| out_of_range())
}

/// The pieces of a certificate's DER that Go keeps raw: the TBSCertificate, the signature
/// algorithm and value, and the serial INTEGER's content octets.
struct CertificateParts<'a> {
    tbs: &'a [u8],
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: Vec<u8>,
    serial: &'a [u8],
}

impl<'a> CertificateParts<'a> {
    fn new(der: &'a [u8]) -> Result<CertificateParts<'a>, OcspError> {
        let bad = || OcspError::BadResponse("malformed certificate".into());
        let elements = crate::der_util::sequence_elements(der)?;
        let [tbs, alg, sig] = elements.as_slice() else {
            return Err(bad());
        };
        let tbs_elements = crate::der_util::sequence_elements(tbs)?;
        // version [0] is present in v2/v3 certificates; the serial follows it.
        let serial_tlv = tbs_elements
            .iter()
            .find(|e| e.first() == Some(&0x02))
            .ok_or_else(bad)?;
        let serial = der::asn1::IntRef::from_der(serial_tlv)?.as_bytes();
        let signature = BitString::from_der(sig)?;
        Ok(CertificateParts {
            tbs,
            signature_algorithm: AlgorithmIdentifierOwned::from_der(alg)?,
            signature: signature.raw_bytes().to_vec(),
            serial,
        })
    }
}

/// The subjectPublicKey BIT STRING contents of a certificate (Go's
/// `PublicKey.RightAlign()` over `RawSubjectPublicKeyInfo`), as written in the certificate.
fn raw_subject_public_key(certificate_der: &[u8]) -> Result<Vec<u8>, OcspError> {
    let cert = x509_cert::Certificate::from_der(certificate_der)?;
    Ok(cert
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes()
        .to_vec())
}

/// ecdsa-with-SHA1 (RFC 5758 §3.2 lists its successors; the OID is ANSI X9.62's).
const ECDSA_WITH_SHA_1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");

/// keyCertSign in `ParsedCertificate::key_usage` (bit i = RFC 5280 bit i).
const KEY_CERT_SIGN: u16 = 1 << 5;

/// Go's `Certificate.CheckSignatureFrom(parent)`, which cfssl calls before signing: the
/// parent must be allowed to sign certificates (RFC 5280 §4.2.1.9, §4.2.1.3), SHA-1
/// signatures are refused, and the signature must verify under the parent's key.
fn check_signature_from(
    certificate: &ParsedCertificate,
    parent: &ParsedCertificate,
) -> Result<(), OcspError> {
    const CONSTRAINT: &str =
        "x509: invalid signature: parent certificate cannot sign this kind of certificate";
    let v3_without_constraints = parent.version == 2 && parent.basic_constraints.is_none();
    if v3_without_constraints || matches!(parent.basic_constraints, Some((false, _))) {
        return Err(OcspError::VerifyFailed(CONSTRAINT.into()));
    }
    if let Some(usage) = parent.key_usage
        && usage != 0
        && usage & KEY_CERT_SIGN == 0
    {
        return Err(OcspError::VerifyFailed(CONSTRAINT.into()));
    }
    let parts = CertificateParts::new(&certificate.der)?;
    let insecure: [(ObjectIdentifier, &str); 2] = [
        (SHA_1_WITH_RSA_ENCRYPTION, "SHA1-RSA"),
        (ECDSA_WITH_SHA_1, "ECDSA-SHA1"),
    ];
    if let Some((_, name)) = insecure
        .iter()
        .find(|(oid, _)| *oid == parts.signature_algorithm.oid)
    {
        return Err(OcspError::VerifyFailed(format!(
            "x509: cannot verify signature: insecure algorithm {name}"
        )));
    }
    parent
        .public_key
        .verify(
            &parts.signature_algorithm.owned_to_ref(),
            parts.tbs,
            &parts.signature,
        )
        .map_err(|e| OcspError::VerifyFailed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn truncation_is_to_the_hour_and_minute() {
        let t = datetime!(2026-12-06 04:54:34.5 UTC);
        assert_eq!(truncate(t, 3600), datetime!(2026-12-06 04:00:00 UTC));
        assert_eq!(truncate(t, 60), datetime!(2026-12-06 04:54:00 UTC));
    }

    #[test]
    fn status_strings_are_cfssls() {
        let at = datetime!(2026-01-02 00:00:00 UTC);
        assert_eq!(
            CertificateStatus::from_cfssl("revoked", at, 1).unwrap(),
            CertificateStatus::Revoked { at, reason: 1 }
        );
        assert_eq!(
            CertificateStatus::from_cfssl("good", at, 1).unwrap(),
            CertificateStatus::Good
        );
        let err = CertificateStatus::from_cfssl("Good", at, 0).unwrap_err();
        assert_eq!(err.code(), Some(8200));
        assert_eq!(err.to_string(), "Invalid revocation status");
    }

    #[test]
    fn times_before_1970_are_refused() {
        let err =
            generalized_time("revocationTime", datetime!(1969-12-31 23:59:59 UTC)).unwrap_err();
        assert!(matches!(err, OcspError::TimeOutOfRange { .. }), "{err:?}");
    }
}
