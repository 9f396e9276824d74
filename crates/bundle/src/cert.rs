//! A certificate as the bundler looks at it: [`ParsedCertificate`] plus the raw pieces
//! Go's `x509.Certificate` keeps and path building needs (the exact to-be-signed bytes and
//! signature, the AIA and CRL URLs, unhandled critical extensions), decoded once.

use cfssl_signer::ParsedCertificate;
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280 as oids;
use der::{Decode, Reader, SliceReader};
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};

use crate::BundleError;

/// One certificate of the input, a pool or a chain.
#[derive(Clone, Debug)]
pub struct BundleCertificate {
    /// The fields cfssl-rs reads everywhere else.
    pub parsed: ParsedCertificate,
    /// `tbsCertificate` exactly as it appears in the DER (Go's `RawTBSCertificate`): the
    /// signature is checked over these bytes, never over a re-encoding.
    pub(crate) tbs: Vec<u8>,
    /// The signature BIT STRING's bytes.
    pub(crate) signature: Vec<u8>,
    /// AIA id-ad-ocsp URIs (Go's `OCSPServer`).
    pub ocsp_servers: Vec<String>,
    /// AIA id-ad-caIssuers URIs (Go's `IssuingCertificateURL`): where cfssl would fetch
    /// a missing issuer from.
    pub issuing_certificate_urls: Vec<String>,
    /// CRL distribution point full-name URIs (Go's `CRLDistributionPoints`).
    pub crl_distribution_points: Vec<String>,
    /// A critical extension Go's parser does not handle: Go's `Verify` refuses such a
    /// certificate (`x509: unhandled critical extension`).
    pub(crate) unhandled_critical_extension: bool,
}

impl BundleCertificate {
    /// Reads one certificate from DER (1003 `Failed to parse certificate` when it is not
    /// one, or of a key type cfssl cannot use).
    pub fn from_der(der: &[u8]) -> Result<BundleCertificate, BundleError> {
        let parsed = ParsedCertificate::from_der(der).map_err(|_| BundleError::CertificateParse)?;
        let cert = Certificate::from_der(der).map_err(|_| BundleError::CertificateParse)?;
        let tbs = raw_tbs(der).ok_or(BundleError::CertificateParse)?.to_vec();
        let signature = cert
            .signature()
            .as_bytes()
            .ok_or(BundleError::CertificateParse)?
            .to_vec();
        let mut out = BundleCertificate {
            parsed,
            tbs,
            signature,
            ocsp_servers: Vec::new(),
            issuing_certificate_urls: Vec::new(),
            crl_distribution_points: Vec::new(),
            unhandled_critical_extension: false,
        };
        for ext in cert.tbs_certificate().extensions().into_iter().flatten() {
            let value = ext.extn_value.as_bytes();
            let handled = match ext.extn_id {
                oids::ID_PE_AUTHORITY_INFO_ACCESS => {
                    let aia = AuthorityInfoAccessSyntax::from_der(value)
                        .map_err(|_| BundleError::CertificateParse)?;
                    for access in aia.0 {
                        let GeneralName::UniformResourceIdentifier(uri) = access.access_location
                        else {
                            continue;
                        };
                        if access.access_method == oids::ID_AD_OCSP {
                            out.ocsp_servers.push(uri.to_string());
                        } else if access.access_method == oids::ID_AD_CA_ISSUERS {
                            out.issuing_certificate_urls.push(uri.to_string());
                        }
                    }
                    true
                }
                oids::ID_CE_CRL_DISTRIBUTION_POINTS => {
                    let points = CrlDistributionPoints::from_der(value)
                        .map_err(|_| BundleError::CertificateParse)?;
                    for point in points.0 {
                        if let Some(DistributionPointName::FullName(names)) =
                            point.distribution_point
                        {
                            for name in names {
                                if let GeneralName::UniformResourceIdentifier(uri) = name {
                                    out.crl_distribution_points.push(uri.to_string());
                                }
                            }
                        }
                    }
                    true
                }
                oids::ID_CE_SUBJECT_ALT_NAME => {
                    // Go handles a SAN extension only when it yields a name it keeps.
                    let sans = &out.parsed.sans;
                    !(sans.dns_names.is_empty()
                        && sans.email_addresses.is_empty()
                        && sans.ip_addresses.is_empty()
                        && sans.uris.is_empty())
                }
                other => HANDLED_EXTENSIONS.contains(&other),
            };
            if ext.critical && !handled {
                out.unhandled_critical_extension = true;
            }
        }
        Ok(out)
    }

    /// The DER.
    pub fn der(&self) -> &[u8] {
        &self.parsed.der
    }

    /// The certificate as PEM without the final newline (cfssl trims it).
    pub fn pem_trimmed(&self) -> String {
        self.parsed.to_pem().trim_end().to_owned()
    }
}

/// Extensions Go's certificate parser understands (so a critical one is not refused).
const HANDLED_EXTENSIONS: &[ObjectIdentifier] = &[
    oids::ID_CE_KEY_USAGE,
    oids::ID_CE_BASIC_CONSTRAINTS,
    oids::ID_CE_NAME_CONSTRAINTS,
    oids::ID_CE_AUTHORITY_KEY_IDENTIFIER,
    oids::ID_CE_EXT_KEY_USAGE,
    oids::ID_CE_SUBJECT_KEY_IDENTIFIER,
    oids::ID_CE_CERTIFICATE_POLICIES,
];

/// The `tbsCertificate` TLV of a certificate's DER, as stored:
///
/// ```text
/// Certificate  ::=  SEQUENCE  {
///      tbsCertificate       TBSCertificate,
///      signatureAlgorithm   AlgorithmIdentifier,
///      signatureValue       BIT STRING  }
/// ```
fn raw_tbs(der: &[u8]) -> Option<&[u8]> {
    let mut reader = SliceReader::new(der).ok()?;
    der::Header::decode(&mut reader).ok()?;
    reader.tlv_bytes().ok()
}
