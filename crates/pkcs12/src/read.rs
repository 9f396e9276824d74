//! Reading a PFX back: the self-check of every file built, and what the tests look at.
//!
//! It reads what [`crate::build`] writes (and what `openssl pkcs12 -export` writes by
//! default, or with `-legacy -certpbe PBE-SHA1-3DES`): password integrity mode with an
//! HMAC-SHA256 or HMAC-SHA1 MAC, shrouded key bags and certificate bags, in plain or
//! encrypted safes. Anything else is refused by name ([`Pkcs12Error::Unsupported`]); the
//! MAC is checked before anything is decrypted, and iteration counts are capped.

use der::Decode;
use der::asn1::{BmpString, OctetString, SetOfVec};
use x509_cert::attr::Attribute;
use zeroize::Zeroizing;

use crate::asn1::{
    AuthenticatedSafe, CERT_BAG, CertBag, ENCRYPTED_DATA_VERSION, EncryptedData,
    EncryptedPrivateKeyInfo, FRIENDLY_NAME, ID_DATA, ID_ENCRYPTED_DATA, LOCAL_KEY_ID, PFX_VERSION,
    PKCS8_SHROUDED_KEY_BAG, Pfx, SafeContents, X509_CERTIFICATE,
};
use crate::pbe::{self, Protection};
use crate::{Pkcs12Error, mac};

/// The attributes of a bag that pair a key with its certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BagAttributes {
    /// friendlyName, if present.
    pub friendly_name: Option<String>,
    /// localKeyId, if present.
    pub local_key_id: Option<Vec<u8>>,
}

/// A shrouded key bag, decrypted.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyEntry {
    /// The PKCS#8 `PrivateKeyInfo` DER.
    pub pkcs8: Zeroizing<Vec<u8>>,
    /// Its bag's attributes.
    pub attributes: BagAttributes,
    /// How it was encrypted.
    pub protection: Protection,
}

impl std::fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyEntry")
            .field(
                "pkcs8",
                &format_args!("<{} secret bytes>", self.pkcs8.len()),
            )
            .field("attributes", &self.attributes)
            .field("protection", &self.protection)
            .finish()
    }
}

/// A certificate bag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateEntry {
    /// The certificate's DER.
    pub der: Vec<u8>,
    /// Its bag's attributes.
    pub attributes: BagAttributes,
    /// How its safe was encrypted; `None` for a plain one.
    pub protection: Option<Protection>,
}

/// What a PFX holds, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The keys.
    pub keys: Vec<KeyEntry>,
    /// The certificates.
    pub certificates: Vec<CertificateEntry>,
    /// The MAC's scheme (its hash) and iteration count.
    pub mac: Protection,
}

