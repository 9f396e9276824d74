//! `hosts` → subjectAltName, classified exactly as cfssl does (docs/cfssl-compat.md §5.7).
//!
//! cfssl tries, for each host string and in this order: Go's `net.ParseIP` (→ iPAddress),
//! `net/mail.ParseAddress` (→ rfc822Name), `net/url.ParseRequestURI` (→ URI) and otherwise
//! keeps the string verbatim as a dNSName. The URI rule surprises people: `host:8080` and
//! `example.com:443` parse as URIs with scheme `host` / `example.com`, so they become URI SANs.
//!
//! The extension lists all dNSNames, then rfc822Names, then iPAddresses, then URIs, each group
//! in input order (Go's `x509.marshalSANs`, docs/cfssl-compat.md §5.3).
//!
//! One deliberate difference (docs/differences.md #9): a DNS name with non-ASCII characters, on
//! which cfssl panics, is converted to its IDNA A-label form (`bücher.de` →
//! `xn--bcher-kva.de`) and a warning is returned; a non-ASCII e-mail address or URI is a
//! clear error.
//!
//! Another (docs/differences.md #18): cfssl writes whatever is left over as a dNSName, so `ex ample.com`, `a..b` or
//! `*.` end up in certificates that RFC 5280 §4.2.1.6 forbids ("MUST be in the preferred
//! name syntax, as specified by RFC 1034 §3.5 and as modified by RFC 1123 §2.1") and
//! that linters such as pkilint reject. We refuse them ([`dns_name_problem`], code 1300).
//! An empty entry (`"hosts": [""]`, a common idiom for "no hosts") is dropped with a
//! warning instead of becoming an empty dNSName, which matches nothing.

use std::net::IpAddr;

use der::asn1::{Ia5String, OctetString};
use der::{Decode, Encode};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use crate::CsrError;

/// The four SAN lists cfssl (Go's `x509.Certificate`) keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubjectAltNames {
    /// dNSName entries.
    pub dns_names: Vec<String>,
    /// rfc822Name entries.
    pub email_addresses: Vec<String>,
    /// iPAddress entries.
    pub ip_addresses: Vec<IpAddr>,
    /// uniformResourceIdentifier entries, as Go's `url.String()` prints them.
    pub uris: Vec<String>,
}

/// The outcome of classifying a `hosts` list: the SANs, plus warnings for the caller to log
/// when we changed a value on purpose (IDN conversion).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Classified {
    /// The SAN lists.
    pub sans: SubjectAltNames,
    /// Human-readable notes about values we rewrote.
    pub warnings: Vec<String>,
}

impl SubjectAltNames {
    /// Classifies every host in order (module docs).
    pub fn classify<S: AsRef<str>>(hosts: &[S]) -> Result<Classified, CsrError> {
        let mut out = Classified::default();
        for host in hosts {
            let host = host.as_ref();
            if let Some(ip) = parse_go_ip(host) {
                out.sans.ip_addresses.push(ip);
            } else if looks_like_ip(host) {
                return Err(CsrError::InvalidIp(host.to_owned()));
            } else if let Some(addr) = parse_mail_address(host) {
                if !addr.is_ascii() {
                    return Err(CsrError::NonAsciiHost(host.to_owned()));
                }
                out.sans.email_addresses.push(addr);
            } else if host == "*" {
                // Go's ParseRequestURI takes a bare `*` (an OPTIONS request target) and
                // cfssl writes it as a URI SAN; it is meant as a wildcard and is neither.
                return Err(invalid_dns_name(host));
            } else if let Some(uri) = parse_request_uri(host) {
                if !uri.is_ascii() {
                    return Err(CsrError::NonAsciiHost(host.to_owned()));
                }
                out.sans.uris.push(uri);
            } else if host.is_empty() {
                // `"hosts": [""]` is how many cfssl guides spell "no hosts"; cfssl makes it
                // an empty dNSName, which identifies nothing and which linters reject.
                out.warnings.push(EMPTY_HOST_WARNING.to_owned());
            } else if host.is_ascii() {
                check_dns_name(host)?;
                out.sans.dns_names.push(host.to_owned());
            } else {
                let ascii = idna::domain_to_ascii(host)
                    .map_err(|_| CsrError::NonAsciiHost(host.to_owned()))?;
                // The A-label form must itself be a host name (`ex ample.dé` is not).
                check_dns_name(&ascii).map_err(|_| invalid_dns_name(host))?;
                out.warnings.push(format!(
                    "host {host:?} is not ASCII; using its IDNA form {ascii:?} (cfssl would panic)"
                ));
                out.sans.dns_names.push(ascii);
            }
        }
        Ok(out)
    }

