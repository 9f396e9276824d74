//! Certificate revocation lists for `gencrl` (docs/cfssl-compat.md §1.7.8, §5.15), made RFC 5280
//! conformant (docs/differences.md #14): cfssl's Go `CreateCRL` writes no CRL Number (a MUST of
//! RFC 5280 §5.2.3) and signs SHA-256 whatever the key; we add the CRL Number, sign with
//! the same algorithm as certificates (docs/cfssl-compat.md §5.5) and set the AKI to the issuer's SKI
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

use cfssl_keys::SigningKey;
use const_oid::db::rfc5280 as oids;
use der::Encode;
use time::{Duration, OffsetDateTime};

use crate::SignError;
use crate::certificate::ParsedCertificate;
use crate::der_writer as w;
use crate::extensions::{self as x, CertExtension};

/// A serial number to revoke: positive and at most 20 octets as a DER INTEGER, as RFC 5280
/// §4.1.2.2 requires of every certificate serial ("Conforming CAs MUST NOT use serialNumber
/// values longer than 20 octets"; "The serial number MUST be a positive integer").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevokedSerial {
    /// Big-endian magnitude without leading zero octets (never empty: zero is refused).
    magnitude: Vec<u8>,
}

/// Why a line of the serial list is not a serial number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadSerial {
    /// Neither a decimal integer nor one of the hexadecimal forms.
    NotANumber,
    /// A leading `-`.
    Negative,
    /// Zero (RFC 5280 §4.1.2.2: positive).
    Zero,
    /// More than 20 octets as a DER INTEGER (RFC 5280 §4.1.2.2).
    TooLong,
}

impl std::fmt::Display for BadSerial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BadSerial::NotANumber => {
                "not a decimal serial number (write a hexadecimal serial, as openssl prints it, \
                 as hex:26D0AD… or 26:D0:AD:…)"
            }
            BadSerial::Negative => "a serial number must be positive (RFC 5280 4.1.2.2)",
            BadSerial::Zero => "a serial number must be positive, not zero (RFC 5280 4.1.2.2)",
            BadSerial::TooLong => {
                "longer than the 20 octets RFC 5280 4.1.2.2 allows a serial number"
            }
        })
    }
}

/// The serial list of `gencrl` (docs/cfssl-compat.md §1.7.8), read strictly (docs/differences.md #16).
///
/// cfssl splits on `\n`, skips blank lines and reads each other line with Go's
/// `big.Int.SetString(line, 10)`, ignoring its failure: `0x10`, `26D0AD` (as
/// `openssl x509 -serial` prints it) or ` 12 ` silently become 0 or a numeric prefix, and the
/// certificate meant to be revoked stays valid. Here each line, after trimming whitespace
/// (including a trailing CR), must be one of
/// * a decimal integer (`[0-9]+`), cfssl's format;
/// * `hex:` followed by hexadecimal digits (our extension; `hex:26D0AD`);
/// * two-digit hexadecimal groups separated by colons, as `openssl x509 -text` prints serials
///   (our extension; `26:d0:ad`, at least two groups so that `12` stays decimal);
///
/// and name a positive serial of at most 20 octets. The first line that is not is returned
/// as an error with its 1-based number and content.
pub fn parse_serial_list(text: &str) -> Result<Vec<RevokedSerial>, SignError> {
    let mut serials = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let serial = parse_serial(trimmed).map_err(|reason| SignError::SerialList {
            line: index + 1,
            content: trimmed.to_owned(),
            reason,
        })?;
        serials.push(serial);
    }
    Ok(serials)
}

/// One trimmed, non-empty line of the serial list.
fn parse_serial(text: &str) -> Result<RevokedSerial, BadSerial> {
    let magnitude = if let Some(hex) = text.strip_prefix("hex:") {
        from_hex_digits(hex)?
    } else if text.contains(':') {
        let groups: Vec<&str> = text.split(':').collect();
        if groups
            .iter()
            .any(|g| g.len() != 2 || !g.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(BadSerial::NotANumber);
        }
        from_hex_digits(&groups.concat())?
    } else if let Some(digits) = text.strip_prefix('-') {
        return Err(
            if digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty() {
                BadSerial::Negative
            } else {
                BadSerial::NotANumber
            },
        );
    } else {
        from_decimal_digits(text)?
    };
    RevokedSerial::from_magnitude(&magnitude)
}

