//! Password integrity mode (RFC 7292 §5.1): an HMAC over the authenticated safe's octets,
//! keyed by the Appendix B function with ID 3 and the HMAC's own hash, "with the same hash
//! function as the MAC" (Appendix B.4).

use der::asn1::{Any, OctetString};
use hmac::{Hmac, KeyInit, Mac};
use sha2::digest::Digest;
use sha2::digest::block_api::BlockSizeUser;
use spki::AlgorithmIdentifierOwned;

use crate::asn1::{DigestInfo, MacData, SHA1, SHA256};
use crate::kdf::{self, Purpose};
use crate::pbe::{Protection, check_iterations};
use crate::{ITERATIONS, Pkcs12Error, Random, Scheme};

/// MAC salt length: OpenSSL writes 8 bytes; 16 costs nothing and meets NIST SP 800-132.
const SALT_LEN: usize = 16;

/// The [`MacData`] of `data` for `scheme`: HMAC-SHA256 for [`Scheme::Aes256`] (OpenSSL 3's
/// default), HMAC-SHA1 for [`Scheme::Legacy`] (all old readers know it).
pub(crate) fn mac_data(
    scheme: Scheme,
    password: &str,
    data: &[u8],
    random: Random<'_>,
) -> Result<MacData, Pkcs12Error> {
    let mut salt = [0u8; SALT_LEN];
    if !random(&mut salt) {
        return Err(Pkcs12Error::Random);
    }
    let (oid, mac) = match scheme {
        Scheme::Aes256 => (
            SHA256,
            hmac::<sha2::Sha256>(password, &salt, ITERATIONS, data)?,
        ),
        Scheme::Legacy => (SHA1, hmac::<sha1::Sha1>(password, &salt, ITERATIONS, data)?),
    };
    Ok(MacData {
        mac: DigestInfo {
            // OpenSSL writes NULL parameters here, as for a signature's DigestInfo.
            digest_algorithm: AlgorithmIdentifierOwned {
                oid,
                parameters: Some(Any::null()),
            },
            digest: OctetString::new(mac)?,
        },
        mac_salt: OctetString::new(salt.to_vec())?,
        iterations: ITERATIONS,
    })
}

/// Checks `mac_data` over `data` (in constant time); a mismatch is
/// [`Pkcs12Error::WrongPassword`], which is what it nearly always means.
pub(crate) fn verify(
    mac_data: &MacData,
    password: &str,
    data: &[u8],
) -> Result<Protection, Pkcs12Error> {
    let what = "the MAC";
    check_iterations(mac_data.iterations, what)?;
    let algorithm = &mac_data.mac.digest_algorithm;
    if algorithm.parameters.as_ref().is_some_and(|p| !p.is_null()) {
        return Err(Pkcs12Error::Malformed(
            "the MAC's digest algorithm has parameters".into(),
        ));
    }
    let salt = mac_data.mac_salt.as_bytes();
    let expected = mac_data.mac.digest.as_bytes();
    let (ok, scheme) = match algorithm.oid {
        SHA256 => (
            keyed::<sha2::Sha256>(password, salt, mac_data.iterations, data)?
                .verify_slice(expected)
                .is_ok(),
            Scheme::Aes256,
        ),
        SHA1 => (
            keyed::<sha1::Sha1>(password, salt, mac_data.iterations, data)?
                .verify_slice(expected)
                .is_ok(),
            Scheme::Legacy,
        ),
        other => {
            return Err(Pkcs12Error::Unsupported {
                what,
                algorithm: format!("HMAC with {other}"),
            });
        }
    };
    if !ok {
        return Err(Pkcs12Error::WrongPassword);
    }
    Ok(Protection {
        scheme,
        iterations: mac_data.iterations,
    })
}

fn hmac<D>(
    password: &str,
    salt: &[u8],
    iterations: u32,
    data: &[u8],
) -> Result<Vec<u8>, Pkcs12Error>
where
    D: Digest + BlockSizeUser + hmac::EagerHash,
{
    Ok(keyed::<D>(password, salt, iterations, data)?
        .finalize()
        .into_bytes()
        .to_vec())
}

/// The HMAC of `data`, keyed with Appendix B (ID 3): as many key bytes as the hash's output.
fn keyed<D>(
    password: &str,
    salt: &[u8],
    iterations: u32,
    data: &[u8],
) -> Result<Hmac<D>, Pkcs12Error>
where
    D: Digest + BlockSizeUser + hmac::EagerHash,
{
    let bmp = kdf::bmp_password(password);
    let key = kdf::derive::<D>(
        &bmp,
        salt,
        Purpose::Mac,
        iterations,
        <D as Digest>::output_size(),
    );
    let mut mac = <Hmac<D> as KeyInit>::new_from_slice(&key)
        .map_err(|e| Pkcs12Error::Encryption(e.to_string()))?;
    mac.update(data);
    Ok(mac)
}
