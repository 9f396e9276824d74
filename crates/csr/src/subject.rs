//! Distinguished names the way cfssl (through Go's `crypto/x509/pkix`) builds them.
//!
//! cfssl never copies a subject byte for byte: it fills a `pkix.Name` (lists per attribute
//! type, plus "extra names") and re-encodes it (docs/cfssl-compat.md §5.6). Reproducing that is what makes
//! our certificates field-equal to cfssl's:
//!
//! * RDN order is fixed: C, ST, L, street, postalCode, O, OU, CN, serialNumber, then the extra
//!   names in their own order — the order of the request is *not* kept.
//! * All values of one attribute type form **one multi-valued RDN** (a single SET, whose
//!   members DER sorts), e.g. `C = DE + C = US`. Each extra name is its own RDN. An attribute
//!   type present among the extra names suppresses the standard list of that type.
//! * Each value is a PrintableString when every character is in
//!   `A-Z a-z 0-9 space ' ( ) + , - . / : = ?`, otherwise a UTF8String.
//!
//! One deliberate difference (docs/differences.md #18): cfssl encodes any length, so a 100-character CN or
//! `"C": "USA"` gives a certificate that breaks the attribute's ASN.1 definition (pkilint:
//! FATAL) and that strict decoders refuse. [`SubjectName::to_der`] refuses values above
//! the upper bounds of RFC 5280 Appendix A.1 (`ub-common-name` 64, …; X.520 §6 for the
//! street and postal code, which RFC 5280 does not list) and a country that is not two
//! ASCII letters (ISO 3166-1 alpha-2, `ub-country-name-alpha-length` 2). Every issuing
//! path encodes the subject through it, including a CSR's subject re-encoded by `sign`.

use const_oid::ObjectIdentifier;
use der::asn1::{Any, SetOfVec};
use der::{Decode, Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{RdnSequence, RelativeDistinguishedName};

use crate::CsrError;

/// `id-at-countryName` and friends (RFC 4519 §2), the types Go's `pkix.Name` keeps in lists.
pub mod oids {
    use const_oid::ObjectIdentifier;
    use const_oid::db::rfc4519;

    /// countryName (2.5.4.6)
    pub const COUNTRY: ObjectIdentifier = rfc4519::C;
    /// stateOrProvinceName (2.5.4.8)
    pub const PROVINCE: ObjectIdentifier = rfc4519::ST;
    /// localityName (2.5.4.7)
    pub const LOCALITY: ObjectIdentifier = rfc4519::L;
    /// streetAddress (2.5.4.9)
    pub const STREET: ObjectIdentifier = rfc4519::STREET;
    /// postalCode (2.5.4.17)
    pub const POSTAL_CODE: ObjectIdentifier = rfc4519::POSTAL_CODE;
    /// organizationName (2.5.4.10)
    pub const ORGANIZATION: ObjectIdentifier = rfc4519::O;
    /// organizationalUnitName (2.5.4.11)
    pub const ORGANIZATIONAL_UNIT: ObjectIdentifier = rfc4519::OU;
    /// commonName (2.5.4.3)
    pub const COMMON_NAME: ObjectIdentifier = rfc4519::CN;
    /// serialNumber (2.5.4.5)
    pub const SERIAL_NUMBER: ObjectIdentifier = rfc4519::SERIAL_NUMBER;
    /// emailAddress (1.2.840.113549.1.9.1, PKCS #9)
    pub const EMAIL_ADDRESS: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");
    /// domainComponent (0.9.2342.19200300.100.1.25, RFC 4519 §2.4)
    pub const DOMAIN_COMPONENT: ObjectIdentifier = rfc4519::DC;
}

/// The warning for a subject whose e-mail or domain-component attributes we write as
/// IA5String where cfssl would not (differences table, row 15).
pub const IA5_SUBJECT_WARNING: &str = "subject emailAddress/domainComponent written as IA5String, \
     as RFC 5280 Appendix A requires (cfssl writes PrintableString/UTF8String, which strict \
     parsers reject)";

/// One attribute value outside the standard lists (Go's `pkix.Name.ExtraNames`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraName {
    /// The attribute type.
    pub oid: ObjectIdentifier,
    /// The value: a string (re-encoded with Go's string-type rule) or, when a parsed CSR
    /// carried a non-string value, the original DER element, kept verbatim.
    pub value: AttributeValue,
}

