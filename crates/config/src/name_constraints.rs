//! `name_constraints` (a cfssl-rs extension, README "Name constraints (extension)"): parsed
//! by hand from the JSON value rather than through Go's decoder, because cfssl has no such
//! key, so nothing forces Go's lax rules on it: unknown keys and bad entries are errors
//! naming the exact field, so that a typo cannot silently widen what a CA may issue.

use std::net::IpAddr;

use cfssl_json::Value;

use crate::profile::{IpRange, NameConstraints, NameSubtrees};

/// Parses the JSON text of a `name_constraints` value. The error is the field path and
/// what is wrong with it (`name_constraints.permitted.ip_ranges[1]: …`).
pub(crate) fn parse(text: &str) -> Result<NameConstraints, String> {
    let value = cfssl_json::parse(text.as_bytes()).map_err(|e| format!("name_constraints: {e}"))?;
    let members = object(&value, "name_constraints")?;
    let mut critical = None;
    let mut out = NameConstraints::default();
    for (key, v) in members {
        let path = format!("name_constraints.{key}");
        match key.as_str() {
            "critical" => match v {
                Value::Bool(b) => critical = Some(*b),
                other => return Err(format!("{path}: expected true, got {}", other.type_word())),
            },
            "permitted" => out.permitted = subtrees(v, &path)?,
            "excluded" => out.excluded = subtrees(v, &path)?,
            _ => return Err(unknown_key(&path, "critical, permitted, excluded")),
        }
    }
    // RFC 5280 §4.2.1.10: "Conforming CAs MUST mark this extension as critical".
    match critical {
        Some(true) => {}
        Some(false) => {
            return Err("name_constraints.critical: false is not allowed: RFC 5280 \
                        §4.2.1.10 requires the extension to be critical"
                .to_string());
        }
        None => return Err("name_constraints.critical: missing; it must be true".to_string()),
    }
    out.critical = true;
    if out.permitted.is_empty() && out.excluded.is_empty() {
        return Err(
            "name_constraints: neither permitted nor excluded has an entry \
                    (RFC 5280 §4.2.1.10 forbids an empty NameConstraints)"
                .to_string(),
        );
    }
    Ok(out)
}

