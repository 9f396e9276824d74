//! How a `-remote` value (or a `remotes` entry) becomes the base URL requests go to:
//! cfssl's `normalizeURL` (docs/cfssl-lifecycle.md §9.2).
//!
//! cfssl parses the text with Go's `url.Parse` and then patches the result:
//!
//! | written | base URL |
//! |---|---|
//! | `http://h:p`, `https://h:p` | as written (a scheme other than `https` becomes `http`) |
//! | `name:port` (name starts with a letter) | `http://name:port` (Go read `name` as a scheme) |
//! | `name` | `http://name:8888` |
//! | `https://name` | `https://name` (port 443: the 8888 default is only checked, not added) |
//! | `127.0.0.1:8888`, `[::1]:8888` | error: Go's `first path segment in URL cannot contain colon` |
//!
//! The last row is a trap for users (cfssl's own docs write `-remote 127.0.0.1:8888`
//! style addresses); whether to accept it is the client's choice, so the error says which
//! URL was meant ([`UrlError::suggestion`]).

/// Why a remote address could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// `host:port` where the host does not start with a letter (an IP address): Go's URL
    /// parser reads it as a relative path whose first segment holds a colon.
    #[error("parse {address:?}: first path segment in URL cannot contain colon")]
    ColonInFirstSegment {
        /// The address as given (trimmed).
        address: String,
    },
    /// A `:` at the very start.
    #[error("parse {address:?}: missing protocol scheme")]
    MissingScheme {
        /// The address as given (trimmed).
        address: String,
    },
    /// A port that is not a number.
    #[error("strconv.Atoi: parsing {port:?}: invalid syntax")]
    BadPort {
        /// The port text.
        port: String,
    },
    /// Nothing to connect to (an empty address, or a URL with no host).
    #[error("parse {address:?}: no host in address")]
    NoHost {
        /// The address as given (trimmed).
        address: String,
    },
}

impl UrlError {
    /// For [`UrlError::ColonInFirstSegment`], the URL the user almost certainly meant
    /// (`http://127.0.0.1:8888`).
    pub fn suggestion(&self) -> Option<String> {
        match self {
            UrlError::ColonInFirstSegment { address } => Some(format!("http://{address}")),
            _ => None,
        }
    }
}

/// A remote cfssl server's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUrl {
    /// `true` for `https`.
    pub https: bool,
    /// `host[:port]` as it will be connected to (IPv6 in brackets).
    pub host: String,
    /// A path prefix written after the host (usually empty), without a trailing `/`.
    pub path: String,
}

impl RemoteUrl {
    /// The base URL, as cfssl's `url.String()` writes it: `http://host:port[/path]`.
    pub fn base(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}{}", self.host, self.path)
    }

    /// The URL of an API endpoint: `<base>/api/v1/cfssl/<endpoint>`.
    pub fn endpoint(&self, endpoint: &str) -> String {
        format!("{}{}", self.base(), crate::endpoint_path(endpoint))
    }

    /// The port the connection goes to (the scheme's default when none is written).
    pub fn port(&self) -> u16 {
        split_host_port(&self.host)
            .and_then(|(_, port)| port.parse().ok())
            .unwrap_or(if self.https { 443 } else { 80 })
    }

    /// The host without its port or IPv6 brackets (for TLS server names and DNS).
    pub fn hostname(&self) -> &str {
        let host = split_host_port(&self.host).map_or(self.host.as_str(), |(h, _)| h);
        host.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host)
    }
}

/// Go's `net.SplitHostPort` for the forms that occur here: `host:port`, `[v6]:port`.
fn split_host_port(host: &str) -> Option<(&str, &str)> {
    if let Some(rest) = host.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        let port = after.strip_prefix(':')?;
        return Some((&host[..v6.len() + 2], port));
    }
    let (h, port) = host.rsplit_once(':')?;
    if h.contains(':') {
        return None; // a bare IPv6 address has no port
    }
    Some((h, port))
}

