//! PKCS#10 certification requests (RFC 2986): building them as cfssl does and reading them
//! back with the proof-of-possession check the signer needs.
//!
//! Building follows Go's `x509.CreateCertificateRequest` as cfssl drives it (docs/cfssl-compat.md §6):
//! version 0, the re-encoded subject, the key's SPKI, and attributes that are empty (`A0 00`)
//! unless there are extensions, in which case one `extensionRequest` attribute carries, in
//! order: subjectAltName (never critical), cfssl's BasicConstraints (critical, from a `ca`
//! block) — replaced by the DelegationUsage extension when `delegation_enabled` is set,
//! a cfssl bug kept for compatibility — then the request's own `extensions`.

use cfssl_keys::{PublicKey, SigningKey};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::{ID_CE_BASIC_CONSTRAINTS, ID_CE_SUBJECT_ALT_NAME};
use const_oid::db::rfc5912::ID_EXTENSION_REQ;
use der::asn1::{Any, BitString, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::Extension;

use crate::CsrError;
use crate::hosts::SubjectAltNames;
use crate::request::CertificateRequest;
use crate::subject::SubjectName;

/// cfssl's DelegationUsage extension (`1.3.6.1.4.1.44363.44`, value NULL), for delegated
/// credentials in TLS.
pub const ID_DELEGATION_USAGE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.44363.44");

/// `CertificationRequestInfo` (RFC 2986 §4.1) with the subject and attributes kept as
/// pre-encoded DER, so their bytes are exactly the ones we chose.
///
/// ```text
/// CertificationRequestInfo ::= SEQUENCE {
///      version       INTEGER { v1(0) } (v1,...),
///      subject       Name,
///      subjectPKInfo SubjectPublicKeyInfo{{ PKInfoAlgorithms }},
///      attributes    [0] Attributes{{ CRIAttributes }}
/// }
/// ```
#[derive(Clone, Debug, Sequence)]
struct CertificationRequestInfo {
    version: u8,
    subject: Any,
    subject_pk_info: Any,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    attributes: SetOfVec<Attribute>,
}

/// `CertificationRequest` (RFC 2986 §4.2), TBS kept as raw DER for signature checks.
///
/// ```text
/// CertificationRequest ::= SEQUENCE {
///      certificationRequestInfo CertificationRequestInfo,
///      signatureAlgorithm AlgorithmIdentifier{{ SignatureAlgorithms }},
///      signature          BIT STRING
/// }
/// ```
#[derive(Clone, Debug, Sequence)]
struct CertificationRequest {
    info: Any,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// A CSR we just built.
#[derive(Clone, Debug)]
pub struct GeneratedCsr {
    /// DER of the CertificationRequest.
    pub der: Vec<u8>,
    /// `-----BEGIN CERTIFICATE REQUEST-----` PEM, newline-terminated.
    pub pem: String,
    /// Values we changed on purpose (IDN hosts), for the caller to log as warnings.
    pub warnings: Vec<String>,
}

impl GeneratedCsr {
    /// The request read back as the signers take it. Its signature is not checked again:
    /// [`PrivateKey::sign`] verified it before [`generate`] wrapped it.
    pub fn verified(&self) -> Result<VerifiedCsr, CsrError> {
        Ok(VerifiedCsr(ParsedCsr::from_der(&self.der)?))
    }
}

/// Builds and signs the CSR for `request` with `key` (cfssl's `csr.Generate`). The `key`
/// block of the request is not consulted: the caller made `key` from it (or loaded one).
pub fn generate(
    key: &dyn SigningKey,
    request: &CertificateRequest,
) -> Result<GeneratedCsr, CsrError> {
    let subject = request.subject()?;
    let classified = SubjectAltNames::classify(&request.hosts)?;
    let mut extensions = Vec::new();
    if !classified.sans.is_empty() {
        extensions.push(Extension {
            extn_id: ID_CE_SUBJECT_ALT_NAME,
            critical: false,
            extn_value: OctetString::new(classified.sans.to_extension_value()?)?,
        });
    }
    let mut extra = Vec::new();
    if let Some(ca) = &request.ca {
        // cfssl's appendCAInfoToCSR: pathlen 0 without pathlenzero means "no limit" (-1).
        let path_len = if ca.path_length == 0 && !ca.path_len_zero {
            -1
        } else {
            ca.path_length
        };
        extra.push(Extension {
            extn_id: ID_CE_BASIC_CONSTRAINTS,
            critical: true,
            extn_value: OctetString::new(basic_constraints_der(true, path_len)?)?,
        });
    }
    if request.delegation_enabled {
        // cfssl: `tpl.ExtraExtensions = append(tpl.Extensions, DelegationExtension)`, which
        // drops the BasicConstraints just added (docs/cfssl-compat.md §11 item 14).
        extra = vec![Extension {
            extn_id: ID_DELEGATION_USAGE,
            critical: false,
            extn_value: OctetString::new(vec![0x05, 0x00])?,
        }];
    }
    for e in &request.extensions {
        extra.push(Extension {
            extn_id: e.oid,
            critical: e.critical,
            extn_value: OctetString::new(e.value.clone())?,
        });
    }
    // Go skips generating SAN when an extra extension already has its OID.
    if extra.iter().any(|e| e.extn_id == ID_CE_SUBJECT_ALT_NAME) {
        extensions.clear();
    }
    extensions.extend(extra);
    let der = sign_request(key, &subject, &extensions)?;
    let pem = pem_encode("CERTIFICATE REQUEST", &der);
    let mut warnings = classified.warnings;
    if subject.has_ia5_attributes() {
        warnings.push(crate::subject::IA5_SUBJECT_WARNING.to_owned());
    }
    Ok(GeneratedCsr { der, pem, warnings })
}

/// Builds and signs a CSR for an explicit subject and extension list.
pub fn sign_request(
    key: &dyn SigningKey,
    subject: &SubjectName,
    extensions: &[Extension],
) -> Result<Vec<u8>, CsrError> {
    let mut attributes = SetOfVec::new();
    if !extensions.is_empty() {
        let exts_der = extensions.to_vec().to_der()?;
        let mut values = SetOfVec::new();
        values.insert(Any::from_der(&exts_der)?)?;
        attributes.insert(Attribute {
            oid: ID_EXTENSION_REQ,
            values,
        })?;
    }
    let info = CertificationRequestInfo {
        version: 0,
        subject: Any::from_der(&subject.to_der()?)?,
        subject_pk_info: Any::from_der(&key.public_key().to_spki_der())?,
        attributes,
    };
    let info_der = info.to_der()?;
    let signature = key.sign(&info_der)?;
    let req = CertificationRequest {
        info: Any::from_der(&info_der)?,
        signature_algorithm: key.signature_algorithm(),
        signature: BitString::from_bytes(&signature)?,
    };
    Ok(req.to_der()?)
}

/// DER of `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint
/// INTEGER OPTIONAL }` as Go's `asn1.Marshal` writes cfssl's struct: cA omitted when false,
/// pathLen omitted when -1 (its declared default) and written otherwise, even if negative.
pub fn basic_constraints_der(is_ca: bool, path_len: i64) -> Result<Vec<u8>, CsrError> {
    let mut body = Vec::new();
    if is_ca {
        body.extend_from_slice(&[0x01, 0x01, 0xff]);
    }
    if path_len != -1 {
        body.extend(path_len.to_der()?);
    }
    let mut out = vec![0x30];
    out.extend(der::Length::try_from(body.len())?.to_der()?);
    out.extend(body);
    Ok(out)
}

/// A PKCS#10 request read back from PEM or DER.
#[derive(Clone, Debug)]
pub struct ParsedCsr {
    /// DER of the whole request.
    pub der: Vec<u8>,
    /// DER of the CertificationRequestInfo (what the signature covers).
    pub info_der: Vec<u8>,
    /// DER of the subject Name, as in the request.
    pub subject_der: Vec<u8>,
    /// The subject as Go's `pkix.Name` would hold it.
    pub subject: SubjectName,
    /// The requested public key.
    pub public_key: PublicKey,
    /// The signature algorithm of the request.
    pub signature_algorithm: AlgorithmIdentifierOwned,
    /// The signature bytes.
    pub signature: Vec<u8>,
    /// Requested extensions, in order.
    pub extensions: Vec<Extension>,
    /// SANs parsed from a requested subjectAltName.
    pub sans: SubjectAltNames,
    /// A requested BasicConstraints: (cA, pathLen or -1).
    pub basic_constraints: Option<(bool, i64)>,
}

impl ParsedCsr {
    /// Reads the first PEM block anywhere in `input` (Go's `pem.Decode`: text around it is
    /// ignored). No block → 9002 `CSR Decode failed`; a block that is not `CERTIFICATE
    /// REQUEST` or `NEW CERTIFICATE REQUEST` → 9300 `not a csr`.
    pub fn from_pem(input: &[u8]) -> Result<ParsedCsr, CsrError> {
        let block = pem::parse(input).map_err(|_| CsrError::Decode)?;
        match block.tag() {
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {}
            other => return Err(CsrError::NotACsr(other.to_owned())),
        }
        Self::from_der(block.contents())
    }

    /// Parses DER (errors → 9003 with the parser's message).
    pub fn from_der(der: &[u8]) -> Result<ParsedCsr, CsrError> {
        let req = CertificationRequest::from_der(der).map_err(parse_err)?;
        let info_der = req.info.to_der()?;
        let info = CertificationRequestInfo::from_der(&info_der).map_err(parse_err)?;
        if info.version != 0 {
            return Err(CsrError::Parse(format!(
                "x509: unsupported certificate request version {}",
                info.version
            )));
        }
        let subject_der = info.subject.to_der()?;
        let subject =
            SubjectName::from_der(&subject_der).map_err(|e| CsrError::Parse(e.to_string()))?;
        let public_key = PublicKey::from_spki_der(&info.subject_pk_info.to_der()?)
            .map_err(|e| CsrError::Parse(e.to_string()))?;
        let mut extensions = Vec::new();
        for attr in info.attributes.iter() {
            if attr.oid != ID_EXTENSION_REQ {
                continue;
            }
            for value in attr.values.iter() {
                let exts: Vec<Extension> = Vec::from_der(&value.to_der()?).map_err(parse_err)?;
                extensions.extend(exts);
            }
        }
        let mut sans = SubjectAltNames::default();
        let mut basic_constraints = None;
        for e in &extensions {
            if e.extn_id == ID_CE_SUBJECT_ALT_NAME {
                // A SAN that does not decode is a parse failure (9003), as Go's
                // `ParseCertificateRequest` fails it; it was uncoded, so `serve` answered
                // a client's CSR with 500 (found by fuzz/fuzz_targets/serve_handler.rs).
                sans = SubjectAltNames::from_extension_value(e.extn_value.as_bytes()).map_err(
                    |e| match e {
                        CsrError::Der(e) => parse_err(e),
                        other => other,
                    },
                )?;
            } else if e.extn_id == ID_CE_BASIC_CONSTRAINTS {
                basic_constraints = Some(parse_basic_constraints(e.extn_value.as_bytes())?);
            }
        }
        let signature = req
            .signature
            .as_bytes()
            .ok_or_else(|| CsrError::Parse("x509: signature has unused bits".into()))?
            .to_vec();
        Ok(ParsedCsr {
            der: der.to_vec(),
            info_der,
            subject_der,
            subject,
            public_key,
            signature_algorithm: req.signature_algorithm,
            signature,
            extensions,
            sans,
            basic_constraints,
        })
    }

    /// Proof of possession: the request is signed by the key it carries (→ 9300 with the
    /// verifier's message when not).
    pub fn verify_signature(&self) -> Result<(), CsrError> {
        self.public_key
            .verify(
                &(&self.signature_algorithm).into(),
                &self.info_der,
                &self.signature,
            )
            .map_err(|e| CsrError::BadSignature(e.to_string()))
    }

    /// Checks the proof of possession and hands back the request as a [`VerifiedCsr`].
    pub fn verify(self) -> Result<VerifiedCsr, CsrError> {
        self.verify_signature()?;
        Ok(VerifiedCsr(self))
    }

    /// The request as PEM.
    pub fn to_pem(&self) -> String {
        pem_encode("CERTIFICATE REQUEST", &self.der)
    }
}

/// A request whose signature is known to verify under the key it carries.
///
/// Signers take this type so that the proof-of-possession check cannot be forgotten, and so
/// that a request made in this process (whose signature [`PrivateKey::sign`] already checked
/// before returning it) is not verified a second time: on P-256 a verification costs as much
/// as the rest of a `gencert` run's cryptography.
#[derive(Clone, Debug)]
pub struct VerifiedCsr(ParsedCsr);

impl VerifiedCsr {
    /// Parses the first PEM block of `input` (as [`ParsedCsr::from_pem`]) and verifies it.
    pub fn from_pem(input: &[u8]) -> Result<VerifiedCsr, CsrError> {
        ParsedCsr::from_pem(input)?.verify()
    }

    /// The parsed request.
    pub fn csr(&self) -> &ParsedCsr {
        &self.0
    }
}

impl std::ops::Deref for VerifiedCsr {
    type Target = ParsedCsr;

    fn deref(&self) -> &ParsedCsr {
        &self.0
    }
}

/// Parses a BasicConstraints value as Go's signer does: `SEQUENCE { cA BOOLEAN DEFAULT
/// FALSE, pathLen INTEGER DEFAULT -1 }`; trailing bytes are an error.
pub fn parse_basic_constraints(der: &[u8]) -> Result<(bool, i64), CsrError> {
    #[derive(Sequence)]
    struct Bc {
        #[asn1(default = "Default::default")]
        ca: bool,
        #[asn1(optional = "true")]
        path_len: Option<i64>,
    }
    let bc = Bc::from_der(der)
        .map_err(|_| CsrError::Parse("x509: trailing data after X.509 BasicConstraints".into()))?;
    Ok((bc.ca, bc.path_len.unwrap_or(-1)))
}

/// PEM with 64-column base64 lines, LF endings and a final newline (Go's `pem.Encode`).
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let mut out = pem_rfc7468_encode(label, der);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn pem_rfc7468_encode(label: &str, der: &[u8]) -> String {
    der::pem::encode_string(label, der::pem::LineEnding::LF, der).unwrap_or_default()
}

fn parse_err(e: der::Error) -> CsrError {
    CsrError::Parse(format!("asn1: {e}"))
}
