//! # cfssl-pkcs12: a key, its certificate and chain as one PKCS#12 file
//!
//! Windows (`certutil -importpfx`, IIS), Java (`keytool`, Tomcat, every JVM TLS server) and
//! macOS import a key with its certificate as a PKCS#12 file (RFC 7292; `.p12`, `.pfx`),
//! not as PEM. cfssl has no way to write one (its oldest open request); `cfssl-rs pkcs12`
//! (our extension) is built on [`build`].
//!
//! **Layout**: what `openssl pkcs12 -export` writes, which every reader has been tested
//! against for twenty years — a PFX in password integrity mode (RFC 7292 §4, §5.1) whose
//! authenticated safe holds two safes: first the certificates (the key's own, then the
//! chain in the order given) in an encrypted safe, then the private key in a
//! pkcs8ShroudedKeyBag. The key's bag and its certificate's bag carry the same localKeyId
//! (SHA-1 of the certificate, as OpenSSL makes it) and, when given, the same friendlyName
//! (Java's alias).
//!
//! **Encryption** ([`Scheme`]), both at [`ITERATIONS`] (2048, OpenSSL's default):
//!
//! | | key bag and certificates | MAC |
//! |---|---|---|
//! | [`Scheme::Aes256`] | PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC | HMAC-SHA256 |
//! | [`Scheme::Legacy`] | pbeWithSHAAnd3-KeyTripleDES-CBC | HMAC-SHA1 |
//!
//! `Aes256` is OpenSSL 3's default, for Windows 10 1709+ / Server 2019+ and Java 8u301+ /
//! 11.0.12+. `Legacy` is for older readers. `openssl pkcs12 -export -legacy`
//! encrypts the certificates with 40-bit RC2 instead: we use Triple-DES for them too
//! (`-certpbe PBE-SHA1-3DES`), which the same old readers know, is not broken, and which
//! OpenSSL 3 reads without its legacy provider.
//!
//! **Why our own encoding**: the RustCrypto `pkcs12` crate (0.2.0-pre.0, December 2026)
//! has the ASN.1 types and the Appendix B function, but no writer, no friendly names, and
//! pins a pre-release `cms`; `p12-keystore` writes files but brings a second X.509 parser
//! (`x509-parser`, `nom`) and the same pre-releases. What is needed is small: the types of
//! [`asn1`] on `der`, PBES2 from `pkcs5` (already here for encrypted keys), Triple-DES from
//! `des` + `cbc`, HMAC from `hmac`, and the Appendix B function (`kdf`, with OpenSSL's test
//! vectors).
//!
//! **Checked before it is returned**: [`build`] reads its output back with [`open`] (MAC,
//! decryption, every bag and attribute) and compares it with the input, as signatures are
//! verified before they are returned elsewhere in cfssl-rs.
//!
//! Passwords are `&str`: the MAC and the legacy scheme use the password as a BMPString
//! (UTF-16, RFC 7292 Appendix B.1), PBES2 its UTF-8 bytes, as OpenSSL and Java do. An
//! empty password is accepted here; refusing it is the caller's policy.
//!
//! ```
//! use cfssl_keys::PrivateKey;
//! use cfssl_pkcs12::{Contents, Scheme, build, open};
//!
//! let key = PrivateKey::from_pem(include_bytes!("../tests/data/leaf-ecdsa-key.pem"))?;
//! let (_, certificate) = der::pem::decode_vec(include_bytes!("../tests/data/leaf-ecdsa.pem"))?;
//! let contents = Contents {
//!     key: &key,
//!     certificate: &certificate,
//!     chain: &[],
//!     friendly_name: Some("www"),
//! };
//! let pfx = build(&contents, "correct horse", Scheme::Aes256)?;
//! let opened = open(&pfx, "correct horse")?;
//! assert_eq!(opened.keys[0].attributes.friendly_name.as_deref(), Some("www"));
//! assert_eq!(opened.certificates[0].der, certificate);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub mod asn1;
mod error;
mod kdf;
mod mac;
mod pbe;
mod read;
mod write;

pub use error::{Pkcs12Error, Which};
pub use pbe::Protection;
pub use read::{BagAttributes, CertificateEntry, KeyEntry, Opened, open};
pub use write::Contents;

/// The encryption of the key bag and the certificates, and the MAC's hash (table above).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC; HMAC-SHA256 MAC.
    Aes256,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC; HMAC-SHA1 MAC.
    Legacy,
}

/// Iterations of every key derivation written: OpenSSL's `PKCS12_DEFAULT_ITER`. Higher
/// counts make old Windows imports take minutes; the password's strength matters more.
pub const ITERATIONS: u32 = 2048;

/// The most iterations [`open`] accepts (RFC 8018 §4.2 calls 10 000 000 appropriate "for
/// especially critical keys"); more would let a hostile file burn CPU time.
pub const MAX_ITERATIONS: u32 = 10_000_000;

/// Where salts and IVs come from: fills the buffer, `false` on failure.
pub(crate) type Random<'a> = &'a mut dyn FnMut(&mut [u8]) -> bool;

/// Builds the PKCS#12 file (DER) of `contents`, protected by `password` with `scheme`;
/// salts and IVs from the operating system's generator.
///
/// # Errors
/// [`Pkcs12Error::KeyMismatch`] when the key is not the certificate's,
/// [`Pkcs12Error::NotACertificate`] naming a certificate that does not parse,
/// [`Pkcs12Error::FriendlyName`] for a name outside the BMP, [`Pkcs12Error::Random`].
pub fn build(
    contents: &Contents<'_>,
    password: &str,
    scheme: Scheme,
) -> Result<Vec<u8>, Pkcs12Error> {
    build_checked(contents, password, scheme, &mut |buf| {
        getrandom::fill(buf).is_ok()
    })
}

/// [`build`] with a given source of salts and IVs, then the self-check.
pub(crate) fn build_checked(
    contents: &Contents<'_>,
    password: &str,
    scheme: Scheme,
    random: Random<'_>,
) -> Result<Vec<u8>, Pkcs12Error> {
    let pfx = write::build_with(contents, password, scheme, random)?;
    let opened = open(&pfx, password).map_err(|_| Pkcs12Error::SelfCheck("it does not open"))?;
    let protection = Protection {
        scheme,
        iterations: ITERATIONS,
    };
    let pkcs8 = contents.key.to_pkcs8_der().map_err(Pkcs12Error::Key)?;
    let [key] = opened.keys.as_slice() else {
        return Err(Pkcs12Error::SelfCheck("not exactly one key"));
    };
    if key.pkcs8 != pkcs8 || key.protection != protection || opened.mac != protection {
        return Err(Pkcs12Error::SelfCheck("the key or its protection differs"));
    }
    let expected = std::iter::once(contents.certificate).chain(contents.chain.iter().copied());
    if opened.certificates.len() != 1 + contents.chain.len()
        || !opened
            .certificates
            .iter()
            .zip(expected)
            .all(|(got, want)| got.der == want && got.protection == Some(protection))
    {
        return Err(Pkcs12Error::SelfCheck("the certificates differ"));
    }
    let pairs = opened
        .certificates
        .first()
        .is_some_and(|leaf| leaf.attributes == key.attributes)
        && key.attributes.local_key_id.is_some()
        && key.attributes.friendly_name.as_deref() == contents.friendly_name;
    if !pairs {
        return Err(Pkcs12Error::SelfCheck(
            "the key and certificate attributes differ",
        ));
    }
    Ok(pfx)
}

#[cfg(test)]
mod tests;