/// An attribute value as Go's `pkix.AttributeTypeAndValue.Value` holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeValue {
    /// A string, encoded PrintableString or UTF8String on output.
    Text(String),
    /// Any other ASN.1 value, re-emitted as it came.
    Raw(Any),
}

/// A subject as Go's `pkix.Name`: one list per common attribute type, plus extra names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubjectName {
    /// C values, in order.
    pub country: Vec<String>,
    /// ST values.
    pub province: Vec<String>,
    /// L values.
    pub locality: Vec<String>,
    /// street values.
    pub street_address: Vec<String>,
    /// postalCode values.
    pub postal_code: Vec<String>,
    /// O values.
    pub organization: Vec<String>,
    /// OU values.
    pub organizational_unit: Vec<String>,
    /// CN ("" when absent). Go keeps only the last one seen.
    pub common_name: String,
    /// serialNumber attribute ("" when absent).
    pub serial_number: String,
    /// Everything else, in order (e-mail addresses, custom OIDs).
    pub extra_names: Vec<ExtraName>,
    /// Every attribute of the DN in DER order, as parsed (Go's `Names`); empty for built names.
    pub names: Vec<ExtraName>,
}

impl SubjectName {
    /// True when an attribute is written as IA5String where cfssl would write
    /// PrintableString/UTF8String (an ASCII emailAddress or domainComponent).
    pub fn has_ia5_attributes(&self) -> bool {
        self.extra_names.iter().any(|e| {
            is_ia5_type(&e.oid) && matches!(&e.value, AttributeValue::Text(t) if t.is_ascii())
        })
    }

    /// True when no attribute at all would be encoded.
    pub fn is_empty(&self) -> bool {
        self.country.is_empty()
            && self.province.is_empty()
            && self.locality.is_empty()
            && self.street_address.is_empty()
            && self.postal_code.is_empty()
            && self.organization.is_empty()
            && self.organizational_unit.is_empty()
            && self.common_name.is_empty()
            && self.serial_number.is_empty()
            && self.extra_names.is_empty()
    }

    /// The attributes that hold a list of values, in Go's `ToRDNSequence` order.
    fn multi_valued_attributes(&self) -> [(&[String], ObjectIdentifier); 7] {
        [
            (&self.country, oids::COUNTRY),
            (&self.province, oids::PROVINCE),
            (&self.locality, oids::LOCALITY),
            (&self.street_address, oids::STREET),
            (&self.postal_code, oids::POSTAL_CODE),
            (&self.organization, oids::ORGANIZATION),
            (&self.organizational_unit, oids::ORGANIZATIONAL_UNIT),
        ]
    }

    /// Refuses attribute values that break their upper bound or, for the country, the
    /// two-letter syntax (module docs). Values we keep as raw DER are not looked at.
    pub fn check_bounds(&self) -> Result<(), CsrError> {
        let lists = self.multi_valued_attributes();
        for (values, oid) in lists {
            for v in values {
                check_attribute(oid, v)?;
            }
        }
        if !self.common_name.is_empty() {
            check_attribute(oids::COMMON_NAME, &self.common_name)?;
        }
        if !self.serial_number.is_empty() {
            check_attribute(oids::SERIAL_NUMBER, &self.serial_number)?;
        }
        for extra in &self.extra_names {
            if let AttributeValue::Text(t) = &extra.value {
                check_attribute(extra.oid, t)?;
            }
        }
        Ok(())
    }

