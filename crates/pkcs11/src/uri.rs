//! RFC 7512 PKCS#11 URIs: `pkcs11:` path attributes `;`-separated, then an optional `?`
//! query with `&`-separated attributes.
//!
//! ```text
//! pk11-URI  = "pkcs11:" pk11-path [ "?" pk11-query ]       ; RFC 7512 §2.3
//! pk11-path = [ pk11-pattr *(";" pk11-pattr) ]
//! pk11-query = [ pk11-qattr *("&" pk11-qattr) ]
//! ```
//!
//! Decisions where the RFC leaves room (each checked by a test below):
//!
//! * **Unknown attributes are refused**, naming the attribute. RFC 7512 §2.3 reserves names
//!   starting with `x-` for vendors and §3.3 has a URI with a path attribute the consumer does
//!   not understand match nothing. For a *key selector* "matches nothing" is an error anyway,
//!   and failing at parse time names the culprit (a typo such as `objet=` would otherwise give
//!   a puzzling "object not found"). Unknown query attributes are refused too, except `x-`
//!   vendor ones, which are only hints to another vendor's software and are ignored.
//! * **`pin-value` is refused**: a URI is typed on command lines and lands in shell history
//!   and `ps` output, and a CA PIN must never be there. `pin-source=file:` is the way.
//! * Each attribute may appear once (RFC 7512 §2.3); a repeat is an error.
//! * Unencoded whitespace (line breaks in a URI pasted from a document, as RFC 7512 §3 prints
//!   its examples) is dropped before parsing; the grammar allows none, so nothing is lost.
//! * Values are percent-decoded (RFC 3986 §2.1); text attributes must then be UTF-8 (PKCS#11
//!   v2.40 labels are UTF-8), `id` is raw bytes.

use core::fmt;
use std::path::PathBuf;

use crate::Pkcs11Error;

/// The object class an URI's `type` attribute asks for (RFC 7512 §2.3, PKCS#11 `CKA_CLASS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectType {
    /// `type=private`: CKO_PRIVATE_KEY.
    Private,
    /// `type=public`: CKO_PUBLIC_KEY.
    Public,
    /// `type=cert`: CKO_CERTIFICATE.
    Cert,
    /// `type=secret-key`: CKO_SECRET_KEY.
    SecretKey,
    /// `type=data`: CKO_DATA.
    Data,
}

impl ObjectType {
    fn parse(value: &str) -> Option<ObjectType> {
        Some(match value {
            "private" => ObjectType::Private,
            "public" => ObjectType::Public,
            "cert" => ObjectType::Cert,
            "secret-key" => ObjectType::SecretKey,
            "data" => ObjectType::Data,
            _ => return None,
        })
    }

    /// The attribute value as the URI writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Private => "private",
            ObjectType::Public => "public",
            ObjectType::Cert => "cert",
            ObjectType::SecretKey => "secret-key",
            ObjectType::Data => "data",
        }
    }
}

/// Where the token PIN comes from, from the `pin-source` query attribute.
#[derive(Clone, PartialEq, Eq)]
pub enum PinSource {
    /// `pin-source=file:PATH`: the first line of that file.
    File(PathBuf),
}

impl fmt::Debug for PinSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PinSource::File(path) => write!(f, "File({})", path.display()),
        }
    }
}

