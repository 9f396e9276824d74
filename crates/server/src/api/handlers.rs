//! One function per endpoint (docs/cfssl-lifecycle.md §7.3): decode the request the way
//! cfssl's handler does (Go's JSON rules, its error texts), call the `cfssl_ca` workflow
//! the command line calls, record what was issued, and build cfssl's result object.
//!
//! Everything here runs on tokio's blocking pool (signing is CPU work, the certdb blocks).

use base64::Engine;
use cfssl_ca::{
    CaError, CertificateRequest, CsrInput, GenCert, GenCrl, InitCa, Issued, ParsedCertificate,
    SignRequest,
};
use cfssl_json::{Object, Value};
use cfssl_ocsp::{CertIdHash, CertificateStatus, OcspSignRequest};
use md5::Digest as _;

use super::reply::{Failure, Success};
use super::{Endpoint, Input, State, auth};
use crate::{Note, NoteLevel};
use cfssl_api::sign::ApiSignRequest;

/// Runs `endpoint`'s handler.
pub(crate) fn handle(endpoint: Endpoint, state: &State, input: &Input) -> Result<Success, Failure> {
    match endpoint {
        Endpoint::Health => Ok(Success::new(object(vec![("healthy", Value::Bool(true))]))),
        Endpoint::Info => info(state, input),
        Endpoint::Sign => sign(state, input),
        Endpoint::AuthSign => authsign(state, input),
        Endpoint::NewKey => newkey(state, input),
        Endpoint::NewCert => newcert(state, input),
        Endpoint::InitCa => init_ca(state, input),
        Endpoint::CertInfo => certinfo(state, input),
        Endpoint::Crl => crl(state, input),
        Endpoint::GenCrl => gencrl(input),
        Endpoint::Revoke => revoke(state, input),
        Endpoint::OcspSign => ocspsign(state, input),
        // cfssl lists its scanner families here; cfssl-rs has none, so the object of
        // families is empty (docs/cfssl-lifecycle.md §7.5, docs/differences.md #34).
        Endpoint::ScanInfo => Ok(Success::new(Value::Object(Vec::new()))),
        Endpoint::Bundle => super::bundle::bundle(state, input),
        Endpoint::Scan | Endpoint::CertAdd => Err(Failure::internal(format!(
            "endpoint '{}' is not available",
            endpoint.name()
        ))),
    }
}

/// cfssl's message when `bundle: true` meets a server without a bundler.
const NO_BUNDLER: &str =
    "This request requires a bundler, but one is not initialized for the API server.";

/// A JSON object from `(name, value)` pairs, in order.
fn object(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

fn string(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

/// The body as a JSON document; a syntax error is 400 with Go's text.
fn parse_body(body: &[u8]) -> Result<Value, Failure> {
    cfssl_json::parse(body).map_err(|e| Failure::bad_request(e.to_string()))
}

/// The signer; the endpoint is only enabled with one.
fn signer(state: &State) -> Result<&cfssl_ca::LocalSigner, Failure> {
    state
        .signer
        .as_ref()
        .ok_or_else(|| Failure::internal("no signer is configured"))
}

/// Whether a private key may go back to this client: over TLS, or to a loopback client
/// (docs/differences.md #31: keys never cross the network in clear text).
fn may_receive_private_key(input: &Input) -> Result<(), Failure> {
    // A dual-stack listener sees IPv4 clients as IPv4-mapped IPv6 addresses.
    if input.peer.tls || input.peer.address.ip().to_canonical().is_loopback() {
        return Ok(());
    }
    Err(Failure::forbidden(
        "refusing to send a private key over plain HTTP to a non-loopback client: \
         serve with -tls-cert and -tls-key (cfssl-rs difference)",
    ))
}

/// The profile a request names; an unknown name means the default, as cfssl's handlers
/// read `Policy().Profiles[name]`.
fn profile_or_default<'a>(
    policy: &'a cfssl_ca::Config,
    name: &str,
) -> &'a cfssl_config::SigningProfile {
    policy
        .signing
        .profiles
        .get(name)
        .unwrap_or(&policy.signing.default)
}