    /// Refuses a dNSName that is not a host name (see [`dns_name_problem`]); for SANs that
    /// come from a CSR file rather than from `hosts`.
    pub fn check_dns_names(&self) -> Result<(), CsrError> {
        self.dns_names.iter().try_for_each(|d| check_dns_name(d))
    }

    /// True when there is no SAN at all.
    pub fn is_empty(&self) -> bool {
        self.dns_names.is_empty()
            && self.email_addresses.is_empty()
            && self.ip_addresses.is_empty()
            && self.uris.is_empty()
    }

    /// The GeneralNames in Go's order: DNS, e-mail, IP, URI.
    pub fn to_general_names(&self) -> Result<Vec<GeneralName>, CsrError> {
        let ia5 = |s: &str| Ia5String::new(s).map_err(|_| CsrError::NonAsciiHost(s.to_owned()));
        let mut names = Vec::new();
        for d in &self.dns_names {
            names.push(GeneralName::DnsName(ia5(d)?));
        }
        for e in &self.email_addresses {
            names.push(GeneralName::Rfc822Name(ia5(e)?));
        }
        for ip in &self.ip_addresses {
            names.push(GeneralName::IpAddress(OctetString::new(ip_bytes(ip))?));
        }
        for u in &self.uris {
            names.push(GeneralName::UniformResourceIdentifier(ia5(u)?));
        }
        Ok(names)
    }

    /// DER of the subjectAltName extension value (`GeneralNames`).
    pub fn to_extension_value(&self) -> Result<Vec<u8>, CsrError> {
        Ok(SubjectAltName(self.to_general_names()?).to_der()?)
    }

    /// Parses a subjectAltName extension value as Go's `parseSANExtension`: DNS, e-mail,
    /// URI and IP entries are kept, other name forms ignored; an IP of a length other than
    /// 4 or 16 is an error.
    pub fn from_extension_value(der: &[u8]) -> Result<SubjectAltNames, CsrError> {
        let san = SubjectAltName::from_der(der)?;
        let mut out = SubjectAltNames::default();
        for name in san.0 {
            match name {
                GeneralName::DnsName(s) => out.dns_names.push(s.to_string()),
                GeneralName::Rfc822Name(s) => out.email_addresses.push(s.to_string()),
                GeneralName::UniformResourceIdentifier(s) => out.uris.push(s.to_string()),
                GeneralName::IpAddress(o) => out.ip_addresses.push(ip_from_bytes(o.as_bytes())?),
                _ => {}
            }
        }
        Ok(out)
    }
}

/// The warning for an empty `hosts` entry, which we drop (module docs).
pub const EMPTY_HOST_WARNING: &str = "ignoring an empty entry in hosts: cfssl would write an \
     empty dNSName, which matches no host and which RFC 5280 §4.2.1.6 does not allow";

/// Octets in a DNS name without its trailing dot: 255 on the wire (RFC 1035 §2.3.4) less
/// the length octet of the first label and the root label.
const MAX_DNS_NAME: usize = 253;
/// Octets in one label (RFC 1035 §2.3.4).
const MAX_DNS_LABEL: usize = 63;

fn check_dns_name(name: &str) -> Result<(), CsrError> {
    match dns_name_problem(name) {
        None => Ok(()),
        Some(reason) => Err(CsrError::InvalidDnsName {
            host: name.to_owned(),
            reason,
        }),
    }
}

