//! Reading OCSP messages the way cfssl's responder reads them with Go's `x/crypto/ocsp`:
//! requests (`ParseRequest`) and stored responses (`ParseResponse(der, nil)`), used by the
//! `-responses` file source and before every answer (docs/cfssl-lifecycle.md §5.5).

use cfssl_signer::ParsedCertificate;
use der::referenced::OwnedToRef;
use der::{Decode, Encode};
use time::OffsetDateTime;

use crate::OcspError;
use crate::asn1::{
    BasicOcspResponse, CertId, CertStatus, ID_PKIX_OCSP_BASIC, OcspRequest, OcspResponse,
    OcspResponseStatus, ResponderId,
};
use crate::signer::CertificateStatus;

/// Why a request is malformed (the responder answers 400 `malformedRequest` either way).
#[derive(Clone, Debug, Eq, PartialEq, thiserror::Error)]
pub enum RequestError {
    /// Not DER of an `OCSPRequest`.
    #[error("malformed OCSP request: {0}")]
    Der(String),
    /// An empty requestList (Go: `OCSP request contains no request body`).
    #[error("OCSP request contains no request body")]
    NoRequest,
    /// A CertID hash other than SHA-1/256/384/512 (Go: `OCSP request uses unknown hash function`).
    #[error("OCSP request uses unknown hash function")]
    UnknownHash,
}

/// Go's `ocsp.ParseRequest`: the CertID of the **first** request of the list (cfssl answers
/// for it alone), whose hash must be one of [`crate::CertIdHash`]. The requestor name,
/// extensions (a nonce) and any signature are accepted and ignored.
///
/// Stricter than Go in one respect: the whole message must be DER of RFC 6960's
/// `OCSPRequest` (Go tolerates unknown elements after `tbsRequest`). Real clients
/// (OpenSSL, Go, browsers) send exactly that shape.
pub fn parse_request(der: &[u8]) -> Result<CertId, RequestError> {
    let request = OcspRequest::from_der(der).map_err(|e| RequestError::Der(e.to_string()))?;
    let first = request
        .tbs_request
        .request_list
        .into_iter()
        .next()
        .ok_or(RequestError::NoRequest)?;
    if first.req_cert.hash().is_none() {
        return Err(RequestError::UnknownHash);
    }
    Ok(first.req_cert)
}

/// What a stored response says, as Go's `ocsp.ParseResponse(der, nil)` returns it: about
/// its first SingleResponse.
#[derive(Clone, Debug)]
pub struct ParsedResponse {
    /// The first SingleResponse's CertID.
    pub cert_id: CertId,
    /// Its status.
    pub status: CertificateStatus,
    /// producedAt
    pub produced_at: OffsetDateTime,
    /// thisUpdate
    pub this_update: OffsetDateTime,
    /// nextUpdate, when present.
    pub next_update: Option<OffsetDateTime>,
    /// The responder Name DER (byName) or `None` (byKey).
    pub responder_name: Option<Vec<u8>>,
    /// The embedded responder certificate, when there is one (its signature over the
    /// response was checked).
    pub certificate: Option<ParsedCertificate>,
}