    /// Encodes the DER `Name` exactly as Go's `pkix.Name.ToRDNSequence` + `asn1.Marshal`
    /// would (module docs), after [`SubjectName::check_bounds`]. Fails otherwise only on
    /// DER length overflow.
    pub fn to_der(&self) -> Result<Vec<u8>, CsrError> {
        self.check_bounds()?;
        let mut rdns = RdnSequence::default();
        let lists = self.multi_valued_attributes();
        let overridden = |oid: &ObjectIdentifier| self.extra_names.iter().any(|e| e.oid == *oid);
        let cn = [self.common_name.clone()];
        let sn = [self.serial_number.clone()];
        let mut ordered: Vec<(&[String], ObjectIdentifier)> = lists.to_vec();
        if !self.common_name.is_empty() {
            ordered.push((&cn, oids::COMMON_NAME));
        }
        if !self.serial_number.is_empty() {
            ordered.push((&sn, oids::SERIAL_NUMBER));
        }
        for (values, oid) in ordered {
            if values.is_empty() || overridden(&oid) {
                continue;
            }
            let atvs = values
                .iter()
                .map(|v| text_atv(oid, v))
                .collect::<Result<Vec<_>, _>>()?;
            rdns.push(rdn_of(atvs)?);
        }
        for extra in &self.extra_names {
            let atv = match &extra.value {
                AttributeValue::Text(t) => text_atv(extra.oid, t)?,
                AttributeValue::Raw(any) => AttributeTypeAndValue {
                    oid: extra.oid,
                    value: any.clone(),
                },
            };
            rdns.push(rdn_of(vec![atv])?);
        }
        Ok(rdns.to_der()?)
    }

    /// Parses a DER `Name` the way Go's `pkix.Name.FillFromRDNSequence` does: C, ST, L,
    /// street, O, OU and postalCode values are appended to their lists, CN and serialNumber
    /// keep the last value seen, every other attribute becomes an extra name. Non-string
    /// values of known types are dropped from the lists (Go keeps them only in `Names`).
    pub fn from_der(der: &[u8]) -> Result<SubjectName, CsrError> {
        let rdns = RdnSequence::from_der(der)?;
        let mut name = SubjectName::default();
        for rdn in rdns.iter() {
            for atv in rdn.iter() {
                let text = decode_string(&atv.value);
                name.names.push(ExtraName {
                    oid: atv.oid,
                    value: match &text {
                        Some(t) => AttributeValue::Text(t.clone()),
                        None => AttributeValue::Raw(atv.value.clone()),
                    },
                });
                let list = match atv.oid {
                    o if o == oids::COUNTRY => Some(&mut name.country),
                    o if o == oids::PROVINCE => Some(&mut name.province),
                    o if o == oids::LOCALITY => Some(&mut name.locality),
                    o if o == oids::STREET => Some(&mut name.street_address),
                    o if o == oids::ORGANIZATION => Some(&mut name.organization),
                    o if o == oids::ORGANIZATIONAL_UNIT => Some(&mut name.organizational_unit),
                    o if o == oids::POSTAL_CODE => Some(&mut name.postal_code),
                    _ => None,
                };
                match (list, text) {
                    (Some(list), Some(t)) => list.push(t),
                    (Some(_), None) => {}
                    (None, Some(t)) if atv.oid == oids::COMMON_NAME => name.common_name = t,
                    (None, Some(t)) if atv.oid == oids::SERIAL_NUMBER => name.serial_number = t,
                    (None, _) if atv.oid == oids::COMMON_NAME || atv.oid == oids::SERIAL_NUMBER => {
                    }
                    (None, text) => name.extra_names.push(ExtraName {
                        oid: atv.oid,
                        value: match text {
                            Some(t) => AttributeValue::Text(t),
                            None => AttributeValue::Raw(atv.value.clone()),
                        },
                    }),
                }
            }
        }
        Ok(name)
    }
}

