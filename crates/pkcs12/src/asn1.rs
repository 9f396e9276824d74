//! The ASN.1 of a PKCS#12 file, one type per definition of RFC 7292 §4 and of the CMS
//! (RFC 5652) and PKCS#8 (RFC 5958) types it builds on, each quoting its definition.
//!
//! Open types (`ANY DEFINED BY`) are [`Any`]: the code that writes or reads a bag decides
//! what is inside from its OID, as the RFC's information object sets do.

use const_oid::ObjectIdentifier;
use der::Sequence;
use der::asn1::{Any, OctetString, SetOfVec};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;

/// `pkcs-7 1`, id-data (RFC 5652 §4): content that is an OCTET STRING.
pub const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// `pkcs-7 6`, id-encryptedData (RFC 5652 §8).
pub const ID_ENCRYPTED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");

/// `pkcs-12 10 1 2`, pkcs8ShroudedKeyBag (RFC 7292 §4.2.2).
pub const PKCS8_SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
/// `pkcs-12 10 1 3`, certBag (RFC 7292 §4.2.3).
pub const CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
/// `pkcs-9 22 1`, x509Certificate: a certBag holding a DER certificate in an OCTET STRING
/// (RFC 7292 §4.2.3).
pub const X509_CERTIFICATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");

/// `pkcs-9 20`, friendlyName: a BMPString naming the bag (RFC 2985 §5.5.1; RFC 7292 §4.2).
/// Java uses it as the entry's alias, Windows as the certificate's friendly name.
pub const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
/// `pkcs-9 21`, localKeyId: an OCTET STRING pairing a key bag with its certificate's bag
/// (RFC 2985 §5.5.2; RFC 7292 §4.2).
pub const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");

/// `pkcs-12PbeIds 3`, pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 Appendix C).
pub const PBE_SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
/// `pkcs-5 13`, id-PBES2 (RFC 8018 §6.2, Appendix A.4).
pub const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");

/// id-sha1 (RFC 3279 §2.2.1): the MAC's digest in legacy files.
pub const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
/// id-sha256 (RFC 5754 §2.2): the MAC's digest in AES files.
pub const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// The one version of the syntax (RFC 7292 §4: `version INTEGER {v3(3)}(v3,...)`).
pub const PFX_VERSION: u8 = 3;

/// RFC 7292 §4:
///
/// ```text
/// PFX ::= SEQUENCE {
///     version     INTEGER {v3(3)}(v3,...),
///     authSafe    ContentInfo,
///     macData     MacData OPTIONAL
/// }
/// ```
///
/// In password integrity mode `authSafe` is id-data whose OCTET STRING is the DER of an
/// [`AuthenticatedSafe`], and `macData` is present.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct Pfx {
    /// Always [`PFX_VERSION`].
    pub version: u8,
    /// The authenticated safe, as id-data.
    pub auth_safe: ContentInfo,
    /// The password-based MAC over the authenticated safe's octets.
    pub mac_data: Option<MacData>,
}

/// RFC 7292 §4:
///
/// ```text
/// MacData ::= SEQUENCE {
///     mac         DigestInfo,
///     macSalt     OCTET STRING,
///     iterations  INTEGER DEFAULT 1
///     -- Note: The default is for historical reasons and its use is
///     -- deprecated.
/// }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct MacData {
    /// The MAC's digest algorithm and value.
    pub mac: DigestInfo,
    /// Salt of the MAC key's derivation (RFC 7292 Appendix B).
    pub mac_salt: OctetString,
    /// Iterations of the MAC key's derivation.
    #[asn1(default = "one_iteration")]
    pub iterations: u32,
}

fn one_iteration() -> u32 {
    1
}

/// RFC 2315 §9.4 (imported by RFC 7292 §4):
///
/// ```text
/// DigestInfo ::= SEQUENCE {
///     digestAlgorithm DigestAlgorithmIdentifier,
///     digest Digest }
/// Digest ::= OCTET STRING
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct DigestInfo {
    /// The hash of the HMAC (SHA-1 or SHA-256 here), with NULL parameters as OpenSSL writes.
    pub digest_algorithm: AlgorithmIdentifierOwned,
    /// The HMAC value.
    pub digest: OctetString,
}

/// RFC 5652 §3:
///
/// ```text
/// ContentInfo ::= SEQUENCE {
///   contentType ContentType,
///   content [0] EXPLICIT ANY DEFINED BY contentType }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct ContentInfo {
    /// [`ID_DATA`] or [`ID_ENCRYPTED_DATA`] in a PKCS#12 file.
    pub content_type: ObjectIdentifier,
    /// An OCTET STRING for id-data, an [`EncryptedData`] for id-encryptedData.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    pub content: Any,
}