/// Go's `getScheme`: a scheme is letters, then letters, digits, `+`, `-`, `.`, up to `:`.
fn scheme_of(address: &str) -> Result<Option<(&str, &str)>, ()> {
    for (i, c) in address.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err(()),
            ':' => return Ok(Some((&address[..i], &address[i + 1..]))),
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// cfssl's `normalizeURL` over one address (see the module table).
///
/// # Errors
/// [`UrlError`], with Go's texts.
pub fn normalize_remote(address: &str) -> Result<RemoteUrl, UrlError> {
    let address = address.trim();
    let scheme_split = scheme_of(address).map_err(|()| UrlError::MissingScheme {
        address: address.to_owned(),
    })?;
    // Drop a query or fragment: cfssl keeps them in the URL, but endpoints are appended
    // after them, which can never have been meant.
    let strip = |s: &str| -> String { s.split(['?', '#']).next().unwrap_or("").to_owned() };
    let (https, host, path) = match scheme_split {
        Some((scheme, rest)) if rest.starts_with("//") => {
            let after = &rest[2..];
            let (authority, path) = match after.find('/') {
                Some(i) => (&after[..i], strip(&after[i..])),
                None => (after, String::new()),
            };
            let authority = authority.rsplit('@').next().unwrap_or(authority);
            let authority = strip(authority);
            (scheme.eq_ignore_ascii_case("https"), authority, path)
        }
        Some((scheme, rest)) if !rest.starts_with('/') => {
            // `name:port`: Go saw scheme `name` and opaque `port`.
            let port = strip(rest);
            (false, format!("{scheme}:{port}"), String::new())
        }
        Some((scheme, rest)) => (
            scheme.eq_ignore_ascii_case("https"),
            String::new(),
            strip(rest),
        ),
        None => {
            let first_segment = address.split('/').next().unwrap_or("");
            if first_segment.contains(':') {
                return Err(UrlError::ColonInFirstSegment {
                    address: address.to_owned(),
                });
            }
            let path = strip(address);
            if path.is_empty() {
                (false, String::new(), String::new())
            } else {
                // `name` alone (no colon): cfssl makes it `name:8888`.
                (false, format!("{path}:8888"), String::new())
            }
        }
    };
    if host.is_empty() || host.starts_with(':') {
        return Err(UrlError::NoHost {
            address: address.to_owned(),
        });
    }
    if let Some((_, port)) = split_host_port(&host)
        && (port.is_empty()
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u16>().is_err())
    {
        return Err(UrlError::BadPort {
            port: port.to_owned(),
        });
    }
    Ok(RemoteUrl {
        https,
        host,
        path: path.trim_end_matches('/').to_owned(),
    })
}

/// A comma-separated list of addresses (a `-remote` value), in order.
///
/// # Errors
/// The first address that does not parse.
pub fn normalize_remotes(list: &str) -> Result<Vec<RemoteUrl>, UrlError> {
    list.split(',').map(normalize_remote).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(address: &str) -> Result<String, String> {
        normalize_remote(address)
            .map(|u| u.base())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn addresses_become_cfssls_urls() {
        assert_eq!(
            base("http://127.0.0.1:8888"),
            Ok("http://127.0.0.1:8888".into())
        );
        assert_eq!(base("localhost:8888"), Ok("http://localhost:8888".into()));
        assert_eq!(base(" localhost "), Ok("http://localhost:8888".into()));
        assert_eq!(
            base("ca.example.com"),
            Ok("http://ca.example.com:8888".into())
        );
        assert_eq!(base("127.0.0.1"), Ok("http://127.0.0.1:8888".into()));
        assert_eq!(
            base("https://ca.example.com"),
            Ok("https://ca.example.com".into())
        );
        assert_eq!(base("ftp://h:1"), Ok("http://h:1".into()));
        assert_eq!(base("http://[::1]:8888/"), Ok("http://[::1]:8888".into()));
        assert_eq!(base("https://h:9/prefix/"), Ok("https://h:9/prefix".into()));
        assert_eq!(
            base("127.0.0.1:8888"),
            Err("parse \"127.0.0.1:8888\": first path segment in URL cannot contain colon".into())
        );
        assert_eq!(
            normalize_remote("127.0.0.1:8888")
                .err()
                .and_then(|e| e.suggestion()),
            Some("http://127.0.0.1:8888".into())
        );
        assert!(base("[::1]:8888").is_err());
        assert_eq!(
            base("localhost:abc"),
            Err("strconv.Atoi: parsing \"abc\": invalid syntax".into())
        );
        assert!(base("").is_err());
        assert!(base(":8888").is_err());
        assert!(base("http://").is_err());
    }

    #[test]
    fn parts() -> Result<(), UrlError> {
        let u = normalize_remote("https://[::1]:9443")?;
        assert_eq!(u.port(), 9443);
        assert_eq!(u.hostname(), "::1");
        assert_eq!(u.endpoint("sign"), "https://[::1]:9443/api/v1/cfssl/sign");
        let v = normalize_remote("https://ca.example.com")?;
        assert_eq!(v.port(), 443);
        assert_eq!(v.hostname(), "ca.example.com");
        let list = normalize_remotes("localhost:1, http://127.0.0.1:2")?;
        assert_eq!(list.len(), 2);
        Ok(())
    }
}
