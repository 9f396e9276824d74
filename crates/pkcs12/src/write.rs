//! Building a PFX: the bags, their encryption, the MAC, in the layout `openssl pkcs12
//! -export` writes (RFC 7292 §5.1 steps 1-3, password privacy and password integrity).

use cfssl_keys::{PrivateKey, PublicKey};
use der::asn1::{Any, BmpString, OctetString, SetOfVec};
use der::{Decode, Encode};
use sha1::Digest as _;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use crate::asn1::{
    CERT_BAG, CertBag, ContentInfo, ENCRYPTED_DATA_VERSION, EncryptedContentInfo, EncryptedData,
    EncryptedPrivateKeyInfo, FRIENDLY_NAME, ID_DATA, ID_ENCRYPTED_DATA, LOCAL_KEY_ID, PFX_VERSION,
    PKCS8_SHROUDED_KEY_BAG, Pfx, SafeBag, X509_CERTIFICATE,
};
use crate::error::Which;
use crate::{Pkcs12Error, Random, Scheme, mac, pbe};

/// What goes into a PKCS#12 file.
#[derive(Debug, Clone, Copy)]
pub struct Contents<'a> {
    /// The private key; it must be the one `certificate` certifies.
    pub key: &'a PrivateKey,
    /// The key's certificate, DER.
    pub certificate: &'a [u8],
    /// The chain after it (intermediates, then the root if wanted), DER, in this order.
    pub chain: &'a [&'a [u8]],
    /// The friendly name of the key and its certificate (Java's alias); `None` for none.
    pub friendly_name: Option<&'a str>,
}

/// Builds the PFX with `random` for salts and IVs (tests pass a fixed sequence).
pub(crate) fn build_with(
    contents: &Contents<'_>,
    password: &str,
    scheme: Scheme,
    random: Random<'_>,
) -> Result<Vec<u8>, Pkcs12Error> {
    let leaf = parse_certificate(contents.certificate, Which::Certificate)?;
    for (n, der) in contents.chain.iter().enumerate() {
        parse_certificate(der, Which::Chain(n + 1))?;
    }
    let spki = leaf.tbs_certificate().subject_public_key_info().to_der()?;
    let public = PublicKey::from_spki_der(&spki).map_err(Pkcs12Error::CertificateKey)?;
    if !public.matches(contents.key) {
        return Err(Pkcs12Error::KeyMismatch);
    }
    let attributes = pairing_attributes(contents)?;

    // The certificates, leaf first, in one encrypted SafeContents (what openssl does: the
    // chain is public, but encrypting it keeps the subject names private).
    let mut cert_bags = Vec::with_capacity(1 + contents.chain.len());
    cert_bags.push(cert_bag(contents.certificate, Some(attributes.clone()))?);
    for der in contents.chain {
        cert_bags.push(cert_bag(der, None)?);
    }
    let (algorithm, ciphertext) =
        pbe::encrypt(scheme, password, &cert_bags.to_der()?, &mut *random)?;
    let certificates = ContentInfo {
        content_type: ID_ENCRYPTED_DATA,
        content: Any::encode_from(&EncryptedData {
            version: ENCRYPTED_DATA_VERSION,
            encrypted_content_info: EncryptedContentInfo {
                content_type: ID_DATA,
                content_encryption_algorithm: algorithm,
                encrypted_content: Some(OctetString::new(ciphertext)?),
            },
        })?,
    };

    // The key, shrouded (encrypted on its own), in a plain SafeContents (RFC 7292 §4.2.2).
    let pkcs8 = contents.key.to_pkcs8_der().map_err(Pkcs12Error::Key)?;
    let (algorithm, ciphertext) = pbe::encrypt(scheme, password, &pkcs8, &mut *random)?;
    let key_bag = SafeBag {
        bag_id: PKCS8_SHROUDED_KEY_BAG,
        bag_value: Any::encode_from(&EncryptedPrivateKeyInfo {
            encryption_algorithm: algorithm,
            encrypted_data: OctetString::new(ciphertext)?,
        })?,
        bag_attributes: Some(attributes),
    };
    let key = data(vec![key_bag].to_der()?)?;

    let auth_safe = vec![certificates, key].to_der()?;
    let mac_data = mac::mac_data(scheme, password, &auth_safe, random)?;
    Ok(Pfx {
        version: PFX_VERSION,
        auth_safe: data(auth_safe)?,
        mac_data: Some(mac_data),
    }
    .to_der()?)
}

fn parse_certificate(der: &[u8], which: Which) -> Result<Certificate, Pkcs12Error> {
    Certificate::from_der(der).map_err(|e| Pkcs12Error::NotACertificate {
        which,
        reason: e.to_string(),
    })
}

/// The attributes of the key bag and of its certificate's bag: the friendly name, if any,
/// and the localKeyId pairing them, the SHA-1 of the certificate's DER as OpenSSL makes it
/// (any octets equal in both bags would do; RFC 2985 §5.5.2).
fn pairing_attributes(contents: &Contents<'_>) -> Result<SetOfVec<Attribute>, Pkcs12Error> {
    let mut attributes = SetOfVec::new();
    if let Some(name) = contents.friendly_name {
        let bmp = BmpString::from_utf8(name).map_err(|_| Pkcs12Error::FriendlyName {
            name: name.to_owned(),
        })?;
        attributes.insert(attribute(FRIENDLY_NAME, Any::encode_from(&bmp)?)?)?;
    }
    let id = sha1::Sha1::digest(contents.certificate);
    let id = OctetString::new(id.to_vec())?;
    attributes.insert(attribute(LOCAL_KEY_ID, Any::encode_from(&id)?)?)?;
    Ok(attributes)
}

fn attribute(oid: const_oid::ObjectIdentifier, value: Any) -> Result<Attribute, Pkcs12Error> {
    let mut values = SetOfVec::new();
    values.insert(value)?;
    Ok(Attribute { oid, values })
}

fn cert_bag(der: &[u8], attributes: Option<SetOfVec<Attribute>>) -> Result<SafeBag, Pkcs12Error> {
    Ok(SafeBag {
        bag_id: CERT_BAG,
        bag_value: Any::encode_from(&CertBag {
            cert_id: X509_CERTIFICATE,
            cert_value: OctetString::new(der.to_vec())?,
        })?,
        bag_attributes: attributes,
    })
}

/// id-data: `bytes` in an OCTET STRING.
fn data(bytes: Vec<u8>) -> Result<ContentInfo, Pkcs12Error> {
    Ok(ContentInfo {
        content_type: ID_DATA,
        content: Any::encode_from(&OctetString::new(bytes)?)?,
    })
}
