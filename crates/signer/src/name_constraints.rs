//! NameConstraints (RFC 5280 §4.2.1.10, a cfssl-rs extension: README "Name constraints
//! (extension)"): encoding the profile's `name_constraints` into a CA certificate, and
//! refusing to sign names outside the issuing CA's own constraints.
//!
//! ```text
//! NameConstraints ::= SEQUENCE {
//!      permittedSubtrees       [0]     GeneralSubtrees OPTIONAL,
//!      excludedSubtrees        [1]     GeneralSubtrees OPTIONAL }
//! GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
//! GeneralSubtree ::= SEQUENCE {
//!      base                    GeneralName,
//!      minimum         [0]     BaseDistance DEFAULT 0,
//!      maximum         [1]     BaseDistance OPTIONAL }
//! ```
//!
//! The check runs in the signer, not only in verifiers: a CA that issues outside its
//! constraints produces certificates every conforming verifier rejects, so refusing up
//! front, naming the name, is kinder than issuing them. The issuing CA's extension is
//! checked, and those of the certificates above it when the caller gives them
//! ([`crate::LocalSigner::with_chain`]); a constraint type we cannot evaluate makes signing
//! fail rather than pass unchecked. A subordinate CA's own constraints are held to its
//! issuers' ([`IssuerConstraints::check_subordinate`]).

use std::net::IpAddr;

use cfssl_config::{NameConstraints, NameSubtrees};
use cfssl_csr::SubjectName;
use cfssl_csr::hosts::SubjectAltNames;
use cfssl_csr::subject::{AttributeValue, oids as subject_oids};
use der::Decode;
use x509_cert::ext::pkix::constraints::name::{GeneralSubtrees, NameConstraints as DerNc};
use x509_cert::ext::pkix::name::GeneralName;

use crate::SignError;
use crate::der_writer as w;

/// The extension value: subtrees in the order dNSName, iPAddress, rfc822Name, URI (as Go's
/// `crypto/x509` writes them); minimum 0 and an absent maximum are DER defaults, omitted.
pub fn encode(nc: &NameConstraints) -> Vec<u8> {
    let mut parts = Vec::new();
    for (n, subtrees) in [(0u8, &nc.permitted), (1, &nc.excluded)] {
        if subtrees.is_empty() {
            continue;
        }
        let mut items = Vec::new();
        for d in &subtrees.dns_domains {
            items.push(w::context_primitive(2, d.as_bytes()));
        }
        for r in &subtrees.ip_ranges {
            let mut bytes = r.address_bytes();
            bytes.extend(r.mask_bytes());
            items.push(w::context_primitive(7, &bytes));
        }
        for e in &subtrees.email_addresses {
            items.push(w::context_primitive(1, e.as_bytes()));
        }
        for u in &subtrees.uri_domains {
            items.push(w::context_primitive(6, u.as_bytes()));
        }
        let subtree_ders: Vec<Vec<u8>> = items.iter().map(|g| w::sequence(&[g])).collect();
        let mut content = Vec::new();
        for s in &subtree_ders {
            content.extend_from_slice(s);
        }
        parts.push(w::context_constructed(n, &content));
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    w::sequence(&refs)
}

/// One subtree base of a type we check.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Base {
    Dns(String),
    Ip { address: Vec<u8>, mask: Vec<u8> },
    Email(String),
    Uri(String),
}

impl std::fmt::Display for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Base::Dns(s) | Base::Email(s) | Base::Uri(s) => f.write_str(s),
            Base::Ip { address, mask } => {
                let ip =
                    ip_from(address).map_or_else(|| format!("{address:02x?}"), |a| a.to_string());
                match prefix_len(mask) {
                    Some(n) => write!(f, "{ip}/{n}"),
                    None => {
                        let m =
                            ip_from(mask).map_or_else(|| format!("{mask:02x?}"), |a| a.to_string());
                        write!(f, "{ip}/{m}")
                    }
                }
            }
        }
    }
}