/// Reads the PFX `der` with `password`: checks the MAC, decrypts every bag.
///
/// # Errors
/// [`Pkcs12Error::WrongPassword`] when the MAC does not match; [`Pkcs12Error::Malformed`],
/// [`Pkcs12Error::Unsupported`] or [`Pkcs12Error::Iterations`] for a file outside what
/// this crate reads (see the module doc).
pub fn open(der: &[u8], password: &str) -> Result<Opened, Pkcs12Error> {
    let malformed = |what: &str, e: der::Error| Pkcs12Error::Malformed(format!("{what}: {e}"));
    let pfx = Pfx::from_der(der).map_err(|e| malformed("PFX", e))?;
    if pfx.version != PFX_VERSION {
        return Err(Pkcs12Error::Malformed(format!(
            "version {} (only v3 exists)",
            pfx.version
        )));
    }
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(Pkcs12Error::Unsupported {
            what: "the authenticated safe",
            algorithm: format!(
                "content type {} (public-key integrity mode)",
                pfx.auth_safe.content_type
            ),
        });
    }
    let auth_safe = pfx
        .auth_safe
        .content
        .decode_as::<OctetString>()
        .map_err(|e| malformed("authSafe", e))?;
    let mac_data = pfx.mac_data.as_ref().ok_or(Pkcs12Error::NoMac)?;
    let mac = mac::verify(mac_data, password, auth_safe.as_bytes())?;

    let mut opened = Opened {
        keys: Vec::new(),
        certificates: Vec::new(),
        mac,
    };
    let safes = AuthenticatedSafe::from_der(auth_safe.as_bytes())
        .map_err(|e| malformed("AuthenticatedSafe", e))?;
    for safe in safes {
        let (contents, protection) = match safe.content_type {
            ID_DATA => {
                let octets = safe
                    .content
                    .decode_as::<OctetString>()
                    .map_err(|e| malformed("SafeContents", e))?;
                (Zeroizing::new(octets.as_bytes().to_vec()), None)
            }
            ID_ENCRYPTED_DATA => {
                let (plain, protection) = decrypt_safe(&safe.content, password)?;
                (plain, Some(protection))
            }
            other => {
                return Err(Pkcs12Error::Unsupported {
                    what: "a safe",
                    algorithm: format!("content type {other}"),
                });
            }
        };
        let bags = SafeContents::from_der(&contents).map_err(|e| malformed("SafeContents", e))?;
        for bag in bags {
            let attributes = bag_attributes(bag.bag_attributes.as_ref())?;
            match bag.bag_id {
                PKCS8_SHROUDED_KEY_BAG => {
                    let info = bag
                        .bag_value
                        .decode_as::<EncryptedPrivateKeyInfo>()
                        .map_err(|e| malformed("pkcs8ShroudedKeyBag", e))?;
                    let (pkcs8, protection) = pbe::decrypt(
                        &info.encryption_algorithm,
                        password,
                        info.encrypted_data.as_bytes(),
                        "the private key",
                    )?;
                    opened.keys.push(KeyEntry {
                        pkcs8,
                        attributes,
                        protection,
                    });
                }
                CERT_BAG => {
                    let cert = bag
                        .bag_value
                        .decode_as::<CertBag>()
                        .map_err(|e| malformed("certBag", e))?;
                    if cert.cert_id != X509_CERTIFICATE {
                        return Err(Pkcs12Error::Unsupported {
                            what: "a certificate bag",
                            algorithm: format!("certificate type {}", cert.cert_id),
                        });
                    }
                    opened.certificates.push(CertificateEntry {
                        der: cert.cert_value.as_bytes().to_vec(),
                        attributes,
                        protection,
                    });
                }
                other => {
                    return Err(Pkcs12Error::Unsupported {
                        what: "a bag",
                        algorithm: format!("bag type {other}"),
                    });
                }
            }
        }
    }
    Ok(opened)
}

/// An id-encryptedData safe: its SafeContents, decrypted.
fn decrypt_safe(
    content: &der::asn1::Any,
    password: &str,
) -> Result<(Zeroizing<Vec<u8>>, Protection), Pkcs12Error> {
    let data = content
        .decode_as::<EncryptedData>()
        .map_err(|e| Pkcs12Error::Malformed(format!("EncryptedData: {e}")))?;
    if data.version != ENCRYPTED_DATA_VERSION {
        return Err(Pkcs12Error::Malformed(format!(
            "EncryptedData version {}",
            data.version
        )));
    }
    let info = data.encrypted_content_info;
    if info.content_type != ID_DATA {
        return Err(Pkcs12Error::Malformed(format!(
            "encrypted content of type {}",
            info.content_type
        )));
    }
    let ciphertext = info
        .encrypted_content
        .ok_or_else(|| Pkcs12Error::Malformed("EncryptedData without content".into()))?;
    pbe::decrypt(
        &info.content_encryption_algorithm,
        password,
        ciphertext.as_bytes(),
        "the certificates",
    )
}

/// friendlyName and localKeyId; other attributes are ignored, as readers do.
fn bag_attributes(set: Option<&SetOfVec<Attribute>>) -> Result<BagAttributes, Pkcs12Error> {
    let mut out = BagAttributes::default();
    for attribute in set.into_iter().flat_map(SetOfVec::iter) {
        let [value] = attribute.values.as_slice() else {
            return Err(Pkcs12Error::Malformed(format!(
                "attribute {} has {} values (one expected)",
                attribute.oid,
                attribute.values.len()
            )));
        };
        let bad =
            |e: der::Error| Pkcs12Error::Malformed(format!("attribute {}: {e}", attribute.oid));
        match attribute.oid {
            FRIENDLY_NAME => {
                let name = value.decode_as::<BmpString>().map_err(bad)?;
                out.friendly_name = Some(name.to_string());
            }
            LOCAL_KEY_ID => {
                let id = value.decode_as::<OctetString>().map_err(bad)?;
                out.local_key_id = Some(id.as_bytes().to_vec());
            }
            _ => {}
        }
    }
    Ok(out)
}