/// A parsed RFC 7512 PKCS#11 URI. Every field is `None` when the attribute is absent;
/// an empty value (`serial=`) is `Some("")`, which RFC 7512 §2.3 treats as a real value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token`: CK_TOKEN_INFO label.
    pub token: Option<String>,
    /// `manufacturer`: CK_TOKEN_INFO manufacturerID.
    pub manufacturer: Option<String>,
    /// `serial`: CK_TOKEN_INFO serialNumber.
    pub serial: Option<String>,
    /// `model`: CK_TOKEN_INFO model.
    pub model: Option<String>,
    /// `library-manufacturer`: CK_INFO manufacturerID.
    pub library_manufacturer: Option<String>,
    /// `library-description`: CK_INFO libraryDescription.
    pub library_description: Option<String>,
    /// `library-version`: CK_INFO libraryVersion as `major[.minor]`.
    pub library_version: Option<(u8, u8)>,
    /// `slot-description`: CK_SLOT_INFO slotDescription.
    pub slot_description: Option<String>,
    /// `slot-manufacturer`: CK_SLOT_INFO manufacturerID.
    pub slot_manufacturer: Option<String>,
    /// `slot-id`: the CK_SLOT_ID, decimal.
    pub slot_id: Option<u64>,
    /// `object`: CKA_LABEL.
    pub object: Option<String>,
    /// `id`: CKA_ID, raw bytes.
    pub id: Option<Vec<u8>>,
    /// `type`: CKA_CLASS.
    pub object_type: Option<ObjectType>,
    /// `module-path`: the PKCS#11 module to load.
    pub module_path: Option<PathBuf>,
    /// `module-name`: a module name without a path (RFC 7512 §2.3 leaves the search to the
    /// platform; [`crate::TokenKey::open`] asks for a `module-path` instead).
    pub module_name: Option<String>,
    /// `pin-source`.
    pub pin_source: Option<PinSource>,
}

const SCHEME: &str = "pkcs11:";

impl Pkcs11Uri {
    /// Whether `text` looks like a PKCS#11 URI at all (the scheme, case-insensitively as RFC
    /// 3986 §3.1 says), so a caller can tell a key URI from a file name.
    pub fn is_pkcs11_uri(text: &str) -> bool {
        text.get(..SCHEME.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME))
    }

    /// Parses a PKCS#11 URI (see the module documentation for the rules).
    pub fn parse(text: &str) -> Result<Pkcs11Uri, Pkcs11Error> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if !Self::is_pkcs11_uri(&compact) {
            return Err(uri_error("", "does not start with \"pkcs11:\""));
        }
        let rest = &compact[SCHEME.len()..];
        // A '#' fragment is not part of the grammar (RFC 7512 §2.3 has none).
        if rest.contains('#') {
            return Err(uri_error(
                "#",
                "a PKCS#11 URI has no fragment; write '#' as %23",
            ));
        }
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rest, None),
        };
        let mut uri = Pkcs11Uri::default();
        let mut seen: Vec<String> = Vec::new();
        for attr in path.split(';').filter(|a| !a.is_empty()) {
            let (name, value) = split_attr(attr)?;
            note_once(&mut seen, name)?;
            uri.set_path_attr(name, value)?;
        }
        for attr in query.into_iter().flat_map(|q| q.split('&')) {
            if attr.is_empty() {
                continue;
            }
            let (name, value) = split_attr(attr)?;
            if name.starts_with("x-") {
                continue;
            }
            note_once(&mut seen, name)?;
            uri.set_query_attr(name, value)?;
        }
        Ok(uri)
    }

    fn set_path_attr(&mut self, name: &str, raw: &str) -> Result<(), Pkcs11Error> {
        match name {
            "token" => self.token = Some(text_value(name, raw)?),
            "manufacturer" => self.manufacturer = Some(text_value(name, raw)?),
            "serial" => self.serial = Some(text_value(name, raw)?),
            "model" => self.model = Some(text_value(name, raw)?),
            "library-manufacturer" => self.library_manufacturer = Some(text_value(name, raw)?),
            "library-description" => self.library_description = Some(text_value(name, raw)?),
            "library-version" => {
                let text = text_value(name, raw)?;
                self.library_version = Some(parse_version(&text).ok_or_else(|| {
                    uri_error(name, "must be MAJOR or MAJOR.MINOR, each 0 to 255")
                })?);
            }
            "slot-description" => self.slot_description = Some(text_value(name, raw)?),
            "slot-manufacturer" => self.slot_manufacturer = Some(text_value(name, raw)?),
            "slot-id" => {
                let text = text_value(name, raw)?;
                // RFC 7512 §2.3: a decimal number; no sign, no spaces.
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(uri_error(name, "must be a decimal number"));
                }
                self.slot_id = Some(
                    text.parse()
                        .map_err(|_| uri_error(name, "is too large for a slot id"))?,
                );
            }
            "object" => self.object = Some(text_value(name, raw)?),
            "id" => self.id = Some(percent_decode(name, raw)?),
            "type" => {
                let text = text_value(name, raw)?;
                self.object_type = Some(ObjectType::parse(&text).ok_or_else(|| {
                    uri_error(
                        name,
                        "must be one of private, public, cert, secret-key, data",
                    )
                })?);
            }
            "pin-source" | "pin-value" | "module-name" | "module-path" => {
                return Err(uri_error(
                    name,
                    "is a query attribute: put it after '?', not in the path",
                ));
            }
            _ => {
                return Err(uri_error(
                    name,
                    "is not a PKCS#11 URI path attribute this program knows (RFC 7512 §2.3)",
                ));
            }
        }
        Ok(())
    }

    fn set_query_attr(&mut self, name: &str, raw: &str) -> Result<(), Pkcs11Error> {
        match name {
            "pin-value" => {
                return Err(uri_error(
                    name,
                    "is refused: a PIN never goes on the command line; use pin-source=file:PATH \
                     or let the program ask for it",
                ));
            }
            "pin-source" => {
                let text = text_value(name, raw)?;
                // file:/p and file:///p (RFC 8089 §2); file://host/p names another machine.
                let path = match text.strip_prefix("file://") {
                    Some(rest) if rest.starts_with('/') => rest,
                    Some(_) => return Err(uri_error(name, "file://HOST/… is not supported")),
                    None => text
                        .strip_prefix("file:")
                        .ok_or_else(|| uri_error(name, "only file:PATH is supported"))?,
                };
                if path.is_empty() {
                    return Err(uri_error(name, "names no file"));
                }
                self.pin_source = Some(PinSource::File(PathBuf::from(path)));
            }
            "module-path" => {
                let text = text_value(name, raw)?;
                if text.is_empty() {
                    return Err(uri_error(name, "is empty"));
                }
                self.module_path = Some(PathBuf::from(text));
            }
            "module-name" => self.module_name = Some(text_value(name, raw)?),
            _ => {
                return Err(uri_error(
                    name,
                    "is not a PKCS#11 URI query attribute this program knows (RFC 7512 §2.3)",
                ));
            }
        }
        Ok(())
    }
}