/// Big-endian bytes of a hexadecimal digit string.
fn from_hex_digits(hex: &str) -> Result<Vec<u8>, BadSerial> {
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(BadSerial::NotANumber);
    }
    if hex.len() > 2 * 64 {
        return Err(BadSerial::TooLong);
    }
    let padded = if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex.to_owned()
    };
    padded
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or(BadSerial::NotANumber)
        })
        .collect()
}

/// Big-endian bytes of a decimal digit string.
fn from_decimal_digits(digits: &str) -> Result<Vec<u8>, BadSerial> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BadSerial::NotANumber);
    }
    // 20 octets hold fewer than 49 decimal digits; more (after leading zeros) cannot fit.
    if digits.trim_start_matches('0').len() > 64 {
        return Err(BadSerial::TooLong);
    }
    let mut magnitude: Vec<u8> = Vec::new();
    for digit in digits.bytes().map(|b| u32::from(b - b'0')) {
        let mut carry = digit;
        for byte in magnitude.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            magnitude.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    Ok(magnitude)
}

impl RevokedSerial {
    /// A serial from its decimal text, as cfssl's certdb stores it (docs/cfssl-lifecycle.md
    /// §1.3): digits only, positive, at most 20 octets.
    pub fn from_decimal(text: &str) -> Result<RevokedSerial, BadSerial> {
        RevokedSerial::from_magnitude(&from_decimal_digits(text)?)
    }

    /// A serial from its big-endian magnitude (leading zeros allowed): positive, at most 20
    /// octets as a DER INTEGER.
    pub fn from_magnitude(magnitude: &[u8]) -> Result<RevokedSerial, BadSerial> {
        let magnitude: Vec<u8> = magnitude.iter().copied().skip_while(|b| *b == 0).collect();
        let Some(first) = magnitude.first() else {
            return Err(BadSerial::Zero);
        };
        // DER needs a leading zero octet when the top bit is set.
        let der_len = magnitude.len() + usize::from(first & 0x80 != 0);
        if der_len > 20 {
            return Err(BadSerial::TooLong);
        }
        Ok(RevokedSerial { magnitude })
    }

    /// DER INTEGER (minimal, positive).
    pub fn to_der(&self) -> Vec<u8> {
        w::unsigned_integer(&self.magnitude)
    }

    /// The magnitude, big-endian, without leading zeros.
    pub fn magnitude(&self) -> &[u8] {
        &self.magnitude
    }
}

/// cRLSign in `ParsedCertificate::key_usage` (bit i = RFC 5280 bit i).
const CRL_SIGN: u16 = 1 << 6;

/// RFC 5280 §6.3.3 (f): a CRL issuer whose certificate has a key usage extension must have
/// cRLSign; §4.2.1.9: cRLSign is for CA (or CRL issuer) keys. Like `sign` (docs/differences.md
/// #8), refuse an issuer that is not a CA or may not sign CRLs: cfssl signs a CRL that
/// every relying party rejects.
fn check_crl_issuer(ca: &ParsedCertificate) -> Result<(), SignError> {
    if !ca.is_ca() {
        return Err(SignError::IssuerNotCa(
            "the CA certificate is not a CA (no basicConstraints cA:TRUE); refusing to sign a CRL with it".into(),
        ));
    }
    if let Some(ku) = ca.key_usage
        && ku & CRL_SIGN == 0
    {
        return Err(SignError::IssuerNotCa(
            "the CA certificate's key usage lacks cRLSign; refusing to sign a CRL with it".into(),
        ));
    }
    Ok(())
}

/// Go's `strconv.ParseInt(strings.TrimSpace(s), 0, 32)` with Go's error texts.
pub fn parse_go_int32(s: &str) -> Result<i64, String> {
    let trimmed = s.trim();
    cfssl_json::strconv::parse_int(trimmed, 32).map_err(|e| e.message(trimmed))
}

/// One revoked certificate of a CRL built from cfssl's certdb (`cfssl crl`,
/// docs/cfssl-lifecycle.md §4):
///
/// ```text
/// SEQUENCE  {
///      userCertificate         CertificateSerialNumber,
///      revocationDate          Time,
///      crlEntryExtensions      Extensions OPTIONAL }
/// ```
/// (RFC 5280 §5.1.2.6), with the reasonCode entry extension of RFC 5280 §5.3.1 when the
/// reason is not 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlEntry {
    /// The certificate's serial.
    pub serial: RevokedSerial,
    /// When it was revoked (the row's `revoked_at`); whole seconds are written.
    pub revoked_at: OffsetDateTime,
    /// The RFC 5280 CRLReason code (the row's `reason`). 0 (unspecified) is left out, as
    /// RFC 5280 §5.3.1 recommends; 7 and codes outside 0..=10 are refused, since RFC 5280
    /// defines none and relying parties reject the CRL.
    pub reason: i32,
}