/// The request's name for an attribute type, its upper bound in characters and where the
/// bound is defined; `None` for types without a bound we know of.
fn upper_bound(oid: &ObjectIdentifier) -> Option<(&'static str, usize, &'static str)> {
    const TITLE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.12");
    const PSEUDONYM: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.65");
    // name, surname, givenName, initials, generationQualifier: all X520name.
    const X520_NAMES: [ObjectIdentifier; 5] = [
        ObjectIdentifier::new_unwrap("2.5.4.41"),
        ObjectIdentifier::new_unwrap("2.5.4.4"),
        ObjectIdentifier::new_unwrap("2.5.4.42"),
        ObjectIdentifier::new_unwrap("2.5.4.43"),
        ObjectIdentifier::new_unwrap("2.5.4.44"),
    ];
    Some(match *oid {
        o if o == oids::COMMON_NAME => ("CN", 64, "ub-common-name, RFC 5280 Appendix A.1"),
        o if o == oids::LOCALITY => ("L", 128, "ub-locality-name, RFC 5280 Appendix A.1"),
        o if o == oids::PROVINCE => ("ST", 128, "ub-state-name, RFC 5280 Appendix A.1"),
        o if o == oids::ORGANIZATION => ("O", 64, "ub-organization-name, RFC 5280 Appendix A.1"),
        o if o == oids::ORGANIZATIONAL_UNIT => (
            "OU",
            64,
            "ub-organizational-unit-name, RFC 5280 Appendix A.1",
        ),
        o if o == oids::SERIAL_NUMBER => (
            "serialNumber",
            64,
            "ub-serial-number, RFC 5280 Appendix A.1",
        ),
        o if o == oids::EMAIL_ADDRESS => {
            ("E", 255, "ub-emailaddress-length, RFC 5280 Appendix A.1")
        }
        o if o == oids::STREET => ("street", 128, "ub-street-address, X.520 §6.3.2"),
        o if o == oids::POSTAL_CODE => ("postalCode", 40, "ub-postal-code, X.520 §6.3.4"),
        o if o == TITLE => ("title", 64, "ub-title, RFC 5280 Appendix A.1"),
        o if o == PSEUDONYM => ("pseudonym", 128, "ub-pseudonym, RFC 5280 Appendix A.1"),
        o if X520_NAMES.contains(&o) => ("name", 32768, "ub-name, RFC 5280 Appendix A.1"),
        _ => return None,
    })
}

fn check_attribute(oid: ObjectIdentifier, value: &str) -> Result<(), CsrError> {
    let err = |field: &str, reason: String| CsrError::SubjectAttribute {
        field: field.to_owned(),
        value: value.to_owned(),
        reason,
    };
    if oid == oids::COUNTRY {
        // CountryName ::= PrintableString (SIZE (2)), an ISO 3166-1 alpha-2 code.
        if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(err(
                "C",
                "is not a two-letter ISO 3166-1 alpha-2 country code \
                 (ub-country-name-alpha-length 2, RFC 5280 Appendix A.1)"
                    .into(),
            ));
        }
        return Ok(());
    }
    let Some((field, bound, source)) = upper_bound(&oid) else {
        return Ok(());
    };
    let length = value.chars().count();
    if length > bound {
        let field = if matches!(field, "name") {
            format!("OID {oid}")
        } else {
            field.to_owned()
        };
        return Err(err(
            &field,
            format!("is {length} characters long; at most {bound} are allowed ({source})"),
        ));
    }
    Ok(())
}

/// Go's `isPrintable` with asterisk and ampersand rejected: the PrintableString alphabet
/// (X.680 §41.4).
pub fn is_printable_string(s: &str) -> bool {
    s.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b'\'' | b'(' | b')' | b'+' | b',' | b'-' | b'.' | b'/' | b':' | b'=' | b'?'
            )
    })
}

/// Attribute types that RFC 5280 Appendix A (and PKCS #9) define as IA5String. Go writes
/// them like any other string; we keep them IA5 when the value allows it (ASCII).
fn is_ia5_type(oid: &ObjectIdentifier) -> bool {
    *oid == oids::EMAIL_ADDRESS || *oid == oids::DOMAIN_COMPONENT
}

fn text_atv(oid: ObjectIdentifier, value: &str) -> Result<AttributeTypeAndValue, CsrError> {
    let tag = if is_ia5_type(&oid) && value.is_ascii() {
        Tag::Ia5String
    } else if is_printable_string(value) {
        Tag::PrintableString
    } else {
        Tag::Utf8String
    };
    Ok(AttributeTypeAndValue {
        oid,
        value: Any::new(tag, value.as_bytes())?,
    })
}

