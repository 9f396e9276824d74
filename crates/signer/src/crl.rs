//! Certificate revocation lists for `gencrl` (cfssl.md §1.7.8, §5.15), made RFC 5280
//! conformant (differences.md #14): cfssl's Go `CreateCRL` writes no CRL Number (a MUST of
//! RFC 5280 §5.2.3) and signs SHA-256 whatever the key; we add the CRL Number, sign with
//! the same algorithm as certificates (cfssl.md §5.5) and set the AKI to the issuer's SKI
//! (RFC 5280 §5.2.1) — which is what lets OpenSSL match a CRL to an intermediate.
//!
//! ```text
//! CertificateList  ::=  SEQUENCE  {
//!      tbsCertList          TBSCertList,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//!
//! TBSCertList  ::=  SEQUENCE  {
//!      version                 Version OPTIONAL,  -- v2
//!      signature               AlgorithmIdentifier,
//!      issuer                  Name,
//!      thisUpdate              Time,
//!      nextUpdate              Time OPTIONAL,
//!      revokedCertificates     SEQUENCE OF SEQUENCE  {
//!           userCertificate         CertificateSerialNumber,
//!           revocationDate          Time,
//!           crlEntryExtensions      Extensions OPTIONAL } OPTIONAL,
//!      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL }
//! ```
//! (RFC 5280 §5.1)

use cfssl_keys::PrivateKey;
use const_oid::db::rfc5280 as oids;
use der::Encode;
use time::{Duration, OffsetDateTime};

use crate::SignError;
use crate::certificate::ParsedCertificate;
use crate::der_writer as w;
use crate::extensions::{self as x, CertExtension};

/// A serial from the list, as a signed decimal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedSerial {
    /// True for a leading `-`.
    pub negative: bool,
    /// Decimal digits without sign or leading zeros ("0" for zero).
    pub digits: String,
}

/// cfssl's serial-list reading: split on `\n`, skip lines that are blank after trimming,
/// and read each other line as Go's `big.Int.SetString(line, 10)` whose failure cfssl
/// ignores — in effect the longest leading `[+-]?[0-9]+`, or 0 (`12\r` → 12, `  42  ` → 0,
/// `0x1f` → 0).
pub fn parse_serial_list(text: &str) -> Vec<ListedSerial> {
    text.split('\n')
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (negative, rest) = match line.as_bytes().first() {
                Some(b'-') => (true, &line[1..]),
                Some(b'+') => (false, &line[1..]),
                _ => (false, line),
            };
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let trimmed = digits.trim_start_matches('0');
            if trimmed.is_empty() {
                ListedSerial {
                    negative: false,
                    digits: "0".into(),
                }
            } else {
                ListedSerial {
                    negative,
                    digits: trimmed.into(),
                }
            }
        })
        .collect()
}

impl ListedSerial {
    /// DER INTEGER (minimal two's complement).
    pub fn to_der(&self) -> Vec<u8> {
        // decimal → big-endian magnitude
        let mut mag: Vec<u8> = Vec::new();
        for d in self.digits.bytes().map(|b| u32::from(b - b'0')) {
            let mut carry = d;
            for byte in mag.iter_mut().rev() {
                let v = u32::from(*byte) * 10 + carry;
                *byte = (v & 0xff) as u8;
                carry = v >> 8;
            }
            while carry > 0 {
                mag.insert(0, (carry & 0xff) as u8);
                carry >>= 8;
            }
        }
        if !self.negative {
            return w::unsigned_integer(&mag);
        }
        // two's complement of the magnitude, with one extra octet for the sign.
        let mut bytes = vec![0u8];
        bytes.extend(&mag);
        for b in bytes.iter_mut() {
            *b = !*b;
        }
        for b in bytes.iter_mut().rev() {
            let (v, overflow) = b.overflowing_add(1);
            *b = v;
            if !overflow {
                break;
            }
        }
        while bytes.len() > 1 && bytes[0] == 0xff && bytes[1] & 0x80 != 0 {
            bytes.remove(0);
        }
        w::tlv(w::tag::INTEGER, &bytes)
    }
}

/// Go's `strconv.ParseInt(strings.TrimSpace(s), 0, 32)` with Go's error texts.
pub fn parse_go_int32(s: &str) -> Result<i64, String> {
    let trimmed = s.trim();
    cfssl_json::strconv::parse_int(trimmed, 32).map_err(|e| e.message(trimmed))
}