/// `id-ce-cRLReasons` (RFC 5280 §5.3.1), the reasonCode entry extension.
const ID_CE_CRL_REASONS: const_oid::ObjectIdentifier = const_oid::db::rfc5280::ID_CE_CRL_REASONS;

/// ENUMERATED (X.680 §8.4), not in `der_writer` because only the reason code uses it.
const ENUMERATED: u8 = 0x0a;

impl CrlEntry {
    /// The entry's DER.
    fn to_der(&self) -> Result<Vec<u8>, SignError> {
        let serial = self.serial.to_der();
        let date = w::time(self.revoked_at);
        if self.reason == 0 {
            return Ok(w::sequence(&[&serial, &date]));
        }
        if !(1..=10).contains(&self.reason) || self.reason == 7 {
            return Err(SignError::Input(format!(
                "revocation reason {} of serial {} is not an RFC 5280 CRLReason (0-6, 8-10)",
                self.reason,
                crate::certificate::decimal(self.serial.magnitude())
            )));
        }
        let reason = w::tlv(ENUMERATED, &[self.reason as u8]);
        let extension = x::ext(ID_CE_CRL_REASONS, false, reason).to_der();
        Ok(w::sequence(&[&serial, &date, &w::sequence(&[&extension])]))
    }
}

/// Builds and signs the CRL. `lifetime` is the time to nextUpdate (cfssl: TIME seconds,
/// default one week); a non-positive lifetime is refused. `crl_number` should grow with each
/// CRL the CA issues: the CLI uses thisUpdate's Unix time.
///
/// Every serial is revoked as of thisUpdate, without a reason: `gencrl`'s CRL
/// (docs/cfssl-compat.md §1.7.8). [`build_with_entries`] takes dates and reasons.
pub fn build(
    serials: &[RevokedSerial],
    ca: &ParsedCertificate,
    key: &dyn SigningKey,
    now: OffsetDateTime,
    lifetime: Duration,
) -> Result<Vec<u8>, SignError> {
    let this_update = now.replace_nanosecond(0).unwrap_or(now);
    let entries: Vec<CrlEntry> = serials
        .iter()
        .map(|serial| CrlEntry {
            serial: serial.clone(),
            revoked_at: this_update,
            reason: 0,
        })
        .collect();
    build_with_entries(&entries, ca, key, now, lifetime)
}

/// Like [`build`], for entries that carry their own revocationDate and reason: the CRL of
/// `cfssl crl` from the certdb (docs/cfssl-lifecycle.md §4), with the same conformance fixes
/// as `gencrl` (docs/differences.md #14). Unlike cfssl, which drops the reason, a non-zero
/// reason is written as the entry's reasonCode (RFC 5280 §5.3.1).
pub fn build_with_entries(
    entries: &[CrlEntry],
    ca: &ParsedCertificate,
    key: &dyn SigningKey,
    now: OffsetDateTime,
    lifetime: Duration,
) -> Result<Vec<u8>, SignError> {
    check_crl_issuer(ca)?;
    if lifetime <= Duration::ZERO {
        return Err(SignError::InvalidValidity(
            "the CRL lifetime must be positive: nextUpdate before thisUpdate makes a CRL that is stale when issued".into(),
        ));
    }
    let this_update = now.replace_nanosecond(0).unwrap_or(now);
    let next_update = this_update
        .checked_add(lifetime)
        .ok_or_else(|| SignError::InvalidValidity("CRL lifetime out of range".into()))?;
    // The CRL Number grows with thisUpdate (docs/differences.md #14).
    let crl_number = this_update.unix_timestamp().max(0).to_be_bytes();
    let tbs = TbsCertList::new(
        entries,
        ca,
        key.signature_algorithm(),
        this_update,
        next_update,
        &crl_number,
    )?;
    tbs.sign(key, ca)
}