fn uri_error(attribute: &str, problem: &str) -> Pkcs11Error {
    Pkcs11Error::InvalidUri {
        attribute: attribute.to_owned(),
        problem: problem.to_owned(),
    }
}

fn split_attr(attr: &str) -> Result<(&str, &str), Pkcs11Error> {
    let (name, value) = attr
        .split_once('=')
        .ok_or_else(|| uri_error(attr, "has no '=' and value"))?;
    // pk11-v-attr-nm-char: ALPHA / DIGIT / "-" / "_" (RFC 7512 §2.3).
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(uri_error(name, "is not a valid attribute name"));
    }
    Ok((name, value))
}

fn note_once(seen: &mut Vec<String>, name: &str) -> Result<(), Pkcs11Error> {
    if seen.iter().any(|s| s == name) {
        return Err(uri_error(name, "appears more than once (RFC 7512 §2.3)"));
    }
    seen.push(name.to_owned());
    Ok(())
}

fn text_value(name: &str, raw: &str) -> Result<String, Pkcs11Error> {
    String::from_utf8(percent_decode(name, raw)?)
        .map_err(|_| uri_error(name, "is not UTF-8 after percent-decoding"))
}

/// RFC 3986 §2.1 percent-decoding; a `%` not followed by two hex digits is an error.
fn percent_decode(name: &str, raw: &str) -> Result<Vec<u8>, Pkcs11Error> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| core::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| uri_error(name, "has a '%' not followed by two hex digits"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Ok(out)
}

