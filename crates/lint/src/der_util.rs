//! Small DER readings the x509-cert types do not give directly: the content octets of an
//! INTEGER (its sign and length matter to RFC 5280 §4.1.2.2 and §5.2.3), ENUMERATED values,
//! and the shape of a URI.

use der::asn1::AnyRef;
use der::{Decode, Encode, Tag, Tagged};

/// The content octets of a DER INTEGER (two's complement, big-endian).
pub(crate) fn integer_content(der: &[u8]) -> Option<Vec<u8>> {
    let any = AnyRef::from_der(der).ok()?;
    (any.tag() == Tag::Integer).then(|| any.value().to_vec())
}

/// The content octets of anything that encodes as an INTEGER (a serial number).
pub(crate) fn encoded_integer_content<T: Encode>(value: &T) -> Option<Vec<u8>> {
    integer_content(&value.to_der().ok()?)
}

/// True when two's complement `content` is negative.
pub(crate) fn is_negative(content: &[u8]) -> bool {
    content.first().is_some_and(|b| b & 0x80 != 0)
}

/// True when `content` is zero (or empty, which DER forbids anyway).
pub(crate) fn is_zero(content: &[u8]) -> bool {
    content.iter().all(|b| *b == 0)
}

/// The magnitude of an unsigned big-endian integer, leading zero octets dropped.
pub(crate) fn magnitude(content: &[u8]) -> &[u8] {
    let start = content
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(content.len());
    content.get(start..).unwrap_or_default()
}

/// The bit length of an unsigned big-endian integer.
pub(crate) fn bit_len(content: &[u8]) -> usize {
    let m = magnitude(content);
    match m.first() {
        None => 0,
        Some(first) => (m.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
    }
}

/// The value of a DER ENUMERATED (a CRL reason code), if it is one and fits in a u32.
pub(crate) fn enumerated(der: &[u8]) -> Option<u32> {
    let any = AnyRef::from_der(der).ok()?;
    if any.tag() != Tag::Enumerated || any.value().is_empty() || any.value().len() > 4 {
        return None;
    }
    if is_negative(any.value()) {
        return None;
    }
    Some(
        any.value()
            .iter()
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b)),
    )
}

/// RFC 3986 §4.3 absolute URI: `scheme ":" hier-part`, the scheme a letter followed by
/// letters, digits, `+`, `-` or `.`, something after the colon, and no space or control
/// character anywhere (IA5String allows them; a URI does not).
pub(crate) fn is_absolute_uri(uri: &str) -> bool {
    let Some((scheme, rest)) = uri.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok && !rest.is_empty() && uri.chars().all(|c| c.is_ascii_graphic())
}

/// True for an HTTP(S) or LDAP URI (the schemes RFC 5280 §4.2.1.13 and §4.2.2.1 name; like
/// zlint, a prefix test, so `https` counts).
pub(crate) fn is_http_or_ldap(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    lower.starts_with("http") || lower.starts_with("ldap")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(integer_content(&[2, 2, 0, 0x80]), Some(vec![0, 0x80]));
        assert_eq!(integer_content(&[4, 1, 0]), None);
        assert!(is_negative(&[0xff]));
        assert!(!is_negative(&[0, 0x80]));
        assert!(is_zero(&[0]));
        assert_eq!(bit_len(&[0, 0x80, 0]), 16);
        assert_eq!(bit_len(&[1]), 1);
        assert_eq!(bit_len(&[]), 0);
        assert_eq!(enumerated(&[0x0a, 1, 7]), Some(7));
        assert_eq!(enumerated(&[2, 1, 7]), None);
    }

    #[test]
    fn uris() {
        assert!(is_absolute_uri("http://crl.example.com/ca.crl"));
        assert!(is_absolute_uri("spiffe://cluster.local/ns/a"));
        assert!(is_absolute_uri("urn:uuid:1234"));
        assert!(!is_absolute_uri("/relative/path"));
        assert!(!is_absolute_uri("http:"));
        assert!(!is_absolute_uri("1http://x"));
        assert!(!is_absolute_uri("http://a b"));
        assert!(is_http_or_ldap("HTTP://x"));
        assert!(is_http_or_ldap("https://x"));
        assert!(!is_http_or_ldap("ftp://x"));
    }
}