fn invalid_dns_name(host: &str) -> CsrError {
    match dns_name_problem(host) {
        Some(reason) => CsrError::InvalidDnsName {
            host: host.to_owned(),
            reason,
        },
        None => CsrError::NonAsciiHost(host.to_owned()),
    }
}

/// Why `name` cannot be a dNSName, or `None` when it can: RFC 1034 §3.5 preferred name
/// syntax as RFC 1123 §2.1 relaxes it (labels of letters, digits and interior hyphens, a
/// digit may come first), RFC 1035 §2.3.4 lengths (63 per label, 253 in all), and a `*`
/// only as the whole leftmost label of a name with at least one more label (RFC 6125
/// §6.4.3). Two allowances for names people really use: an underscore inside a label
/// (`kube_dns`, accepted by Go's verifier and by pkilint, which rejects it only at a
/// label's start or end, as we do) and single-label names (`kubernetes`, `worker-0`).
/// A trailing dot (absolute name) is refused: RFC 5280 names carry none.
pub fn dns_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if name.len() > MAX_DNS_NAME {
        return Some(format!(
            "it is {} octets long; a DNS name has at most {MAX_DNS_NAME} (RFC 1035 §2.3.4)",
            name.len()
        ));
    }
    let rest = match name.strip_prefix("*.") {
        Some("") => return Some("a wildcard needs a domain after \"*.\"".into()),
        Some(rest) => rest,
        None if name == "*" => return Some("a wildcard needs a domain after \"*.\"".into()),
        None => name,
    };
    for label in rest.split('.') {
        if label.is_empty() {
            return Some("it has an empty label (a leading, trailing or doubled dot)".into());
        }
        if label.len() > MAX_DNS_LABEL {
            return Some(format!(
                "label {label:?} is {} octets long; a label has at most {MAX_DNS_LABEL} (RFC 1035 §2.3.4)",
                label.len()
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Some(if c == '*' {
                "a wildcard \"*\" may only be the whole leftmost label (RFC 6125 §6.4.3)".into()
            } else {
                format!(
                    "it contains {c:?}; a host name has only letters, digits, '-' and '_' (RFC 1123 §2.1)"
                )
            });
        }
        let not_alnum = |c: char| !c.is_ascii_alphanumeric();
        if label.starts_with(not_alnum) || label.ends_with(not_alnum) {
            return Some(format!(
                "label {label:?} begins or ends with '-' or '_' (RFC 1123 §2.1)"
            ));
        }
    }
    None
}

/// Go's `net.IP.String()`: IPv4 and IPv4-mapped IPv6 in dotted form, other IPv6 compressed
/// per RFC 5952.
pub fn go_ip_string(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => v6.to_string(),
        },
        IpAddr::V4(v4) => v4.to_string(),
    }
}

/// Go writes an IPv4 (or IPv4-mapped IPv6) address as 4 octets, any other IPv6 as 16.
fn ip_bytes(ip: &IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.octets().to_vec(),
            None => v6.octets().to_vec(),
        },
    }
}

fn ip_from_bytes(bytes: &[u8]) -> Result<IpAddr, CsrError> {
    if let Ok(b4) = <[u8; 4]>::try_from(bytes) {
        Ok(IpAddr::from(b4))
    } else if let Ok(b16) = <[u8; 16]>::try_from(bytes) {
        Ok(IpAddr::from(b16))
    } else {
        Err(CsrError::Parse(format!(
            "x509: cannot parse IP address of length {}",
            bytes.len()
        )))
    }
}

/// Go's `net.ParseIP`: dotted-quad IPv4 without leading zeros, or any IPv6 text form
/// (including an embedded dotted quad); no zones, no brackets. Rust's parsers agree on all
/// of that.
pub fn parse_go_ip(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>().ok()
}