// ---------------------------------------------------------------------------------------
// info

fn info(state: &State, input: &Input) -> Result<Success, Failure> {
    let signer = signer(state)?;
    let request = cfssl_api::info::InfoRequest::from_json(&input.body)
        .map_err(|e| Failure::bad_request(e.to_string()))?;
    // An unknown profile is an error naming the known ones (docs/differences.md #4), as in
    // the info command: cfssl answers with the default profile's values instead.
    let found = cfssl_ca::info(signer.ca(), signer.policy(), &request.profile)?;
    let response = cfssl_api::info::InfoResponse {
        certificate: found.certificate,
        usages: found.usages,
        expiry: found.expiry,
    };
    Ok(Success::new(response.to_value()))
}

// ---------------------------------------------------------------------------------------
// sign, authsign

fn sign(state: &State, input: &Input) -> Result<Success, Failure> {
    let request = auth::decode_sign_request(&input.body)
        .map_err(|_| Failure::bad_request("Unable to parse sign request"))?;
    if request.certificate_request.is_empty() {
        return Err(Failure::bad_request(
            "missing parameter 'certificate_request'",
        ));
    }
    let signer = signer(state)?;
    if profile_or_default(signer.policy(), &request.profile)
        .auth_key
        .is_some()
    {
        return Err(Failure::bad_request("authentication required"));
    }
    sign_and_record(state, &request)
}

fn authsign(state: &State, input: &Input) -> Result<Success, Failure> {
    let signer = signer(state)?;
    let request = auth::authenticate(state, signer.policy(), &input.body)?;
    if request.certificate_request.is_empty() {
        return Err(Failure::bad_request(
            "missing parameter 'certificate_request'",
        ));
    }
    sign_and_record(state, &request)
}

/// Signs, records in the certdb (before anything is returned), answers `{"certificate"}`.
fn sign_and_record(state: &State, request: &ApiSignRequest) -> Result<Success, Failure> {
    let signer = signer(state)?;
    if request.serial.is_some() {
        return Err(Failure::bad_request(
            "serial: client-provided serial numbers are not supported by cfssl-rs",
        ));
    }
    let subject = match &request.subject {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            cfssl_signer::SubjectOverride::from_json(value.to_json().as_bytes())
                .map_err(|e| Failure::from_ca(&CaError::Sign(e)))?,
        ),
    };
    let sign_request = SignRequest {
        csr: CsrInput::Pem(request.certificate_request.clone().into_bytes()),
        hosts: request.effective_hosts(),
        subject,
        profile: request.profile.clone(),
        ..SignRequest::default()
    };
    let mut notes = Vec::new();
    let issued = cfssl_ca::sign(signer, &sign_request, now(), &mut notes)?;
    pass_notes(state, notes);
    record(state, &issued, &request.label)?;
    let mut result = vec![("certificate", string(issued.pem.clone()))];
    let mut messages = Vec::new();
    if request.bundle {
        match &state.bundler {
            Some(bundler) => result.push((
                "bundle",
                super::bundle::bundle_issued(state, bundler, &issued.pem)?,
            )),
            None => messages.push((5300, NO_BUNDLER.to_owned())),
        }
    }
    Ok(Success {
        result: object(result),
        messages,
    })
}

/// Records a new certificate in the certdb, if there is one; a failed insert fails the
/// request, so nothing unrecorded is handed out (docs/cfssl-lifecycle.md §2). Concurrent
/// requests share a transaction (group_commit.rs); each still waits for its row's commit.
fn record(state: &State, issued: &Issued, label: &str) -> Result<(), Failure> {
    let Some(db) = &state.db else {
        return Ok(());
    };
    let written = cfssl_ca::ledger::certificate_record(issued, label)
        .and_then(|row| state.commits.insert(db, row).map_err(CaError::from));
    written.map_err(|e| {
        (state.log)(Note {
            level: NoteLevel::Error,
            message: format!(
                "certificate {} was not recorded, so it is not returned: {e}",
                issued.serial_decimal
            ),
        });
        Failure::from_ca(&e)
    })
}

