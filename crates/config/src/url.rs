//! The URLs a profile puts into certificates: `issuer_urls` and `ocsp_url` (authority
//! information access, RFC 5280 §4.2.2.1) and `crl_url` (CRL distribution point,
//! RFC 5280 §4.2.1.13). Each becomes a uniformResourceIdentifier, an IA5String that
//! "MUST follow the URI syntax" and "MUST NOT be a relative URI" (RFC 5280 §4.2.1.6).
//!
//! cfssl copies the strings as they are (docs/differences.md #18), so `http://é.example/` puts raw UTF-8 into an
//! IA5String (pkilint: FATAL) and clients fetch from who knows where. We refuse such a URL
//! when the configuration is loaded, naming the field, rather than converting it (IDNA for
//! the host, percent-encoding for the rest) with a warning: the URL must be exactly the one
//! the operator publishes the CRL, OCSP responder or issuer certificate at, a rewritten URL
//! may not be served (UTS #46 and IDNA2008 map some names differently; servers differ in how
//! they match percent-encoded paths), and a configuration is fixed once, not per request.

/// Why `url` cannot go into a certificate as a URI, or `Ok` when it can. Checks what a
/// certificate needs, not full RFC 3986 grammar: ASCII only, no space or control character,
/// none of the characters RFC 3986 §2 never allows unescaped, and a scheme (RFC 3986 §3.1:
/// a letter, then letters, digits, `+`, `-`, `.`, then `:`).
pub fn check_url(url: &str) -> Result<(), String> {
    if let Some(c) = url.chars().find(|c| !c.is_ascii()) {
        return Err(format!(
            "it contains {c:?}, which is not ASCII: certificates store URIs as IA5String \
             (RFC 5280 §4.2.1.6); write the host as its IDNA A-label (xn--…) and \
             percent-encode the rest (RFC 3987 §3.1)"
        ));
    }
    if let Some(c) = url
        .chars()
        .find(|&c| c.is_ascii_control() || " \"<>\\^`{|}".contains(c))
    {
        return Err(format!(
            "it contains {c:?}, which a URI cannot hold unescaped (RFC 3986 §2)"
        ));
    }
    let scheme = url.split_once(':').map(|(scheme, _)| scheme);
    let scheme_ok = scheme.is_some_and(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !scheme_ok {
        return Err(
            "it has no scheme (such as http://): RFC 5280 §4.2.1.6 does not allow relative URIs"
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn urls_for_certificates() {
        for ok in [
            "http://ca.example.com/ca.pem",
            "http://xn--9ca.example/crl",
            "http://ca.example.com/a%20b?x=1#f",
            "ldap://ldap.example.com/cn=CA,dc=example?cACertificate",
            "http://[2001:db8::1]:8080/ocsp",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://é.example/",
            "http://ca.example.com/ä",
            "http://ca example.com/",
            "http://ca.example.com/\n",
            "http://ca.example.com/{x}",
            "ca.example.com/ca.pem",
            "/ca.pem",
            "1http://x/",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