impl Base {
    /// The name type, as messages say it.
    fn kind(&self) -> &'static str {
        match self {
            Base::Dns(_) => "DNS domain",
            Base::Ip { .. } => "IP range",
            Base::Email(_) => "email address",
            Base::Uri(_) => "URI domain",
        }
    }
}

/// A label no constraint base can hold (a NUL), so that a name made with it stands for
/// "any other subdomain" when asking whether a whole subtree lies within another.
const ANY_LABEL: &str = "\u{0}";

/// `None` when the bases are of different types; else whether every name `inner` allows
/// is also allowed by `outer`.
fn base_within(inner: &Base, outer: &Base) -> Option<bool> {
    match (inner, outer) {
        (Base::Dns(i), Base::Dns(o)) => Some(match i.strip_prefix('.') {
            // Only the subdomains of `rest`.
            Some(rest) => dns_within(&format!("{ANY_LABEL}.{rest}"), o),
            // `i` itself and every subdomain.
            None if i.is_empty() => o.is_empty(),
            None => dns_within(i, o) && dns_within(&format!("{ANY_LABEL}.{i}"), o),
        }),
        (
            Base::Ip {
                address: ia,
                mask: im,
            },
            Base::Ip {
                address: oa,
                mask: om,
            },
        ) => Some(
            ia.len() == oa.len()
                && im.len() == om.len()
                && im.iter().zip(om).all(|(i, o)| i & o == *o)
                && ia
                    .iter()
                    .zip(oa.iter().zip(om))
                    .all(|(i, (o, m))| i & m == o & m),
        ),
        (Base::Email(i), Base::Email(o)) => Some(if i.contains('@') {
            email_within(i, o)
        } else {
            // A host or a `.domain` of mailboxes: every local part at it.
            !o.contains('@') && host_subtree_within(i, o)
        }),
        (Base::Uri(i), Base::Uri(o)) => Some(host_subtree_within(i, o)),
        _ => None,
    }
}

/// A host base (`host`, or `.domain` for its subdomains) within another.
fn host_subtree_within(inner: &str, outer: &str) -> bool {
    match inner.strip_prefix('.') {
        Some(rest) => host_within(&format!("{ANY_LABEL}.{rest}"), outer),
        None => host_within(inner, outer),
    }
}

fn ip_from(bytes: &[u8]) -> Option<IpAddr> {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        Some(IpAddr::from(v4))
    } else {
        <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from)
    }
}

/// The prefix length of a contiguous mask.
fn prefix_len(mask: &[u8]) -> Option<u32> {
    let ones: u32 = mask.iter().map(|b| b.count_ones()).sum();
    let contiguous = mask.iter().enumerate().all(|(i, &b)| {
        let bits = (ones as usize).saturating_sub(i * 8).min(8);
        u16::from(b) == (0xff00u16 >> bits) & 0xff
    });
    contiguous.then_some(ones)
}

/// The issuing CA's NameConstraints, as far as the signer checks them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IssuerConstraints {
    permitted: Vec<Base>,
    excluded: Vec<Base>,
}

impl IssuerConstraints {
    /// Parses a NameConstraints extension value. A base of a type other than dNSName,
    /// iPAddress, rfc822Name and URI (a directoryName, an otherName…) is an error: the
    /// signer would otherwise issue names it never checked.
    pub fn from_der(value: &[u8]) -> Result<Self, SignError> {
        let nc = DerNc::from_der(value).map_err(|e| {
            SignError::NameConstraint(format!(
                "the CA certificate's name constraints do not parse: {e}"
            ))
        })?;
        Ok(IssuerConstraints {
            permitted: bases(nc.permitted_subtrees.as_ref(), "permitted")?,
            excluded: bases(nc.excluded_subtrees.as_ref(), "excluded")?,
        })
    }