/// Hands the workflow's notes to the server log (warnings as warnings).
pub(crate) fn pass_notes(state: &State, notes: Vec<cfssl_ca::Note>) {
    for note in notes {
        let (level, message) = match note {
            cfssl_ca::Note::Warning(m) => (NoteLevel::Warning, m),
            cfssl_ca::Note::Info(m) => (NoteLevel::Info, m),
            cfssl_ca::Note::Error(m) => (NoteLevel::Error, m),
        };
        (state.log)(Note { level, message });
    }
}

// ---------------------------------------------------------------------------------------
// newkey, newcert, init_ca

/// The upper-case hex md5, sha-1 and sha-256 of `der`, as cfssl's `sums` objects.
fn sums(der: &[u8]) -> Value {
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }
    object(vec![
        ("md5", string(hex(&md5::Md5::digest(der)))),
        ("sha-1", string(hex(&sha1::Sha1::digest(der)))),
        ("sha-256", string(hex(&sha2::Sha256::digest(der)))),
    ])
}

/// A certificate request that does not decode: cfssl's `newkey`, `newcert` and `init_ca`
/// handlers answer `json.Unmarshal`'s error with `errors.NewBadRequest` (400, code 400),
/// where a coded request error keeps its code. (Uncoded, these were 500: found by
/// fuzz/fuzz_targets/serve_handler.rs.)
fn undecodable_request(error: cfssl_csr::CsrError) -> Failure {
    match error {
        cfssl_csr::CsrError::Json(_) | cfssl_csr::CsrError::InvalidExtension(_) => {
            Failure::bad_request(error.to_string())
        }
        other => Failure::from_ca(&CaError::Csr(other)),
    }
}

/// A certificate request from JSON, refusing a `ca` block as cfssl's handlers do.
fn certificate_request(value: &Value) -> Result<CertificateRequest, Failure> {
    let request = CertificateRequest::from_value(value).map_err(undecodable_request)?;
    if request.ca.is_some() {
        return Err(Failure::bad_request("ca section only permitted in initca"));
    }
    Ok(request)
}

fn newkey(state: &State, input: &Input) -> Result<Success, Failure> {
    let doc = parse_body(&input.body)?;
    let request = certificate_request(&doc)?;
    may_receive_private_key(input)?;
    let mut notes = Vec::new();
    let made = cfssl_ca::genkey(&request, &mut notes)?;
    pass_notes(state, notes);
    Ok(Success::new(object(vec![
        ("private_key", string(made.key.to_pem().as_str())),
        ("certificate_request", string(made.csr.pem.clone())),
        (
            "sums",
            object(vec![("certificate_request", sums(&made.csr.der))]),
        ),
    ])))
}