/// Go's `ocsp.ParseResponse(der, nil)`, which cfssl's responder applies to each response
/// of a `-responses` file and to each stored response before sending it: successful status,
/// a basic response, at least one SingleResponse (the first is described), no critical
/// single extension, and — when a certificate is embedded — a signature that verifies
/// under it (SHA-1 allowed, as Go's `CheckSignature`).
pub fn parse_response(der: &[u8]) -> Result<ParsedResponse, OcspError> {
    let bad = |text: &str| OcspError::BadResponse(text.to_owned());
    let response =
        OcspResponse::from_der(der).map_err(|e| bad(&format!("malformed OCSP response: {e}")))?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err(bad(&format!(
            "ocsp: error from server: {}",
            status_name(response.response_status)
        )));
    }
    let bytes = response
        .response_bytes
        .ok_or_else(|| bad("malformed OCSP response: no response bytes"))?;
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(bad("bad OCSP response type"));
    }
    let basic_der = bytes.response.as_bytes();
    let basic = BasicOcspResponse::from_der(basic_der)
        .map_err(|e| bad(&format!("malformed OCSP response: {e}")))?;
    let tbs = basic.tbs_response_data;
    let Some(single) = tbs.responses.first() else {
        return Err(bad("OCSP response contains no status information"));
    };
    if single
        .single_extensions
        .iter()
        .flatten()
        .any(|ext| ext.critical)
    {
        return Err(bad("unsupported critical extension"));
    }
    let certificate = match basic.certs.as_deref().and_then(<[_]>::first) {
        None => None,
        Some(cert) => {
            let cert = ParsedCertificate::from_der(&cert.to_der()?)
                .map_err(|e| bad(&format!("malformed OCSP response certificate: {e}")))?;
            // Checked over the tbsResponseData bytes as received.
            let elements = crate::der_util::sequence_elements(basic_der)?;
            let signed = elements.first().copied().unwrap_or_default();
            cert.public_key
                .verify(
                    &basic.signature_algorithm.owned_to_ref(),
                    signed,
                    basic.signature.raw_bytes(),
                )
                .map_err(|e| bad(&format!("bad signature on embedded certificate: {e}")))?;
            Some(cert)
        }
    };
    let status = match single.cert_status {
        CertStatus::Good(_) => CertificateStatus::Good,
        CertStatus::Unknown(_) => CertificateStatus::Unknown,
        CertStatus::Revoked(info) => CertificateStatus::Revoked {
            at: to_offset(info.revocation_time.to_system_time()),
            reason: info.revocation_reason.map_or(0, |r| r.0),
        },
    };
    Ok(ParsedResponse {
        cert_id: single.cert_id.clone(),
        status,
        produced_at: to_offset(tbs.produced_at.to_system_time()),
        this_update: to_offset(single.this_update.to_system_time()),
        next_update: single.next_update.map(|t| to_offset(t.to_system_time())),
        responder_name: match &tbs.responder_id {
            ResponderId::ByName(name) => Some(name.to_der()?),
            ResponderId::ByKey(_) => None,
        },
        certificate,
    })
}

fn to_offset(t: std::time::SystemTime) -> OffsetDateTime {
    OffsetDateTime::from(t)
}

/// Go's `ocsp.ResponseStatus.String()`.
fn status_name(status: OcspResponseStatus) -> &'static str {
    match status {
        OcspResponseStatus::Successful => "success",
        OcspResponseStatus::MalformedRequest => "malformed",
        OcspResponseStatus::InternalError => "internal error",
        OcspResponseStatus::TryLater => "try later",
        OcspResponseStatus::SigRequired => "signature required",
        OcspResponseStatus::Unauthorized => "unauthorized",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_statuses_are_not_responses() {
        for status in [
            OcspResponseStatus::MalformedRequest,
            OcspResponseStatus::Unauthorized,
        ] {
            let err = parse_response(&status.error_response()).unwrap_err();
            assert!(
                err.to_string().starts_with("ocsp: error from server: "),
                "{err}"
            );
        }
        assert!(parse_response(&[]).is_err());
        assert!(parse_response(&[0x30, 0x03, 0x0a, 0x01, 0x00]).is_err());
    }

    #[test]
    fn requests_need_a_cert_id() {
        assert!(matches!(
            parse_request(b"hello\n"),
            Err(RequestError::Der(_))
        ));
        // SEQUENCE { SEQUENCE { SEQUENCE {} } }: an empty requestList.
        assert_eq!(
            parse_request(&[0x30, 0x04, 0x30, 0x02, 0x30, 0x00]),
            Err(RequestError::NoRequest)
        );
    }
}