    /// What a profile's `name_constraints` put into a certificate (for tests and callers
    /// that hold the configuration rather than the certificate).
    pub fn from_config(nc: &NameConstraints) -> Self {
        let list = |s: &NameSubtrees| {
            let mut out: Vec<Base> = s.dns_domains.iter().cloned().map(Base::Dns).collect();
            out.extend(s.ip_ranges.iter().map(|r| Base::Ip {
                address: r.address_bytes(),
                mask: r.mask_bytes(),
            }));
            out.extend(s.email_addresses.iter().cloned().map(Base::Email));
            out.extend(s.uri_domains.iter().cloned().map(Base::Uri));
            out
        };
        IssuerConstraints {
            permitted: list(&nc.permitted),
            excluded: list(&nc.excluded),
        }
    }

    /// Refuses the first name of the certificate to be (SANs, then the subject's CN when it
    /// looks like a host name, and its emailAddress attributes) that the constraints do
    /// not allow. Excluded wins; a type with permitted entries must match one of them.
    pub fn check(&self, sans: &SubjectAltNames, subject: &SubjectName) -> Result<(), SignError> {
        for d in &sans.dns_names {
            self.check_name(&Name::Dns(d))?;
        }
        for ip in &sans.ip_addresses {
            self.check_name(&Name::Ip(*ip))?;
        }
        for e in &sans.email_addresses {
            self.check_name(&Name::Email(e))?;
        }
        for u in &sans.uris {
            self.check_name(&Name::Uri(u))?;
        }
        if looks_like_host(&subject.common_name) {
            self.check_name(&Name::Dns(&subject.common_name))?;
        }
        for extra in &subject.extra_names {
            if extra.oid == subject_oids::EMAIL_ADDRESS
                && let AttributeValue::Text(e) = &extra.value
            {
                self.check_name(&Name::Email(e))?;
            }
        }
        Ok(())
    }

    /// Whether there is anything to check.
    pub fn is_empty(&self) -> bool {
        self.permitted.is_empty() && self.excluded.is_empty()
    }

    /// Refuses a subordinate CA whose own `name_constraints` ask for more than this CA may
    /// give (RFC 5280 §4.2.1.10): each permitted subtree must lie within one of this CA's
    /// permitted subtrees of its type and not wholly inside an excluded one, and each type
    /// this CA permits must be permitted by the subordinate too (leaving a type out asks
    /// for every name of it). Verifiers would intersect the constraints anyway; refusing
    /// keeps a sub-CA's certificate from claiming a space its issuer cannot delegate.
    pub fn check_subordinate(&self, child: &NameConstraints) -> Result<(), SignError> {
        let asked = IssuerConstraints::from_config(child);
        for base in &asked.permitted {
            if let Some(hit) = self
                .excluded
                .iter()
                .find(|e| base_within(base, e) == Some(true))
            {
                return Err(SignError::NameConstraint(format!(
                    "x509: the subordinate CA's permitted {} {base} lies inside the issuer's \
                     excluded {hit}",
                    base.kind()
                )));
            }
            let same_type: Vec<&Base> = self
                .permitted
                .iter()
                .filter(|p| base_within(base, p).is_some())
                .collect();
            if !same_type.is_empty()
                && !same_type.iter().any(|p| base_within(base, p) == Some(true))
            {
                let list: Vec<String> = same_type.iter().map(ToString::to_string).collect();
                return Err(SignError::NameConstraint(format!(
                    "x509: the subordinate CA asks for permitted {} {base}, wider than the \
                     issuer's name constraints allow (permitted: {})",
                    base.kind(),
                    list.join(", ")
                )));
            }
        }
        for kind in ["DNS domain", "IP range", "email address", "URI domain"] {
            let issuer_has = self.permitted.iter().any(|p| p.kind() == kind);
            let child_has = asked.permitted.iter().any(|p| p.kind() == kind);
            if issuer_has && !child_has {
                let list: Vec<String> = self
                    .permitted
                    .iter()
                    .filter(|p| p.kind() == kind)
                    .map(ToString::to_string)
                    .collect();
                return Err(SignError::NameConstraint(format!(
                    "x509: the subordinate CA's name constraints permit every {kind}, wider than \
                     the issuer's (permitted: {}); list them under permitted",
                    list.join(", ")
                )));
            }
        }
        Ok(())
    }