/// A CRL's to-be-signed part (RFC 5280 §5.1.2 `TBSCertList`), complete before any key is
/// used, with the signature algorithm it names (the signature must use the same,
/// RFC 5280 §5.1.1.2). `gencrl` and `crl` make one from the clock; a ceremony
/// (docs/ceremony.md "type: crl") from its file, so that `plan` and `run` show the same bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TbsCertList {
    der: Vec<u8>,
    signature: spki::AlgorithmIdentifierOwned,
}

impl TbsCertList {
    /// The TBSCertList of `ca` for `entries`, valid from `this_update` (whole seconds are
    /// written) to `next_update` (after it), numbered `crl_number` (big-endian magnitude,
    /// RFC 5280 §5.2.3), with the AKI of the issuer's SKI (RFC 5280 §5.2.1). Refuses an
    /// issuer that may not sign CRLs and a nextUpdate not after thisUpdate.
    pub fn new(
        entries: &[CrlEntry],
        ca: &ParsedCertificate,
        signature: spki::AlgorithmIdentifierOwned,
        this_update: OffsetDateTime,
        next_update: OffsetDateTime,
        crl_number: &[u8],
    ) -> Result<TbsCertList, SignError> {
        check_crl_issuer(ca)?;
        let this_update = this_update.replace_nanosecond(0).unwrap_or(this_update);
        let next_update = next_update.replace_nanosecond(0).unwrap_or(next_update);
        if next_update <= this_update {
            return Err(SignError::InvalidValidity(
                "the CRL's nextUpdate must be after its thisUpdate: otherwise it is stale when issued".into(),
            ));
        }
        let revoked: Vec<Vec<u8>> = entries
            .iter()
            .map(CrlEntry::to_der)
            .collect::<Result<_, _>>()?;
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
        let extensions: Vec<CertExtension> = vec![
            x::ext(
                oids::ID_CE_AUTHORITY_KEY_IDENTIFIER,
                false,
                x::authority_key_identifier(&key_id),
            ),
            x::ext(
                oids::ID_CE_CRL_NUMBER,
                false,
                w::unsigned_integer(crl_number),
            ),
        ];
        let ext_der: Vec<Vec<u8>> = extensions.iter().map(CertExtension::to_der).collect();
        let ext_refs: Vec<&[u8]> = ext_der.iter().map(Vec::as_slice).collect();
        let der = w::sequence(&[
            &w::signed_integer(1),
            &signature.to_der()?,
            &ca.subject_der,
            &w::time(this_update),
            &w::time(next_update),
            &revoked_seq,
            &w::context_constructed(0, &w::sequence(&ext_refs)),
        ]);
        Ok(TbsCertList { der, signature })
    }