/// Builds and signs the CRL. `lifetime` is the time to nextUpdate (cfssl: TIME seconds,
/// default one week); a non-positive lifetime is refused. `crl_number` should grow with each
/// CRL the CA issues: the CLI uses thisUpdate's Unix time.
pub fn build(
    serials: &[ListedSerial],
    ca: &ParsedCertificate,
    key: &PrivateKey,
    now: OffsetDateTime,
    lifetime: Duration,
) -> Result<Vec<u8>, SignError> {
    if lifetime <= Duration::ZERO {
        return Err(SignError::InvalidValidity(
            "the CRL lifetime must be positive: nextUpdate before thisUpdate makes a CRL that is stale when issued".into(),
        ));
    }
    let this_update = now.replace_nanosecond(0).unwrap_or(now);
    let next_update = this_update
        .checked_add(lifetime)
        .ok_or_else(|| SignError::InvalidValidity("CRL lifetime out of range".into()))?;
    let revoked: Vec<Vec<u8>> = serials
        .iter()
        .map(|s| w::sequence(&[&s.to_der(), &w::time(this_update)]))
        .collect();
    let revoked_refs: Vec<&[u8]> = revoked.iter().map(Vec::as_slice).collect();
    let revoked_seq = if revoked.is_empty() {
        Vec::new()
    } else {
        w::sequence(&revoked_refs)
    };
    let key_id = match &ca.subject_key_id {
        Some(id) => id.clone(),
        None => ca.public_key.subject_key_id().to_vec(),
    };
    let crl_number = this_update.unix_timestamp().max(0).to_be_bytes();
    let extensions: Vec<CertExtension> = vec![
        x::ext(
            oids::ID_CE_AUTHORITY_KEY_IDENTIFIER,
            false,
            x::authority_key_identifier(&key_id),
        ),
        x::ext(
            oids::ID_CE_CRL_NUMBER,
            false,
            w::unsigned_integer(&crl_number),
        ),
    ];
    let ext_der: Vec<Vec<u8>> = extensions.iter().map(CertExtension::to_der).collect();
    let ext_refs: Vec<&[u8]> = ext_der.iter().map(Vec::as_slice).collect();
    let algorithm = key.signature_algorithm();
    let tbs = w::sequence(&[
        &w::signed_integer(1),
        &algorithm.to_der()?,
        &ca.subject_der,
        &w::time(this_update),
        &w::time(next_update),
        &revoked_seq,
        &w::context_constructed(0, &w::sequence(&ext_refs)),
    ]);
    let signature = key
        .sign_as_issuer(&algorithm, &tbs, &ca.public_key)
        .map_err(SignError::from_signing)?;
    Ok(w::sequence(&[
        &tbs,
        &algorithm.to_der()?,
        &w::bit_string(&signature),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A root CA (P-256) made as `gencert -initca` makes it, and its key.
    fn root(cn: &str) -> (ParsedCertificate, PrivateKey) {
        let request = cfssl_csr::CertificateRequest::from_json(
            format!(r#"{{"CN":"{cn}","key":{{"algo":"ecdsa","size":256}}}}"#).as_bytes(),
        )
        .unwrap();
        let key = PrivateKey::generate(cfssl_keys::KeySpec::EcdsaP256).unwrap();
        let csr = cfssl_csr::generate(&key, &request)
            .unwrap()
            .verified()
            .unwrap();
        let policy = crate::initca::ca_policy(&request, true).unwrap();
        let issued =
            crate::initca::self_sign(&csr, &key, &policy, OffsetDateTime::now_utc()).unwrap();
        (
            ParsedCertificate::from_pem(issued.pem.as_bytes()).unwrap(),
            key,
        )
    }

    #[test]
    fn the_signature_is_checked_with_the_ca_certificates_key() {
        let (ca, key) = root("CRL CA");
        let (_, other) = root("Other CA");
        let lifetime = Duration::hours(1);
        let now = OffsetDateTime::now_utc();
        let der = build(&[], &ca, &key, now, lifetime).unwrap();
        assert!(!der.is_empty());
        // A key that is not the certificate's: refused, as cfssl's 1000.
        let err = build(&[], &ca, &other, now, lifetime).unwrap_err();
        assert!(matches!(err, SignError::KeyMismatch), "{err:?}");
        assert_eq!(err.code(), Some(1000));
    }

    #[test]
    fn serial_list_is_read_like_cfssl() {
        let s = parse_serial_list("1234\n\n5678\r\n0x1f2e3d\n  42  \nnot-a-number\n-5\n+7\n1_0\n");
        let d: Vec<String> = s
            .iter()
            .map(|x| format!("{}{}", if x.negative { "-" } else { "" }, x.digits))
            .collect();
        assert_eq!(d, ["1234", "5678", "0", "0", "0", "-5", "7", "1"]);
    }

    #[test]
    fn serial_der() {
        let s = |t: &str| parse_serial_list(t).remove(0).to_der();
        assert_eq!(s("1234"), vec![2, 2, 0x04, 0xd2]);
        assert_eq!(
            s("999999999999999999999"),
            vec![2, 9, 0x36, 0x35, 0xc9, 0xad, 0xc5, 0xde, 0x9f, 0xff, 0xff]
        );
        assert_eq!(s("-5"), vec![2, 1, 0xfb]);
        assert_eq!(s("-128"), vec![2, 1, 0x80]);
        assert_eq!(s("-129"), vec![2, 2, 0xff, 0x7f]);
        assert_eq!(s("0"), vec![2, 1, 0]);
    }

    #[test]
    fn go_int32() {
        assert_eq!(parse_go_int32("86400"), Ok(86400));
        assert_eq!(parse_go_int32(" 0x10 "), Ok(16));
        assert_eq!(parse_go_int32("0o17"), Ok(15));
        assert_eq!(parse_go_int32("017"), Ok(15));
        assert_eq!(parse_go_int32("-5"), Ok(-5));
        assert_eq!(parse_go_int32("0x_1_0"), Ok(16));
        assert_eq!(
            parse_go_int32("ttl.txt").unwrap_err(),
            "strconv.ParseInt: parsing \"ttl.txt\": invalid syntax"
        );
        assert_eq!(
            parse_go_int32("99999999999").unwrap_err(),
            "strconv.ParseInt: parsing \"99999999999\": value out of range"
        );
        // Go integer-literal underscores: between digits only (base 0 allows them).
        assert_eq!(parse_go_int32("1_0"), Ok(10));
        assert!(parse_go_int32("1__0").is_err());
        assert!(parse_go_int32("_10").is_err());
        assert!(parse_go_int32("10_").is_err());
    }
}