fn rdn_of(atvs: Vec<AttributeTypeAndValue>) -> Result<RelativeDistinguishedName, CsrError> {
    // SetOfVec sorts its members by their DER encoding, which is what Go's SET OF
    // marshalling does for a multi-valued RDN.
    let set = SetOfVec::try_from(atvs)?;
    Ok(RelativeDistinguishedName::try_from(set.into_vec())?)
}

/// The string inside a DirectoryString-like value, when it is one Go's `asn1.Unmarshal`
/// into `interface{}` turns into a Go string.
fn decode_string(value: &Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::NumericString => {
            std::str::from_utf8(bytes).ok().map(str::to_owned)
        }
        // T61String: Go decodes it as ISO 8859-1.
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn printable_alphabet_matches_go() {
        assert!(is_printable_string("system:masters"));
        assert!(is_printable_string("Kubernetes The Hard Way"));
        assert!(!is_printable_string("*.example.com"));
        assert!(!is_printable_string("a&b"));
        assert!(!is_printable_string("me@x.org"));
        assert!(!is_printable_string("kube_dns"));
        assert!(!is_printable_string("bücher"));
    }

    #[test]
    fn fixed_order_and_multivalued_rdn() {
        let name = SubjectName {
            country: vec!["US".into(), "DE".into()],
            organization: vec!["O".into()],
            locality: vec!["L".into()],
            common_name: "cn".into(),
            ..Default::default()
        };
        let der = name.to_der().unwrap();
        let parsed = RdnSequence::from_der(&der).unwrap();
        let order: Vec<Vec<String>> = parsed
            .iter()
            .map(|rdn| rdn.iter().map(|a| a.oid.to_string()).collect())
            .collect();
        assert_eq!(
            order,
            vec![
                vec!["2.5.4.6".to_string(), "2.5.4.6".to_string()],
                vec!["2.5.4.7".to_string()],
                vec!["2.5.4.10".to_string()],
                vec!["2.5.4.3".to_string()],
            ]
        );
        // DE sorts before US inside the SET.
        let first: Vec<&[u8]> = parsed
            .iter()
            .next()
            .unwrap()
            .iter()
            .map(|a| a.value.value())
            .collect();
        assert_eq!(first, vec![b"DE".as_slice(), b"US".as_slice()]);
    }

    #[test]
    fn empty_subject_is_empty_sequence() {
        assert_eq!(hex(&SubjectName::default().to_der().unwrap()), "3000");
    }

    #[test]
    fn extra_name_suppresses_standard_list() {
        let name = SubjectName {
            organization: vec!["std".into()],
            extra_names: vec![ExtraName {
                oid: oids::ORGANIZATION,
                value: AttributeValue::Text("extra".into()),
            }],
            ..Default::default()
        };
        let back = SubjectName::from_der(&name.to_der().unwrap()).unwrap();
        assert_eq!(back.organization, vec!["extra".to_string()]);
    }

    #[test]
    fn round_trip_through_go_rules() {
        let name = SubjectName {
            country: vec!["US".into()],
            province: vec!["Oregon".into()],
            locality: vec!["Portland".into()],
            organization: vec!["system:masters".into()],
            organizational_unit: vec!["Kubernetes The Hard Way".into()],
            common_name: "*.example.com".into(),
            serial_number: "1234".into(),
            extra_names: vec![ExtraName {
                oid: oids::EMAIL_ADDRESS,
                value: AttributeValue::Text("me@x.org".into()),
            }],
            ..Default::default()
        };
        let der = name.to_der().unwrap();
        let mut back = SubjectName::from_der(&der).unwrap();
        back.names.clear();
        assert_eq!(back, name);
        let rdns = RdnSequence::from_der(&der).unwrap();
        let tags: Vec<Tag> = rdns
            .iter()
            .flat_map(|r| r.iter().map(|a| a.value.tag()))
            .collect();
        assert_eq!(
            tags,
            vec![
                Tag::PrintableString,
                Tag::PrintableString,
                Tag::PrintableString,
                Tag::PrintableString,
                Tag::PrintableString,
                Tag::Utf8String,
                Tag::PrintableString,
                Tag::Ia5String // emailAddress: RFC 5280, not Go (README difference 15)
            ]
        );
    }

    #[test]
    fn upper_bounds_are_enforced() {
        let with = |f: &dyn Fn(&mut SubjectName)| {
            let mut n = SubjectName::default();
            f(&mut n);
            n
        };
        let refused = |n: SubjectName, field: &str, limit: &str| {
            let e = n.to_der().unwrap_err();
            let msg = e.to_string();
            assert!(
                matches!(&e, CsrError::SubjectAttribute { field: f, .. } if f == field),
                "{msg}"
            );
            assert!(msg.contains(limit), "{msg}");
            assert_eq!(e.code(), Some(1300));
        };
        refused(
            with(&|n| n.common_name = "c".repeat(100)),
            "CN",
            "at most 64",
        );
        refused(with(&|n| n.country = vec!["USA".into()]), "C", "two-letter");
        refused(with(&|n| n.country = vec!["U1".into()]), "C", "two-letter");
        refused(
            with(&|n| n.organization = vec!["o".repeat(65)]),
            "O",
            "at most 64",
        );
        refused(
            with(&|n| n.organizational_unit = vec!["o".repeat(65)]),
            "OU",
            "at most 64",
        );
        refused(
            with(&|n| n.locality = vec!["l".repeat(129)]),
            "L",
            "at most 128",
        );
        refused(
            with(&|n| n.province = vec!["s".repeat(129)]),
            "ST",
            "at most 128",
        );
        refused(
            with(&|n| n.serial_number = "1".repeat(65)),
            "serialNumber",
            "at most 64",
        );
        refused(
            with(&|n| {
                n.extra_names = vec![ExtraName {
                    oid: oids::EMAIL_ADDRESS,
                    value: AttributeValue::Text(format!("{}@x.org", "a".repeat(250))),
                }]
            }),
            "E",
            "at most 255",
        );
        // At the bound is fine, and the bound counts characters, not UTF-8 octets.
        let ok = SubjectName {
            common_name: "é".repeat(64),
            country: vec!["US".into(), "de".into()],
            organization: vec!["o".repeat(64)],
            locality: vec!["l".repeat(128)],
            ..Default::default()
        };
        assert!(ok.to_der().is_ok());
    }

    #[test]
    fn request_subject_is_checked_before_any_key_is_made() {
        let r =
            crate::CertificateRequest::from_json(br#"{"CN":"x","names":[{"C":"USA"}]}"#).unwrap();
        let e = r.subject().unwrap_err();
        assert_eq!(
            e.to_string(),
            "subject C \"USA\" is not a two-letter ISO 3166-1 alpha-2 country code \
             (ub-country-name-alpha-length 2, RFC 5280 Appendix A.1)"
        );
    }

    #[test]
    fn email_and_dc_are_ia5() {
        let name = SubjectName {
            common_name: "x".into(),
            extra_names: vec![
                ExtraName {
                    oid: oids::EMAIL_ADDRESS,
                    value: AttributeValue::Text("ops@example.com".into()),
                },
                ExtraName {
                    oid: oids::DOMAIN_COMPONENT,
                    value: AttributeValue::Text("example".into()),
                },
                ExtraName {
                    oid: oids::EMAIL_ADDRESS,
                    value: AttributeValue::Text("jörg@example.com".into()),
                },
            ],
            ..Default::default()
        };
        assert!(name.has_ia5_attributes());
        let der = name.to_der().unwrap();
        let find = |needle: &[u8]| der.windows(needle.len()).any(|w| w == needle);
        // IA5String (tag 0x16) for the ASCII e-mail and the domain component
        assert!(find(b"\x16\x0fops@example.com"));
        assert!(find(b"\x16\x07example"));
        // a non-ASCII e-mail cannot be IA5: UTF8String as Go writes it
        assert!(find(
            &[&[0x0c, 17][..], "jörg@example.com".as_bytes()].concat()
        ));
        let plain = SubjectName {
            common_name: "x".into(),
            ..Default::default()
        };
        assert!(!plain.has_ia5_attributes());
    }
}