/// RFC 7292 §4.1: `AuthenticatedSafe ::= SEQUENCE OF ContentInfo`, each one id-data (a
/// plain [`SafeContents`]) or id-encryptedData (an encrypted one).
pub type AuthenticatedSafe = Vec<ContentInfo>;

/// RFC 7292 §4.2: `SafeContents ::= SEQUENCE OF SafeBag`.
pub type SafeContents = Vec<SafeBag>;

/// RFC 7292 §4.2:
///
/// ```text
/// SafeBag ::= SEQUENCE {
///     bagId          BAG-TYPE.&id ({PKCS12BagSet}),
///     bagValue       [0] EXPLICIT BAG-TYPE.&Type({PKCS12BagSet}{@bagId}),
///     bagAttributes  SET OF PKCS12Attribute OPTIONAL
/// }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SafeBag {
    /// [`PKCS8_SHROUDED_KEY_BAG`] or [`CERT_BAG`] here.
    pub bag_id: ObjectIdentifier,
    /// An [`EncryptedPrivateKeyInfo`] or a [`CertBag`].
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    pub bag_value: Any,
    /// [`FRIENDLY_NAME`] and [`LOCAL_KEY_ID`] here.
    pub bag_attributes: Option<SetOfVec<Attribute>>,
}

/// RFC 7292 §4.2.3:
///
/// ```text
/// CertBag ::= SEQUENCE {
///     certId      BAG-TYPE.&id   ({CertTypes}),
///     certValue   [0] EXPLICIT BAG-TYPE.&Type ({CertTypes}{@certId})
/// }
/// x509Certificate BAG-TYPE ::= {OCTET STRING IDENTIFIED BY {certTypes 1}}
///     -- DER-encoded X.509 certificate stored in OCTET STRING
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct CertBag {
    /// [`X509_CERTIFICATE`].
    pub cert_id: ObjectIdentifier,
    /// The certificate's DER.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    pub cert_value: OctetString,
}

/// RFC 5958 §3 (the value of a pkcs8ShroudedKeyBag, RFC 7292 §4.2.2):
///
/// ```text
/// EncryptedPrivateKeyInfo ::= SEQUENCE {
///   encryptionAlgorithm  EncryptionAlgorithmIdentifier,
///   encryptedData        EncryptedData }
/// EncryptedData ::= OCTET STRING
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EncryptedPrivateKeyInfo {
    /// PBES2 or pbeWithSHAAnd3-KeyTripleDES-CBC with its parameters.
    pub encryption_algorithm: AlgorithmIdentifierOwned,
    /// The encrypted PKCS#8 `PrivateKeyInfo`.
    pub encrypted_data: OctetString,
}

/// The CMS version of an [`EncryptedData`] without unprotected attributes (RFC 5652 §8).
pub const ENCRYPTED_DATA_VERSION: u8 = 0;

/// RFC 5652 §8:
///
/// ```text
/// EncryptedData ::= SEQUENCE {
///   version CMSVersion,
///   encryptedContentInfo EncryptedContentInfo,
///   unprotectedAttrs [1] IMPLICIT UnprotectedAttributes OPTIONAL }
/// ```
///
/// PKCS#12 files carry no unprotected attributes; this type has no field for them, so a
/// file with some does not parse.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EncryptedData {
    /// [`ENCRYPTED_DATA_VERSION`].
    pub version: u8,
    /// The encrypted [`SafeContents`].
    pub encrypted_content_info: EncryptedContentInfo,
}

/// RFC 5652 §6.1:
///
/// ```text
/// EncryptedContentInfo ::= SEQUENCE {
///   contentType ContentType,
///   contentEncryptionAlgorithm ContentEncryptionAlgorithmIdentifier,
///   encryptedContent [0] IMPLICIT EncryptedContent OPTIONAL }
/// EncryptedContent ::= OCTET STRING
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EncryptedContentInfo {
    /// [`ID_DATA`]: the plaintext is a [`SafeContents`].
    pub content_type: ObjectIdentifier,
    /// PBES2 or pbeWithSHAAnd3-KeyTripleDES-CBC with its parameters.
    pub content_encryption_algorithm: AlgorithmIdentifierOwned,
    /// The ciphertext.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub encrypted_content: Option<OctetString>,
}

/// RFC 7292 Appendix C, the parameters of the PKCS#12 password-based schemes:
///
/// ```text
/// pkcs-12PbeParams ::= SEQUENCE {
///     salt        OCTET STRING,
///     iterations  INTEGER
/// }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct Pkcs12PbeParams {
    /// Salt of the key and IV derivation (Appendix B).
    pub salt: OctetString,
    /// Iterations of the derivation.
    pub iterations: u32,
}
