//! The `bundle` endpoint and the `bundle: true` of `sign`/`newcert` (docs/cfssl-lifecycle.md
//! §7.3, §11): the chain search is `cfssl_ca::bundle`'s, the same as the `bundle` command's.
//! What is here: reading the request, and Go's `VerifyHostname` for a `domain`/`ip` given
//! with a certificate.

use std::net::IpAddr;

use cfssl_ca::CaError;
use cfssl_ca::bundle::{Bundle, BundleRequest, Bundler, Flavor};
use cfssl_json::{Object, Value};

use super::reply::{Failure, Success};
use super::{Input, State};

/// cfssl's code for a certificate that does not verify (`CertificateError` + `VerifyFailed`).
const VERIFY_FAILED: i64 = 1200;

/// `POST /bundle`: `{"certificate", "private_key", "flavor", "domain", "ip"}`.
pub(crate) fn bundle(state: &State, input: &Input) -> Result<Success, Failure> {
    let Some(bundler) = &state.bundler else {
        return Err(Failure::internal("no bundler is configured"));
    };
    let doc = cfssl_json::parse(&input.body).map_err(|e| Failure::bad_request(e.to_string()))?;
    let fields = Object::new(
        &doc,
        "*",
        &["certificate", "private_key", "flavor", "domain", "ip"],
    )
    .map_err(|e| Failure::bad_request(e.to_string()))?;
    let text = |name: &str| {
        fields
            .string(name)
            .map(Option::unwrap_or_default)
            .map_err(|e| Failure::bad_request(e.to_string()))
    };
    let (certificate, key, flavor, domain, ip) = (
        text("certificate")?,
        text("private_key")?,
        text("flavor")?,
        text("domain")?,
        text("ip")?,
    );
    if certificate.is_empty() {
        if !domain.is_empty() || !ip.is_empty() {
            return Err(Failure::bad_request(
                "bundling a server's chain by domain or ip is not implemented by cfssl-rs (the \
                 server would connect to a host of the client's choosing); send the \
                 certificate instead (docs/differences.md #36)",
            ));
        }
        return Err(Failure::bad_request("no valid parameter sets found"));
    }
    let flavor: Flavor = if flavor.is_empty() {
        Flavor::Ubiquitous
    } else {
        flavor.parse().map_err(Failure::bad_request)?
    };
    let request = BundleRequest {
        chain: certificate.as_bytes(),
        key: (!key.is_empty()).then_some(key.as_bytes()),
        password: "",
        flavor,
    };
    let mut notes = Vec::new();
    let made = cfssl_ca::bundle::bundle(bundler, &request, now(), &mut notes)?;
    super::handlers::pass_notes(state, notes);
    for host in [&domain, &ip] {
        if !host.is_empty() {
            verify_hostname(&made, host)?;
        }
    }
    Ok(Success::new(made.to_json_value()))
}

/// The bundle of a certificate just issued, for `sign`/`newcert` with `bundle: true`
/// (cfssl bundles it with the optimal flavor).
pub(crate) fn bundle_issued(state: &State, bundler: &Bundler, pem: &str) -> Result<Value, Failure> {
    let request = BundleRequest {
        chain: pem.as_bytes(),
        key: None,
        password: "",
        flavor: Flavor::Optimal,
    };
    let mut notes = Vec::new();
    let made = cfssl_ca::bundle::bundle(bundler, &request, now(), &mut notes)?;
    super::handlers::pass_notes(state, notes);
    Ok(made.to_json_value())
}

/// Go's `x509.Certificate.VerifyHostname` on the bundle's leaf: an IP against the IP SANs,
/// a name against the DNS SANs (`*.` matches one label), with Go's error texts.
fn verify_hostname(bundle: &Bundle, host: &str) -> Result<(), Failure> {
    let leaf = &bundle.leaf.parsed;
    let fail = |message: String| Failure {
        status: 400,
        code: VERIFY_FAILED,
        message,
    };
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        let ips = &leaf.sans.ip_addresses;
        if ips.contains(&ip) {
            return Ok(());
        }
        if ips.is_empty() {
            return Err(fail(format!(
                "x509: cannot validate certificate for {host} because it doesn't contain any IP SANs"
            )));
        }
        let valid: Vec<String> = ips.iter().map(ToString::to_string).collect();
        return Err(fail(format!(
            "x509: certificate is valid for {}, not {host}",
            valid.join(", ")
        )));
    }
    let wanted = host.trim_end_matches('.').to_ascii_lowercase();
    let names = &leaf.sans.dns_names;
    if names.iter().any(|name| matches_name(name, &wanted)) {
        return Ok(());
    }
    if names.is_empty() {
        return Err(fail(format!(
            "x509: certificate is not valid for any names, but wanted to match {host}"
        )));
    }
    Err(fail(format!(
        "x509: certificate is valid for {}, not {host}",
        names.join(", ")
    )))
}

/// One SAN against a lower-case host name; a leading `*.` stands for exactly one label.
fn matches_name(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(rest) => host
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
        None => pattern == host,
    }
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

impl From<cfssl_ca::bundle::BundleError> for Failure {
    fn from(error: cfssl_ca::bundle::BundleError) -> Self {
        Failure::from_ca(&CaError::Bundle(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_like_go() {
        assert!(matches_name("www.example.com", "www.example.com"));
        assert!(matches_name("WWW.Example.com", "www.example.com"));
        assert!(matches_name("*.example.com", "a.example.com"));
        assert!(!matches_name("*.example.com", "a.b.example.com"));
        assert!(!matches_name("*.example.com", "example.com"));
        assert!(!matches_name("other.example.com", "www.example.com"));
    }
}