fn parse_version(text: &str) -> Option<(u8, u8)> {
    let (major, minor) = match text.split_once('.') {
        Some((major, minor)) => (major, minor),
        None => (text, "0"),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(major) || !digits(minor) {
        return None;
    }
    Some((major.parse().ok()?, minor.parse().ok()?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Pkcs11Uri {
        Pkcs11Uri::parse(text).unwrap()
    }

    fn refused(text: &str) -> (String, String) {
        match Pkcs11Uri::parse(text) {
            Err(Pkcs11Error::InvalidUri { attribute, problem }) => (attribute, problem),
            other => panic!("{text}: expected InvalidUri, got {other:?}"),
        }
    }

    #[test]
    fn the_briefs_example() {
        let uri = parse(
            "pkcs11:token=Root%20CA;object=root-key;id=%01%02;type=private\
             ?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/media/usb/pin",
        );
        assert_eq!(uri.token.as_deref(), Some("Root CA"));
        assert_eq!(uri.object.as_deref(), Some("root-key"));
        assert_eq!(uri.id.as_deref(), Some(&[1u8, 2][..]));
        assert_eq!(uri.object_type, Some(ObjectType::Private));
        assert_eq!(
            uri.module_path,
            Some(PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"))
        );
        assert_eq!(
            uri.pin_source,
            Some(PinSource::File(PathBuf::from("/media/usb/pin")))
        );
    }

    // The examples of RFC 7512 §3, in order (line breaks as the RFC prints them).
    #[test]
    fn rfc7512_section3_examples() {
        assert_eq!(parse("pkcs11:"), Pkcs11Uri::default());

        let uri = parse("pkcs11:object=my-pubkey;type=public");
        assert_eq!(uri.object.as_deref(), Some("my-pubkey"));
        assert_eq!(uri.object_type, Some(ObjectType::Public));

        let uri = parse("pkcs11:object=my-key;type=private?pin-source=file:/etc/token");
        assert_eq!(
            uri.pin_source,
            Some(PinSource::File(PathBuf::from("/etc/token")))
        );

        let uri = parse(
            "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;
                    manufacturer=Snake%20Oil,%20Inc.;
                    model=1.0;
                    object=my-certificate;
                    type=cert;
                    id=%69%95%3E%5C%F4%BD%EC%91;
                    serial=
                    ?pin-source=file:/etc/token_pin",
        );
        assert_eq!(uri.token.as_deref(), Some("The Software PKCS#11 Softtoken"));
        assert_eq!(uri.manufacturer.as_deref(), Some("Snake Oil, Inc."));
        assert_eq!(uri.model.as_deref(), Some("1.0"));
        assert_eq!(uri.object_type, Some(ObjectType::Cert));
        assert_eq!(
            uri.id.as_deref(),
            Some(&[0x69u8, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91][..])
        );
        assert_eq!(uri.serial.as_deref(), Some(""));

        let uri = parse("pkcs11:object=my-sign-key;type=private?module-name=mypkcs11");
        assert_eq!(uri.module_name.as_deref(), Some("mypkcs11"));

        let uri = parse("pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1");
        assert_eq!(
            uri.module_path,
            Some(PathBuf::from("/mnt/libmypkcs11.so.1"))
        );

        let uri = parse("pkcs11:slot-description=Sun%20Metaslot");
        assert_eq!(uri.slot_description.as_deref(), Some("Sun Metaslot"));

        let uri = parse(
            "pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;
                    library-description=Soft%20Token%20Library;
                    library-version=1.23",
        );
        assert_eq!(uri.library_manufacturer.as_deref(), Some("Snake Oil, Inc."));
        assert_eq!(
            uri.library_description.as_deref(),
            Some("Soft Token Library")
        );
        assert_eq!(uri.library_version, Some((1, 23)));

        let uri = parse(
            "pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert",
        );
        assert_eq!(uri.token.as_deref(), Some("A name with a substring %;"));

        let uri = parse(
            "pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;type=cert",
        );
        assert_eq!(
            uri.token.as_deref(),
            Some("Name with a small A with acute: \u{e1}")
        );

        let uri = parse("pkcs11:slot-id=2?x-vendor-hint=yes");
        assert_eq!(uri.slot_id, Some(2));
    }

    #[test]
    fn the_example_with_pin_value_is_refused() {
        // RFC 7512 §3 shows pin-value; we never accept a PIN in a URI.
        let (attribute, problem) = refused(
            "pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-value=the-pin",
        );
        assert_eq!(attribute, "pin-value");
        assert!(
            problem.contains("never goes on the command line"),
            "{problem}"
        );
    }

    #[test]
    fn unknown_and_vendor_attributes() {
        assert_eq!(refused("pkcs11:objet=root").0, "objet");
        assert_eq!(refused("pkcs11:x-vendor=1;object=root").0, "x-vendor");
        assert_eq!(
            refused("pkcs11:object=root?pin-sorce=file:/p").0,
            "pin-sorce"
        );
        // x- query attributes are hints for other software: ignored.
        let uri = parse("pkcs11:object=root?x-mine=1&module-path=/m.so");
        assert_eq!(uri.module_path, Some(PathBuf::from("/m.so")));
    }

    #[test]
    fn malformed_uris_name_the_bad_part() {
        assert_eq!(
            refused("file:/key.pem").1,
            "does not start with \"pkcs11:\""
        );
        assert_eq!(refused("pkcs11:object=a;object=b").0, "object");
        assert_eq!(refused("pkcs11:id=%0").0, "id");
        assert_eq!(refused("pkcs11:id=%zz").0, "id");
        assert_eq!(refused("pkcs11:token=%ff").0, "token");
        assert_eq!(refused("pkcs11:type=secret").0, "type");
        assert_eq!(refused("pkcs11:slot-id=-1").0, "slot-id");
        assert_eq!(
            refused("pkcs11:slot-id=99999999999999999999999").0,
            "slot-id"
        );
        assert_eq!(refused("pkcs11:library-version=1.256").0, "library-version");
        assert_eq!(refused("pkcs11:object").0, "object");
        assert_eq!(refused("pkcs11:module-path=/m.so").0, "module-path");
        assert_eq!(
            refused("pkcs11:object=a?pin-source=/etc/pin").0,
            "pin-source"
        );
        assert_eq!(refused("pkcs11:object=a?module-path=").0, "module-path");
        assert_eq!(
            refused("pkcs11:object=a?pin-source=file://host/pin").0,
            "pin-source"
        );
        assert_eq!(
            parse("pkcs11:object=a?pin-source=file:///etc/pin").pin_source,
            Some(PinSource::File(PathBuf::from("/etc/pin")))
        );
        assert_eq!(refused("pkcs11:object=a#frag").0, "#");
    }

    #[test]
    fn scheme_is_case_insensitive() {
        assert!(Pkcs11Uri::is_pkcs11_uri("PKCS11:object=a"));
        assert!(!Pkcs11Uri::is_pkcs11_uri("ca-key.pem"));
        assert!(!Pkcs11Uri::is_pkcs11_uri("pkcs1"));
        assert_eq!(parse("PKCS11:object=a").object.as_deref(), Some("a"));
    }

    #[test]
    fn arbitrary_input_never_panics() {
        for text in [
            "pkcs11:",
            "pkcs11:;;;",
            "pkcs11:?",
            "pkcs11:?&&",
            "pkcs11:=",
            "pkcs11:=x",
            "pkcs11:id=%",
            "pkcs11:id=%%%",
            "pkcs11:\u{e9}=1",
            "pkcs11:id=\u{1f600}",
            "pkcs11:object=a?b?c",
        ] {
            let _ = Pkcs11Uri::parse(text);
        }
    }
}