impl NameConstraints {
    /// Parses a `name_constraints` JSON value with the profile's rules, for other files
    /// that carry the same shape (a ceremony's `certificate.name_constraints`). The error
    /// starts with the field path (`name_constraints.permitted.ip_ranges[1]: …`).
    pub fn from_json(text: &str) -> Result<NameConstraints, String> {
        parse(text)
    }
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a [(String, Value)], String> {
    match v {
        Value::Object(members) => Ok(members),
        other => Err(format!(
            "{path}: expected an object, got {}",
            other.type_word()
        )),
    }
}

fn unknown_key(path: &str, known: &str) -> String {
    format!("{path}: unknown key (known keys: {known})")
}

fn subtrees(v: &Value, path: &str) -> Result<NameSubtrees, String> {
    let mut out = NameSubtrees::default();
    for (key, v) in object(v, path)? {
        let path = format!("{path}.{key}");
        match key.as_str() {
            "dns_domains" => out.dns_domains = strings(v, &path, check_domain)?,
            "ip_ranges" => {
                for (i, s) in strings(v, &path, |_| Ok(()))?.iter().enumerate() {
                    let range = parse_cidr(s).map_err(|why| {
                        format!("{path}[{i}]: {}: {why}", cfssl_json::go_quote(s))
                    })?;
                    out.ip_ranges.push(range);
                }
            }
            "email_addresses" => out.email_addresses = strings(v, &path, check_email)?,
            "uri_domains" => out.uri_domains = strings(v, &path, check_domain)?,
            _ => {
                return Err(unknown_key(
                    &path,
                    "dns_domains, ip_ranges, email_addresses, uri_domains",
                ));
            }
        }
    }
    Ok(out)
}

fn strings(
    v: &Value,
    path: &str,
    check: fn(&str) -> Result<(), &'static str>,
) -> Result<Vec<String>, String> {
    let Value::Array(items) = v else {
        return Err(format!(
            "{path}: expected an array of strings, got {}",
            v.type_word()
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::String(s) = item else {
            return Err(format!(
                "{path}[{i}]: expected a string, got {}",
                item.type_word()
            ));
        };
        check(s).map_err(|why| format!("{path}[{i}]: {}: {why}", cfssl_json::go_quote(s)))?;
        out.push(s.clone());
    }
    Ok(out)
}

/// A DNS constraint: an IA5 host name, optionally with a leading `.` (subdomains only).
fn check_domain(s: &str) -> Result<(), &'static str> {
    let host = s.strip_prefix('.').unwrap_or(s);
    if host.is_empty() {
        return Err("empty domain");
    }
    let ok = host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if ok {
        Ok(())
    } else {
        Err("not a DNS domain (letters, digits, '-' and '.' only)")
    }
}

/// An rfc822Name constraint: a mailbox, a host, or `.domain` (RFC 5280 §4.2.1.10).
fn check_email(s: &str) -> Result<(), &'static str> {
    match s.rsplit_once('@') {
        Some((local, host)) => {
            if local.is_empty() || !local.is_ascii() {
                return Err("not an ASCII mailbox");
            }
            check_domain(host).and_then(|()| {
                if host.starts_with('.') {
                    Err("a mailbox's host cannot start with '.'")
                } else {
                    Ok(())
                }
            })
        }
        None => check_domain(s),
    }
}

/// Strict CIDR: `address/prefix`, the prefix within the family, no host bits set.
pub(crate) fn parse_cidr(s: &str) -> Result<IpRange, &'static str> {
    let (addr, prefix) = s.split_once('/').ok_or("not CIDR (address/prefix)")?;
    let address: IpAddr = addr.parse().map_err(|_| "not an IP address before '/'")?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 3 {
        return Err("the prefix length is not a number");
    }
    let prefix_len: u8 = prefix
        .parse()
        .map_err(|_| "the prefix length is not a number")?;
    let range = IpRange {
        address,
        prefix_len,
    };
    let max = if address.is_ipv4() { 32 } else { 128 };
    if prefix_len > max {
        return Err("the prefix length is too long for the address family");
    }
    if range.network() != address {
        return Err("has host bits set");
    }
    Ok(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_is_strict() {
        let r = parse_cidr("10.0.0.0/8").expect("cidr");
        assert_eq!(r.mask_bytes(), vec![255, 0, 0, 0]);
        assert_eq!(r.to_string(), "10.0.0.0/8");
        assert_eq!(parse_cidr("10.0.0.1/8"), Err("has host bits set"));
        assert_eq!(parse_cidr("10.0.0.0"), Err("not CIDR (address/prefix)"));
        assert_eq!(
            parse_cidr("10.0.0.0/33"),
            Err("the prefix length is too long for the address family")
        );
        assert_eq!(
            parse_cidr("10.0.0.0/+8"),
            Err("the prefix length is not a number")
        );
        let v6 = parse_cidr("2001:db8::/32").expect("v6");
        assert_eq!(v6.mask_bytes()[..5], [255, 255, 255, 255, 0]);
        assert_eq!(parse_cidr("2001:db8::1/64"), Err("has host bits set"));
        assert!(parse_cidr("0.0.0.0/0").is_ok());
    }

    #[test]
    fn errors_name_the_field() {
        let e = |s: &str| parse(s).expect_err("must fail");
        assert_eq!(
            e(r#"{"critical":true,"permitted":{"ip_ranges":["10.0.0.0/8","10.0.0.1/8"]}}"#),
            r#"name_constraints.permitted.ip_ranges[1]: "10.0.0.1/8": has host bits set"#
        );
        assert_eq!(
            e(r#"{"critical":true,"permitted":{"dns":["a.test"]}}"#),
            "name_constraints.permitted.dns: unknown key (known keys: dns_domains, ip_ranges, email_addresses, uri_domains)"
        );
        assert_eq!(
            e(r#"{"critical":true,"allowed":{}}"#),
            "name_constraints.allowed: unknown key (known keys: critical, permitted, excluded)"
        );
        assert!(
            e(r#"{"critical":false,"permitted":{"dns_domains":["a.test"]}}"#)
                .starts_with("name_constraints.critical: false")
        );
        assert_eq!(
            e(r#"{"permitted":{"dns_domains":["a.test"]}}"#),
            "name_constraints.critical: missing; it must be true"
        );
        assert!(
            e(r#"{"critical":true,"permitted":{}}"#).contains("neither permitted nor excluded")
        );
        assert_eq!(
            e(r#"{"critical":true,"excluded":{"dns_domains":["a..test"]}}"#),
            r#"name_constraints.excluded.dns_domains[0]: "a..test": not a DNS domain (letters, digits, '-' and '.' only)"#
        );
    }

    #[test]
    fn parses_all_kinds() {
        let nc = parse(
            r#"{"critical":true,"permitted":{"dns_domains":["example.test"],"ip_ranges":["10.0.0.0/8","fd00::/8"],"email_addresses":["a@example.test",".example.test"],"uri_domains":[".example.test"]},"excluded":{"dns_domains":["bad.example.test"]}}"#,
        )
        .expect("parse");
        assert!(nc.critical);
        assert_eq!(nc.permitted.dns_domains, ["example.test"]);
        assert_eq!(nc.permitted.ip_ranges.len(), 2);
        assert_eq!(
            nc.permitted.email_addresses,
            ["a@example.test", ".example.test"]
        );
        assert_eq!(nc.permitted.uri_domains, [".example.test"]);
        assert_eq!(nc.excluded.dns_domains, ["bad.example.test"]);
    }
}