fn newcert(state: &State, input: &Input) -> Result<Success, Failure> {
    let signer = signer(state)?;
    let doc = parse_body(&input.body)?;
    let fields = Object::new(
        &doc,
        "api.newCertRequest",
        &["request", "profile", "label", "bundle"],
    )
    .map_err(|e| Failure::bad_request(e.to_string()))?;
    let text = |name: &str| {
        fields
            .string(name)
            .map(Option::unwrap_or_default)
            .map_err(|e| Failure::bad_request(e.to_string()))
    };
    let profile = text("profile")?;
    let label = text("label")?;
    let bundle = fields
        .bool("bundle")
        .map_err(|e| Failure::bad_request(e.to_string()))?
        .unwrap_or(false);
    let request = match fields.raw("request") {
        None | Some(Value::Null) => return Err(Failure::bad_request("missing request section")),
        Some(value) => certificate_request(value)?,
    };
    // cfssl signs here without looking at the profile's auth_key (cfssl#788): we refuse
    // (docs/differences.md #30).
    if profile_or_default(signer.policy(), &profile)
        .auth_key
        .is_some()
    {
        return Err(Failure::bad_request(
            "authentication required (this profile has an auth_key: use authsign with a token)",
        ));
    }
    may_receive_private_key(input)?;
    let input = GenCert {
        request,
        hosts: None,
        profile,
        crl_override: None,
    };
    let mut notes = Vec::new();
    let made = cfssl_ca::gencert(signer, &input, now(), &mut notes)?;
    let no_hosts = input.request.hosts.is_empty();
    // The no-hosts warning goes to the client as a message, as cfssl's handler does.
    notes.retain(|n| !matches!(n, cfssl_ca::Note::Warning(m) if m == cfssl_ca::NO_HOSTS_WARNING));
    pass_notes(state, notes);
    record(state, &made.certificate, &label)?;
    let csr_der = pem_der(&made.csr_pem);
    let mut success = Success::new(object(vec![
        ("certificate", string(made.certificate.pem.clone())),
        ("certificate_request", string(made.csr_pem.clone())),
        ("private_key", string(made.key.to_pem().as_str())),
        (
            "sums",
            object(vec![
                ("certificate", sums(&made.certificate.der)),
                ("certificate_request", sums(&csr_der)),
            ]),
        ),
    ]));
    if no_hosts {
        success
            .messages
            .push((5300, cfssl_ca::NO_HOSTS_WARNING.to_owned()));
    }
    if bundle {
        match &state.bundler {
            Some(bundler) => {
                let chain = super::bundle::bundle_issued(state, bundler, &made.certificate.pem)?;
                if let Value::Object(members) = &mut success.result {
                    members.push(("bundle".to_owned(), chain));
                }
            }
            None => success.messages.push((5300, NO_BUNDLER.to_owned())),
        }
    }
    Ok(success)
}

/// The DER of the first PEM block of `pem` (empty if none: we made it, it parses).
fn pem_der(pem: &str) -> Vec<u8> {
    ::pem::parse(pem)
        .map(|p| p.into_contents())
        .unwrap_or_default()
}

fn init_ca(state: &State, input: &Input) -> Result<Success, Failure> {
    let doc = parse_body(&input.body)?;
    let request = CertificateRequest::from_value(&doc).map_err(undecodable_request)?;
    may_receive_private_key(input)?;
    let mut notes = Vec::new();
    let made = cfssl_ca::init_ca(&InitCa { request }, now(), &mut notes)?;
    pass_notes(state, notes);
    Ok(Success::new(object(vec![
        ("private_key", string(made.key.to_pem().as_str())),
        ("certificate", string(made.certificate.pem.clone())),
    ])))
}

// ---------------------------------------------------------------------------------------
// certinfo, crl, gencrl, revoke, ocspsign

fn certinfo(state: &State, input: &Input) -> Result<Success, Failure> {
    let doc = parse_body(&input.body)?;
    let fields = Object::new(
        &doc,
        "*",
        &["certificate", "domain", "serial", "authority_key_id"],
    )
    .map_err(|e| Failure::internal(e.to_string()))?;
    let text = |name: &str| {
        fields
            .string(name)
            .map(Option::unwrap_or_default)
            .map_err(|e| Failure::internal(e.to_string()))
    };
    let (certificate, domain, serial, aki) = (
        text("certificate")?,
        text("domain")?,
        text("serial")?,
        text("authority_key_id")?,
    );
    if !certificate.is_empty() {
        let cert = ParsedCertificate::from_pem(certificate.as_bytes())
            .map_err(|e| Failure::from_ca(&CaError::Sign(e)))?;
        return Ok(Success::new(cfssl_certinfo::certificate_json(&cert)));
    }
    if !domain.is_empty() {
        return Err(Failure::bad_request(
            "certinfo by domain is not implemented by cfssl-rs (the server would connect to a \
             host of the client's choosing); send the certificate instead",
        ));
    }
    if !serial.is_empty() && !aki.is_empty() {
        let Some(db) = &state.db else {
            return Err(Failure::internal(
                "cannot lookup certificate from serial without db access",
            ));
        };
        let row = {
            let mut db = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            cfssl_ca::revocation::stored_certificate(&mut db, &serial, &aki)?
        };
        let cert = ParsedCertificate::from_pem(row.pem.as_bytes())
            .map_err(|e| Failure::from_ca(&CaError::Sign(e)))?;
        return Ok(Success::new(cfssl_certinfo::certificate_json(&cert)));
    }
    Err(Failure::bad_request("no valid parameter sets found"))
}