/// A host that can only have been meant as an IP address: dotted digits (`10.0.0.300`,
/// `010.0.0.1`, `10.0.0.1%lo`), or IPv6-looking text with `::` or a zone (`fe80::1%eth0`).
/// cfssl would turn these into DNS names nobody can match; we refuse them (a careful
/// deviation, in the spirit of docs/differences.md #9).
fn looks_like_ip(s: &str) -> bool {
    let address = s.split_once('%').map_or(s, |(address, _zone)| address);
    let dotted = address.contains('.') && address.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let v6 = (s.contains("::") || s.matches(':').count() >= 2)
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.' || b == b'%')
        || (s.contains(':') && s.contains('%') && !s.contains('/'));
    dotted || v6
}

/// Go's `mail.ParseAddress`, reduced to what decides classification: a bare `addr-spec` or
/// `display-name <addr-spec>`; returns the bare `local@domain`.
fn parse_mail_address(s: &str) -> Option<String> {
    let s = s.trim_matches(|c| c == ' ' || c == '\t');
    if let Some((addr, rest)) = addr_spec(s)
        && rest.trim_matches(|c| c == ' ' || c == '\t').is_empty()
    {
        return Some(addr);
    }
    // display-name: a phrase of atoms and quoted strings, then "<addr-spec>".
    let lt = s.find('<')?;
    let phrase = &s[..lt];
    if !phrase_ok(phrase) {
        return None;
    }
    let inner = s[lt + 1..].strip_suffix('>').or_else(|| {
        let t = s[lt + 1..].trim_end_matches([' ', '\t']);
        t.strip_suffix('>')
    })?;
    let (addr, rest) = addr_spec(inner)?;
    rest.is_empty().then_some(addr)
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

/// `dot-atom`: atoms joined by single dots. Returns (atom, rest).
fn dot_atom(s: &str) -> Option<(&str, &str)> {
    let end = s
        .find(|c: char| !(is_atext(c) || c == '.'))
        .unwrap_or(s.len());
    let atom = &s[..end];
    if atom.is_empty() || atom.starts_with('.') || atom.ends_with('.') || atom.contains("..") {
        return None;
    }
    Some((atom, &s[end..]))
}

fn quoted_string(s: &str) -> Option<(String, &str)> {
    let mut chars = s.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut out = String::new();
    let mut escaped = false;
    for (i, c) in chars {
        if escaped {
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            return Some((out, &s[i + 1..]));
        } else if c.is_control() {
            return None;
        } else {
            out.push(c);
        }
    }
    None
}

fn addr_spec(s: &str) -> Option<(String, &str)> {
    let (local, rest) = if s.starts_with('"') {
        quoted_string(s)?
    } else {
        let (a, r) = dot_atom(s)?;
        (a.to_owned(), r)
    };
    let rest = rest.strip_prefix('@')?;
    let (domain, rest) = if rest.starts_with('[') {
        let close = rest.find(']')?;
        (&rest[..=close], &rest[close + 1..])
    } else {
        dot_atom(rest)?
    };
    Some((format!("{local}@{domain}"), rest))
}

fn phrase_ok(phrase: &str) -> bool {
    let mut rest = phrase.trim_matches(|c| c == ' ' || c == '\t');
    while !rest.is_empty() {
        if rest.starts_with('"') {
            match quoted_string(rest) {
                Some((_, r)) => rest = r,
                None => return false,
            }
        } else {
            let end = rest
                .find(|c: char| !(is_atext(c) || c == '.'))
                .unwrap_or(rest.len());
            if end == 0 {
                return false;
            }
            rest = &rest[end..];
        }
        rest = rest.trim_start_matches([' ', '\t']);
    }
    true
}

/// Go's `url.ParseRequestURI` followed by `URL.String()`, for the inputs that decide SAN
/// classification: an absolute path (`/x`), `*`, or `scheme:rest` with a valid scheme. The
/// scheme is lower-cased as Go does; everything else is kept as typed. Control characters,
/// spaces and malformed percent-escapes make Go fail, so they do here.
fn parse_request_uri(s: &str) -> Option<String> {
    if s.is_empty() || s.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return None;
    }
    if s == "*" {
        return Some(s.to_owned());
    }
    let (scheme, rest) = match scheme_of(s)? {
        Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
        None => (None, s),
    };
    let path_part = rest.split('?').next().unwrap_or("");
    match &scheme {
        None if !path_part.starts_with('/') => return None,
        _ => {}
    }
    if !percent_escapes_ok(path_part) {
        return None;
    }
    if let Some(after) = rest.strip_prefix("//")
        && scheme.is_some()
    {
        let authority = after.split('/').next().unwrap_or("");
        if !authority_ok(authority) {
            return None;
        }
    }
    if path_part.contains(' ') && !path_part.starts_with('/') {
        return None;
    }
    Some(match scheme {
        Some(scheme) => format!("{scheme}:{rest}"),
        None => rest.to_owned(),
    })
}