    /// The DER of the TBSCertList: what the key signs, and what a linter or a witness reads.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Signs with `key`, which must be `ca`'s (else [`SignError::KeyMismatch`], cfssl's
    /// 1000): the DER `CertificateList` (RFC 5280 §5.1).
    pub fn sign(&self, key: &dyn SigningKey, ca: &ParsedCertificate) -> Result<Vec<u8>, SignError> {
        let signature = key
            .sign_as_issuer(&self.signature, &self.der, &ca.public_key)
            .map_err(SignError::from_signing)?;
        Ok(w::sequence(&[
            &self.der,
            &self.signature.to_der()?,
            &w::bit_string(&signature),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfssl_keys::PrivateKey;

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
    fn serial_list_accepts_decimal_and_explicit_hex() {
        let list =
            parse_serial_list("1234\n\n5678\r\n  42  \nhex:10\nhex:26D0ad\n26:d0:AD\n007\n\t\n")
                .unwrap();
        let got: Vec<Vec<u8>> = list.iter().map(|s| s.magnitude().to_vec()).collect();
        assert_eq!(
            got,
            [
                vec![0x04, 0xd2],
                vec![0x16, 0x2e],
                vec![42],
                vec![0x10],
                vec![0x26, 0xd0, 0xad],
                vec![0x26, 0xd0, 0xad],
                vec![7],
            ]
        );
    }

    /// What cfssl turned into 0 or a numeric prefix (issue 11 #3) is refused, naming the line.
    #[test]
    fn serial_list_refuses_what_is_not_a_serial() {
        let cases = [
            ("26D0AD", BadSerial::NotANumber),
            ("0x10", BadSerial::NotANumber),
            ("garbage", BadSerial::NotANumber),
            ("12 34", BadSerial::NotANumber),
            ("1_0", BadSerial::NotANumber),
            ("+7", BadSerial::NotANumber),
            ("hex:", BadSerial::NotANumber),
            ("hex:0x10", BadSerial::NotANumber),
            ("26:D0:A", BadSerial::NotANumber),
            ("26:", BadSerial::NotANumber),
            ("serial=26D0AD", BadSerial::NotANumber),
            ("-5", BadSerial::Negative),
            ("0", BadSerial::Zero),
            ("hex:0000", BadSerial::Zero),
            // 2^159 needs a 21st (zero) octet in DER; 2^159 - 1 fits in 20.
            (
                "730750818665451459101842416358141509827966271488",
                BadSerial::TooLong,
            ),
            (&"9".repeat(500), BadSerial::TooLong),
            (&format!("hex:{}", "f".repeat(41)), BadSerial::TooLong),
        ];
        for (line, reason) in cases {
            let err = parse_serial_list(&format!("12\n\n{line}\n13\n")).unwrap_err();
            match err {
                SignError::SerialList {
                    line: 3,
                    content,
                    reason: r,
                } => {
                    assert_eq!(content, line.trim());
                    assert_eq!(r, reason, "{line}");
                }
                other => panic!("{line}: {other:?}"),
            }
        }
        let ok = parse_serial_list("730750818665451459101842416358141509827966271487").unwrap();
        assert_eq!(ok[0].to_der().len(), 2 + 20);
        let err = parse_serial_list("1\n0x10\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2 (\"0x10\"): not a decimal serial number (write a hexadecimal serial, as \
             openssl prints it, as hex:26D0AD… or 26:D0:AD:…)"
        );
    }

    #[test]
    fn serial_der() {
        let s = |t: &str| parse_serial_list(t).unwrap().remove(0).to_der();
        assert_eq!(s("1234"), vec![2, 2, 0x04, 0xd2]);
        assert_eq!(
            s("999999999999999999999"),
            vec![2, 9, 0x36, 0x35, 0xc9, 0xad, 0xc5, 0xde, 0x9f, 0xff, 0xff]
        );
        assert_eq!(s("128"), vec![2, 2, 0, 0x80]);
        assert_eq!(s("hex:80"), vec![2, 2, 0, 0x80]);
    }

    /// Issue 11 #8: a CRL needs a CA issuer with cRLSign, as `sign` needs keyCertSign.
    #[test]
    fn crl_issuer_must_be_a_ca_with_crl_sign() {
        let (mut ca, key) = root("CRL CA");
        let now = OffsetDateTime::now_utc();
        let lifetime = Duration::hours(1);
        ca.basic_constraints = None;
        let err = build(&[], &ca, &key, now, lifetime).unwrap_err();
        assert!(matches!(err, SignError::IssuerNotCa(_)), "{err:?}");
        assert_eq!(err.code(), Some(1210));
        ca.basic_constraints = Some((true, -1));
        ca.key_usage = Some(1 << 5); // keyCertSign only
        let err = build(&[], &ca, &key, now, lifetime).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the CA certificate's key usage lacks cRLSign; refusing to sign a CRL with it"
        );
        ca.key_usage = None; // no key usage extension: §6.3.3 (f) asks nothing
        assert!(build(&[], &ca, &key, now, lifetime).is_ok());
    }

    /// The ceremony's path: the caller's dates and number are the TBS's, and the bytes do
    /// not depend on when they are made.
    #[test]
    fn tbs_cert_list_takes_the_callers_dates_and_number() {
        let (ca, key) = root("CRL CA");
        let this_update = ca.not_before + Duration::hours(1);
        let next_update = this_update + Duration::days(30);
        let tbs = |next| {
            TbsCertList::new(
                &[],
                &ca,
                key.signature_algorithm(),
                this_update,
                next,
                &[0x12, 0x34],
            )
        };
        let a = tbs(next_update).unwrap();
        assert_eq!(a, tbs(next_update).unwrap());
        // cRLNumber extension value: INTEGER 0x1234.
        let number = [0x02, 0x02, 0x12, 0x34];
        assert!(a.der().windows(number.len()).any(|w| w == number));
        let crl = a.sign(&key, &ca).unwrap();
        assert!(crl.windows(a.der().len()).any(|w| w == a.der()));
        let err = tbs(this_update).unwrap_err();
        assert!(matches!(err, SignError::InvalidValidity(_)), "{err:?}");
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