fn crl(state: &State, input: &Input) -> Result<Success, Failure> {
    let signer = signer(state)?;
    let Some(db) = &state.db else {
        return Err(Failure::internal(
            "cert db not configured (missing -db-config)",
        ));
    };
    let expiry = query_value(input.query.as_deref().unwrap_or(""), "expiry");
    let lifetime = match expiry.as_deref() {
        None | Some("") => time::Duration::hours(168),
        Some(text) => text
            .parse::<cfssl_config::GoDuration>()
            .map_err(|e| Failure::internal(e.to_string()))?
            .as_time_duration(),
    };
    let mut notes = Vec::new();
    let der = {
        let mut db = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cfssl_ca::revocation::crl_from_db(
            &mut db,
            signer.ca(),
            signer.key(),
            now(),
            lifetime,
            &mut notes,
        )?
    };
    pass_notes(state, notes);
    Ok(Success::new(string(
        base64::engine::general_purpose::STANDARD.encode(der),
    )))
}

/// The first value of `name` in a URL query (Go's `r.URL.Query().Get`), percent-decoded.
fn query_value(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| crate::routing::path_unescape(&s.replace('+', " "));
        (decode(key)? == name).then(|| decode(value)).flatten()
    })
}

fn gencrl(input: &Input) -> Result<Success, Failure> {
    let doc = parse_body(&input.body)?;
    let fields = Object::new(
        &doc,
        "api.jsonCRLRequest",
        &["certificate", "serialNumber", "issuingKey", "expireTime"],
    )
    .map_err(|e| Failure::bad_request(e.to_string()))?;
    let bad = |e: cfssl_json::DecodeError| Failure::bad_request(e.to_string());
    let certificate = fields
        .string("certificate")
        .map_err(bad)?
        .unwrap_or_default();
    let serials = fields
        .string_array("serialNumber")
        .map_err(bad)?
        .unwrap_or_default();
    let key_pem = fields
        .string("issuingKey")
        .map_err(bad)?
        .unwrap_or_default();
    let expire = fields
        .string("expireTime")
        .map_err(bad)?
        .unwrap_or_default();
    let ca = ParsedCertificate::from_pem(certificate.as_bytes())
        .map_err(|e| Failure::from_ca(&CaError::Sign(e)))?;
    let key = cfssl_keys::PrivateKey::from_pem(key_pem.as_bytes())
        .map_err(|e| Failure::from_ca(&CaError::Key(e)))?;
    let seconds = if expire.is_empty() {
        0
    } else {
        cfssl_signer::crl::parse_go_int32(&expire).map_err(Failure::bad_request)?
    };
    let input = GenCrl {
        serials: serials.join("\n"),
        ca,
        key: Box::new(key),
        lifetime: (seconds != 0).then(|| time::Duration::seconds(seconds)),
    };
    let der = cfssl_ca::gencrl(&input, now())?;
    Ok(Success::new(string(
        base64::engine::general_purpose::STANDARD.encode(der),
    )))
}

fn revoke(state: &State, input: &Input) -> Result<Success, Failure> {
    let Some(db) = &state.db else {
        return Err(Failure::internal(
            "cert db not configured (missing -db-config)",
        ));
    };
    let unparsable = || Failure::bad_request("Unable to parse revocation request");
    let doc = cfssl_json::parse(&input.body).map_err(|_| unparsable())?;
    let fields = Object::new(
        &doc,
        "api.JSONRevokeRequest",
        &["serial", "authority_key_id", "reason"],
    )
    .map_err(|_| unparsable())?;
    let text = |name: &str| {
        fields
            .string(name)
            .map(Option::unwrap_or_default)
            .map_err(|_| unparsable())
    };
    let (serial, aki, reason) = (text("serial")?, text("authority_key_id")?, text("reason")?);
    if serial.is_empty() {
        return Err(Failure::bad_request(
            "serial number is required but not provided",
        ));
    }
    let reason = if reason.is_empty() {
        0
    } else {
        cfssl_ocsp::reason_from_cfssl(&reason)
            .map_err(|_| Failure::bad_request("Invalid reason code"))?
    };
    let mut db = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    cfssl_ca::revocation::revoke(&mut db, &serial, &aki, reason)?;
    Ok(Success::new(Value::Object(Vec::new())))
}