    fn check_name(&self, name: &Name<'_>) -> Result<(), SignError> {
        if let Some(hit) = self.excluded.iter().find(|b| name.matches(b) == Some(true)) {
            return Err(SignError::NameConstraint(format!(
                "x509: the {} is excluded by the CA's name constraints (excluded: {hit})",
                name.describe()
            )));
        }
        let same_type: Vec<&Base> = self
            .permitted
            .iter()
            .filter(|b| name.matches(b).is_some())
            .collect();
        if !same_type.is_empty() && !same_type.iter().any(|b| name.matches(b) == Some(true)) {
            let list: Vec<String> = same_type.iter().map(ToString::to_string).collect();
            return Err(SignError::NameConstraint(format!(
                "x509: the {} is not permitted by the CA's name constraints (permitted: {})",
                name.describe(),
                list.join(", ")
            )));
        }
        Ok(())
    }
}

fn bases(subtrees: Option<&GeneralSubtrees>, which: &str) -> Result<Vec<Base>, SignError> {
    let mut out = Vec::new();
    for subtree in subtrees.into_iter().flatten() {
        if subtree.minimum != 0 || subtree.maximum.is_some() {
            return Err(SignError::NameConstraint(format!(
                "the CA certificate's {which} name constraints use minimum/maximum, which RFC 5280 \
                 forbids; refusing to sign under them"
            )));
        }
        out.push(match &subtree.base {
            GeneralName::DnsName(s) => Base::Dns(s.as_str().to_owned()),
            GeneralName::Rfc822Name(s) => Base::Email(s.as_str().to_owned()),
            GeneralName::UniformResourceIdentifier(s) => Base::Uri(s.as_str().to_owned()),
            GeneralName::IpAddress(o) => {
                let bytes = o.as_bytes();
                if bytes.len() != 8 && bytes.len() != 32 {
                    return Err(SignError::NameConstraint(format!(
                        "the CA certificate's {which} name constraints hold an iPAddress of {} \
                         bytes (8 or 32 expected)",
                        bytes.len()
                    )));
                }
                let (address, mask) = bytes.split_at(bytes.len() / 2);
                Base::Ip {
                    address: address.to_vec(),
                    mask: mask.to_vec(),
                }
            }
            _ => {
                return Err(SignError::NameConstraint(format!(
                    "the CA certificate's {which} name constraints hold a name type cfssl-rs does \
                     not check (only DNS, IP, email and URI); refusing to sign under them"
                )));
            }
        });
    }
    Ok(out)
}