/// Go's `getScheme`: `Ok(None)` when there is no scheme, `None` (parse error) when the
/// string starts with `:`.
#[allow(clippy::option_option)]
fn scheme_of(s: &str) -> Option<Option<(&str, &str)>> {
    for (i, c) in s.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return None,
            ':' => return Some(Some((&s[..i], &s[i + 1..]))),
            _ => return Some(None),
        }
    }
    Some(None)
}

fn percent_escapes_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// Go's `parseAuthority`/`parseHost` essentials: an optional userinfo, a host, and a port
/// of digits only.
fn authority_ok(authority: &str) -> bool {
    let host = match authority.rfind('@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    if let Some(v6) = host.strip_prefix('[') {
        let Some(close) = v6.find(']') else {
            return false;
        };
        let after = &v6[close + 1..];
        return after.is_empty()
            || after
                .strip_prefix(':')
                .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
    }
    if let Some(colon) = host.rfind(':')
        && !host[colon + 1..].bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    percent_escapes_ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(hosts: &[&str]) -> SubjectAltNames {
        SubjectAltNames::classify(hosts).unwrap().sans
    }

    #[test]
    fn go_classification_order() {
        let s = classify(&[
            "kubernetes",
            "10.32.0.1",
            "::1",
            "me@example.com",
            "Me <me@example.com>",
            "spiffe://td/ns/x",
            "host:8080",
            "example.com:443",
            "/path",
            "kube_dns",
            "*.example.com",
            "HTTPS://Example.com/A",
        ]);
        assert_eq!(s.dns_names, vec!["kubernetes", "kube_dns", "*.example.com"]);
        assert_eq!(s.email_addresses, vec!["me@example.com", "me@example.com"]);
        assert_eq!(
            s.ip_addresses,
            vec![
                "10.32.0.1".parse::<IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        assert_eq!(
            s.uris,
            vec![
                "spiffe://td/ns/x",
                "host:8080",
                "example.com:443",
                "/path",
                "https://Example.com/A"
            ]
        );
    }

    #[test]
    fn leading_zero_ipv4_is_not_an_ip() {
        assert!(parse_go_ip("010.0.0.1").is_none());
        assert!(parse_go_ip("fe80::1%eth0").is_none());
        assert!(parse_go_ip("[::1]").is_none());
    }

    #[test]
    fn ipv4_mapped_is_four_octets() {
        let s = classify(&["::ffff:10.0.0.1"]);
        let der = s.to_extension_value().unwrap();
        // SEQUENCE { [7] 4 octets }
        assert_eq!(der, vec![0x30, 0x06, 0x87, 0x04, 10, 0, 0, 1]);
    }

    #[test]
    fn der_order_is_dns_email_ip_uri() {
        let s = classify(&["urn:x", "1.2.3.4", "a@b.c", "d.example"]);
        let names = s.to_general_names().unwrap();
        let kinds: Vec<&str> = names
            .iter()
            .map(|n| match n {
                GeneralName::DnsName(_) => "dns",
                GeneralName::Rfc822Name(_) => "email",
                GeneralName::IpAddress(_) => "ip",
                GeneralName::UniformResourceIdentifier(_) => "uri",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, vec!["dns", "email", "ip", "uri"]);
        let back = SubjectAltNames::from_extension_value(&s.to_extension_value().unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn idn_becomes_a_label_with_warning() {
        let c = SubjectAltNames::classify(&["bücher.de"]).unwrap();
        assert_eq!(c.sans.dns_names, vec!["xn--bcher-kva.de"]);
        assert_eq!(c.warnings.len(), 1);
        assert!(SubjectAltNames::classify(&["ü@example.com"]).is_err());
    }

    #[test]
    fn invalid_dns_names_are_refused() {
        let long_label = format!("{}.example.com", "a".repeat(64));
        let long_name = format!("{}.com", vec!["a".repeat(62); 4].join("."));
        assert_eq!(long_name.len(), 255);
        for bad in [
            "ex ample.com",
            "*.",
            "*",
            "a..b",
            ".example.com",
            "example.com.",
            "-a.example.com",
            "a-.example.com",
            "_a.example.com",
            "a.*.example.com",
            "*a.example.com",
            "**.example.com",
            "a!b.example.com",
            "ex\tample.com",
            long_label.as_str(),
            long_name.as_str(),
            "ex ample.dé",
        ] {
            match SubjectAltNames::classify(&[bad]) {
                Err(e @ CsrError::InvalidDnsName { .. }) => {
                    assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
                    assert_eq!(e.code(), Some(1300));
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn host_names_people_use_are_accepted() {
        let label63 = format!("{}.example.com", "a".repeat(63));
        let name253 = format!("{}.{}", vec!["a".repeat(63); 3].join("."), "b".repeat(61));
        assert_eq!(name253.len(), 253);
        let hosts = [
            "kubernetes",
            "worker-0",
            "kube_dns.kube-system",
            "*.example.com",
            "1password.example.com",
            "xn--bcher-kva.de",
            "EXAMPLE.com",
            label63.as_str(),
            name253.as_str(),
        ];
        let c = SubjectAltNames::classify(&hosts).unwrap();
        assert_eq!(c.sans.dns_names, hosts);
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn empty_host_is_dropped_with_a_warning() {
        let c = SubjectAltNames::classify(&["", "a.example.com"]).unwrap();
        assert_eq!(c.sans.dns_names, vec!["a.example.com"]);
        assert_eq!(c.warnings, vec![EMPTY_HOST_WARNING.to_owned()]);
        // From a CSR file, an empty dNSName is refused like any other bad name.
        let csr_sans = SubjectAltNames {
            dns_names: vec![String::new()],
            ..Default::default()
        };
        assert!(matches!(
            csr_sans.check_dns_names(),
            Err(CsrError::InvalidDnsName { .. })
        ));
    }

    #[test]
    fn malformed_ips_are_errors() {
        for bad in [
            "10.0.0.300",
            "010.0.0.1",
            "1.2.3",
            "fe80::1%eth0",
            "::1%lo",
            "10.0.0.1%lo",
            "300.1.2.3",
        ] {
            let e = SubjectAltNames::classify(&[bad]);
            assert!(matches!(e, Err(CsrError::InvalidIp(_))), "{bad}: {e:?}");
        }
        // cfssl keeps these as URI / DNS names.
        assert!(SubjectAltNames::classify(&["a:b", "kube-dns"]).is_ok());
        // cfssl makes an IP with a port a dNSName; it is not a host name, so it is refused.
        assert!(matches!(
            SubjectAltNames::classify(&["10.0.0.1:443"]),
            Err(CsrError::InvalidDnsName { .. })
        ));
    }

    #[test]
    fn not_emails() {
        assert!(parse_mail_address("a@").is_none());
        assert!(parse_mail_address("@b").is_none());
        assert!(parse_mail_address("a..b@c").is_none());
        assert_eq!(parse_mail_address("\"q u\"@h").as_deref(), Some("q u@h"));
    }

    #[test]
    fn go_ip_strings() {
        assert_eq!(go_ip_string(&"::ffff:1.2.3.4".parse().unwrap()), "1.2.3.4");
        assert_eq!(go_ip_string(&"2001:db8::1".parse().unwrap()), "2001:db8::1");
    }
}