fn ocspsign(state: &State, input: &Input) -> Result<Success, Failure> {
    let Some(signer) = &state.ocsp_signer else {
        return Err(Failure::internal("no OCSP signer is configured"));
    };
    let unparsable = || Failure::bad_request("Unable to parse sign request");
    let doc = cfssl_json::parse(&input.body).map_err(|_| unparsable())?;
    let fields = Object::new(
        &doc,
        "api.jsonSignRequest",
        &[
            "certificate",
            "status",
            "reason",
            "revoked_at",
            "issuer_hash",
        ],
    )
    .map_err(|_| unparsable())?;
    let text = |name: &str| {
        fields
            .string(name)
            .map(Option::unwrap_or_default)
            .map_err(|_| unparsable())
    };
    let certificate = text("certificate")?;
    let status = text("status")?;
    let revoked_at = text("revoked_at")?;
    let issuer_hash = text("issuer_hash")?;
    let reason = fields
        .integer("reason", "int", i64::from(i32::MIN), i64::from(i32::MAX))
        .map_err(|_| unparsable())?
        .unwrap_or(0);
    let cert = ParsedCertificate::from_pem(certificate.as_bytes())
        .map_err(|_| Failure::bad_request("Malformed certificate"))?;
    let now = now();
    let revoked_at = match revoked_at.as_str() {
        "" | "now" => now,
        text => time::Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| Failure::bad_request("Malformed revocation time"))?,
    };
    let hash = match issuer_hash.as_str() {
        "" | "SHA1" => CertIdHash::Sha1,
        "SHA256" => CertIdHash::Sha256,
        "SHA384" => CertIdHash::Sha384,
        "SHA512" => CertIdHash::Sha512,
        "MD5" => return Err(Failure::internal("unsupported issuer hash algorithm")),
        _ => {
            return Err(Failure::bad_request(
                "Unsupported hash algorithm in request",
            ));
        }
    };
    let status = if status.is_empty() {
        "good"
    } else {
        status.as_str()
    };
    let status =
        CertificateStatus::from_cfssl(status, revoked_at, i32::try_from(reason).unwrap_or(0))
            .map_err(|e| Failure::from_ca(&CaError::Ocsp(e)))?;
    let mut request = OcspSignRequest::new(&cert, status);
    request.issuer_hash = hash;
    let der = signer
        .sign(&request, now)
        .map_err(|e| Failure::from_ca(&CaError::Ocsp(e)))?;
    Ok(Success::new(object(vec![(
        "ocspResponse",
        string(base64::engine::general_purpose::STANDARD.encode(der)),
    )])))
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_like_go() {
        assert_eq!(query_value("expiry=1h", "expiry").as_deref(), Some("1h"));
        assert_eq!(
            query_value("a=b&expiry=2%6D", "expiry").as_deref(),
            Some("2m")
        );
        assert_eq!(query_value("a=b", "expiry"), None);
    }

    /// A request that does not decode is the client's error (400, code 400), as in cfssl
    /// (fuzz/regressions/serve_handler/newkey-json-string.bin).
    #[test]
    fn undecodable_requests_are_bad_requests() {
        let refused = certificate_request(&Value::String("x".into())).err();
        assert_eq!(
            refused.as_ref().map(|f| (f.status, f.code)),
            Some((400, 400))
        );
        assert!(refused.is_some_and(|f| f.message.contains("cannot unmarshal string")));
    }

    #[test]
    fn sums_are_upper_hex() {
        let v = sums(b"");
        let text = v.to_compact();
        assert!(text.contains("\"md5\":\"D41D8CD98F00B204E9800998ECF8427E\""));
    }
}