/// A name of the new certificate.
enum Name<'a> {
    Dns(&'a str),
    Ip(IpAddr),
    Email(&'a str),
    Uri(&'a str),
}

impl Name<'_> {
    fn describe(&self) -> String {
        match self {
            Name::Dns(d) => format!("DNS name {d:?}"),
            Name::Ip(ip) => format!("IP address {:?}", ip.to_string()),
            Name::Email(e) => format!("email address {e:?}"),
            Name::Uri(u) => format!("URI {u:?}"),
        }
    }

    /// `None` when the base is of another type; else whether it lies within it.
    fn matches(&self, base: &Base) -> Option<bool> {
        match (self, base) {
            (Name::Dns(d), Base::Dns(c)) => Some(dns_within(d, c)),
            (Name::Ip(ip), Base::Ip { address, mask }) => {
                let bytes = match ip {
                    IpAddr::V4(a) => a.octets().to_vec(),
                    IpAddr::V6(a) => a.octets().to_vec(),
                };
                // A base of the other family is still an iPAddress constraint, never a match.
                Some(
                    bytes.len() == address.len()
                        && bytes
                            .iter()
                            .zip(address.iter().zip(mask))
                            .all(|(b, (a, m))| b & m == a & m),
                )
            }
            (Name::Email(e), Base::Email(c)) => Some(email_within(e, c)),
            (Name::Uri(u), Base::Uri(c)) => Some(uri_host(u).is_some_and(|h| host_within(h, c))),
            _ => None,
        }
    }
}

/// dNSName: `example.test` covers itself and every subdomain; `.example.test` only
/// subdomains (a common reading, Go's and OpenSSL's); an empty base covers everything.
fn dns_within(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    if let Some(rest) = base.strip_prefix('.') {
        return name.len() > rest.len() && name.ends_with(&base);
    }
    name == base || name.ends_with(&format!(".{base}"))
}

/// A host under a URI or rfc822Name constraint: a host base is that host only, `.domain`
/// is any subdomain (RFC 5280 §4.2.1.10).
fn host_within(host: &str, base: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    if base.starts_with('.') {
        host.ends_with(&base) && host.len() > base.len()
    } else {
        host == base
    }
}

/// rfc822Name: a base with `@` is one mailbox (host compared without case), else a host
/// or `.domain`.
fn email_within(email: &str, base: &str) -> bool {
    let Some((local, host)) = email.rsplit_once('@') else {
        return false;
    };
    match base.rsplit_once('@') {
        Some((base_local, base_host)) => {
            local == base_local && host.eq_ignore_ascii_case(base_host)
        }
        None => host_within(host, base),
    }
}

/// The host of `scheme://[userinfo@]host[:port][/…]`; `None` without an authority.
fn uri_host(uri: &str) -> Option<&str> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// A CN checked as a host name: dotted LDH labels, not an IP address (what OpenSSL treats
/// as a host when it checks the CN against name constraints).
fn looks_like_host(cn: &str) -> bool {
    cn.contains('.')
        && cn.parse::<IpAddr>().is_err()
        && cn.trim_end_matches('.').split('.').all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    fn config(json: &str) -> NameConstraints {
        let cfg = format!(
            r#"{{"signing":{{"default":{{"expiry":"1h","usages":["cert sign"],"ca_constraint":{{"is_ca":true}},"name_constraints":{json}}}}}}}"#
        );
        cfssl_config::Config::from_json(cfg.as_bytes())
            .expect("config")
            .signing
            .default
            .name_constraints
            .expect("name_constraints")
    }

    fn sans(dns: &[&str], ips: &[&str], emails: &[&str], uris: &[&str]) -> SubjectAltNames {
        SubjectAltNames {
            dns_names: dns.iter().map(|s| s.to_string()).collect(),
            ip_addresses: ips.iter().map(|s| s.parse().expect("ip")).collect(),
            email_addresses: emails.iter().map(|s| s.to_string()).collect(),
            uris: uris.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn sample() -> NameConstraints {
        config(
            r#"{"critical":true,"permitted":{"dns_domains":["example.test"],"ip_ranges":["10.0.0.0/8"],"email_addresses":[".example.test","boss@other.test"],"uri_domains":[".example.test"]},"excluded":{"dns_domains":["bad.example.test"],"ip_ranges":["10.9.0.0/16"]}}"#,
        )
    }

    #[test]
    fn encodes_and_parses_back() {
        let nc = config(
            r#"{"critical":true,"permitted":{"dns_domains":["a.test"],"ip_ranges":["10.0.0.0/8"]},"excluded":{"dns_domains":["b.a.test"]}}"#,
        );
        let der = encode(&nc);
        // [0] { {[2]"a.test"} {[7]0a000000ff000000} } [1] { {[2]"b.a.test"} }
        assert_eq!(
            hex(&der),
            concat!(
                "3026",
                "a016",
                "3008820661",
                "2e74657374",
                "300a87080a000000ff000000",
                "a10c300a8208622e612e74657374"
            )
        );
        let parsed = IssuerConstraints::from_der(&der).expect("parse");
        assert_eq!(parsed, IssuerConstraints::from_config(&nc));
    }

    #[test]
    fn matching_rules() {
        let c = IssuerConstraints::from_config(&sample());
        let none = SubjectName::default();
        let ok = |s: SubjectAltNames| c.check(&s, &none).is_ok();
        let msg = |s: SubjectAltNames| c.check(&s, &none).expect_err("refused").to_string();
        assert!(ok(sans(
            &["example.test", "www.example.test", "A.Example.Test"],
            &[],
            &[],
            &[]
        )));
        assert_eq!(
            msg(sans(&["www.example.test", "evil.example"], &[], &[], &[])),
            r#"x509: the DNS name "evil.example" is not permitted by the CA's name constraints (permitted: example.test)"#
        );
        assert_eq!(
            msg(sans(&["x.bad.example.test"], &[], &[], &[])),
            r#"x509: the DNS name "x.bad.example.test" is excluded by the CA's name constraints (excluded: bad.example.test)"#
        );
        assert!(!ok(sans(&["notexample.test"], &[], &[], &[])));
        assert!(ok(sans(&[], &["10.1.2.3"], &[], &[])));
        assert_eq!(
            msg(sans(&[], &["192.168.0.1"], &[], &[])),
            r#"x509: the IP address "192.168.0.1" is not permitted by the CA's name constraints (permitted: 10.0.0.0/8)"#
        );
        assert!(msg(sans(&[], &["10.9.1.1"], &[], &[])).contains("excluded: 10.9.0.0/16"));
        // An IPv6 address matches no IPv4 range.
        assert!(!ok(sans(&[], &["::ffff:10.0.0.1"], &[], &[])));
        assert!(ok(sans(
            &[],
            &[],
            &["a@mail.example.test", "boss@OTHER.test"],
            &[]
        )));
        assert!(!ok(sans(&[], &[], &["a@example.test"], &[])));
        assert!(!ok(sans(&[], &[], &["other@other.test"], &[])));
        assert!(ok(sans(
            &[],
            &[],
            &[],
            &["https://www.example.test:8443/x"]
        )));
        assert!(!ok(sans(&[], &[], &[], &["https://example.test/"])));
        assert!(!ok(sans(&[], &[], &[], &["urn:example:test"])));
    }

    #[test]
    fn subject_names_are_checked() {
        let c = IssuerConstraints::from_config(&sample());
        let cn = |cn: &str| SubjectName {
            common_name: cn.into(),
            ..Default::default()
        };
        let empty = SubjectAltNames::default();
        assert!(c.check(&empty, &cn("Example Intermediate CA")).is_ok());
        assert!(c.check(&empty, &cn("www.example.test")).is_ok());
        assert!(c.check(&empty, &cn("10.1.2.3")).is_ok());
        assert_eq!(
            c.check(&empty, &cn("www.other.test"))
                .expect_err("refused")
                .to_string(),
            r#"x509: the DNS name "www.other.test" is not permitted by the CA's name constraints (permitted: example.test)"#
        );
    }

    #[test]
    fn subordinate_constraints_must_be_narrower() {
        let issuer = IssuerConstraints::from_config(&sample());
        let child = |json: &str| issuer.check_subordinate(&config(json));
        assert!(
            child(r#"{"critical":true,"permitted":{"dns_domains":["a.example.test"],"ip_ranges":["10.1.0.0/16"],"email_addresses":[".a.example.test"],"uri_domains":[".a.example.test"]}}"#)
                .is_ok()
        );
        // `.example.test` is the issuer's own subtree for URIs and mailboxes.
        assert!(
            child(r#"{"critical":true,"permitted":{"dns_domains":[".example.test"],"ip_ranges":["10.0.0.0/8"],"email_addresses":["boss@other.test"],"uri_domains":[".example.test"]}}"#)
                .is_ok()
        );
        let err = |json: &str| child(json).expect_err("refused").to_string();
        assert_eq!(
            err(
                r#"{"critical":true,"permitted":{"dns_domains":["example.com"],"ip_ranges":["10.0.0.0/8"],"email_addresses":[".example.test"],"uri_domains":[".example.test"]}}"#
            ),
            "x509: the subordinate CA asks for permitted DNS domain example.com, wider than the issuer's name constraints allow (permitted: example.test)"
        );
        assert!(
            err(r#"{"critical":true,"permitted":{"dns_domains":["example.test"],"ip_ranges":["0.0.0.0/0"],"email_addresses":[".example.test"],"uri_domains":[".example.test"]}}"#)
                .contains("permitted IP range 0.0.0.0/0, wider")
        );
        assert!(
            err(r#"{"critical":true,"permitted":{"dns_domains":["x.bad.example.test"],"ip_ranges":["10.0.0.0/8"],"email_addresses":[".example.test"],"uri_domains":[".example.test"]}}"#)
                .contains("lies inside the issuer's excluded bad.example.test")
        );
        assert_eq!(
            err(
                r#"{"critical":true,"permitted":{"dns_domains":["example.test"],"email_addresses":[".example.test"],"uri_domains":[".example.test"]}}"#
            ),
            "x509: the subordinate CA's name constraints permit every IP range, wider than the issuer's (permitted: 10.0.0.0/8); list them under permitted"
        );
        // A whole-domain mailbox base is wider than one mailbox.
        assert!(
            err(r#"{"critical":true,"permitted":{"dns_domains":["example.test"],"ip_ranges":["10.0.0.0/8"],"email_addresses":["other.test"],"uri_domains":[".example.test"]}}"#)
                .contains("permitted email address other.test")
        );
    }

    #[test]
    fn subtree_containment() {
        let dns = |s: &str| Base::Dns(s.into());
        assert_eq!(
            base_within(&dns("a.example.test"), &dns("example.test")),
            Some(true)
        );
        assert_eq!(
            base_within(&dns(".example.test"), &dns("example.test")),
            Some(true)
        );
        assert_eq!(
            base_within(&dns(".example.test"), &dns(".example.test")),
            Some(true)
        );
        assert_eq!(
            base_within(&dns("example.test"), &dns(".example.test")),
            Some(false)
        );
        assert_eq!(
            base_within(&dns("example.test"), &dns("a.example.test")),
            Some(false)
        );
        assert_eq!(base_within(&dns("example.test"), &dns("")), Some(true));
        assert_eq!(base_within(&dns(""), &dns("example.test")), Some(false));
        let ip = |a: [u8; 4], m: [u8; 4]| Base::Ip {
            address: a.to_vec(),
            mask: m.to_vec(),
        };
        assert_eq!(
            base_within(
                &ip([10, 1, 0, 0], [255, 255, 0, 0]),
                &ip([10, 0, 0, 0], [255, 0, 0, 0])
            ),
            Some(true)
        );
        assert_eq!(
            base_within(
                &ip([10, 0, 0, 0], [255, 0, 0, 0]),
                &ip([10, 1, 0, 0], [255, 255, 0, 0])
            ),
            Some(false)
        );
        assert_eq!(
            base_within(&dns("a.test"), &ip([10, 0, 0, 0], [255, 0, 0, 0])),
            None
        );
    }

    #[test]
    fn dot_prefix_means_subdomains_only() {
        assert!(dns_within("a.example.test", ".example.test"));
        assert!(!dns_within("example.test", ".example.test"));
        assert!(dns_within("example.test", "example.test"));
        assert!(dns_within("anything", ""));
        assert!(!dns_within("xexample.test", "example.test"));
        assert_eq!(prefix_len(&[255, 255, 0, 0]), Some(16));
        assert_eq!(prefix_len(&[255, 0, 255, 0]), None);
        assert_eq!(prefix_len(&[255, 240, 0, 0]), Some(12));
    }
}
