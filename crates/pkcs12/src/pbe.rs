//! The two password-based encryption schemes of the key bag and the certificates, and the
//! MAC that goes with each ([`Scheme`]).
//!
//! * [`Scheme::Aes256`]: PBES2 (RFC 8018 §6.2) with PBKDF2-HMAC-SHA256 and AES-256-CBC,
//!   done by the `pkcs5` crate; 16-byte salts (NIST SP 800-132 asks for at least 128 bits).
//! * [`Scheme::Legacy`]: pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 Appendix C): key and IV
//!   from the Appendix B function with SHA-1 ([`crate::kdf`]), Triple-DES (three keys) in
//!   CBC mode with PKCS#7 padding (RFC 7292 Appendix B.3 refers to PKCS #5's padding);
//!   8-byte salts, as OpenSSL writes for the readers this scheme is for.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use der::asn1::{Any, OctetString};
use der::{Decode, Encode};
use pkcs8::pkcs5::pbes2::{self, Kdf, Pbkdf2Prf};
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use crate::asn1::{PBE_SHA1_3DES, PBES2, Pkcs12PbeParams};
use crate::kdf::{self, Purpose};
use crate::{ITERATIONS, MAX_ITERATIONS, Pkcs12Error, Random, Scheme};

/// Triple-DES with three keys: 24 key bytes, 8-byte blocks and IV.
const TDES_KEY_LEN: usize = 24;
const TDES_BLOCK_LEN: usize = 8;
/// AES's block and IV size.
const AES_BLOCK_LEN: usize = 16;

/// Salt lengths, per scheme (see the module doc).
const PBES2_SALT_LEN: usize = 16;
const LEGACY_SALT_LEN: usize = 8;

/// How something read was protected: the scheme and its iteration count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Protection {
    /// The scheme.
    pub scheme: Scheme,
    /// Its iteration count (PBKDF2's, or Appendix B's).
    pub iterations: u32,
}

/// Encrypts `plain` with a fresh salt (and IV); returns the algorithm identifier to store
/// with the ciphertext.
pub(crate) fn encrypt(
    scheme: Scheme,
    password: &str,
    plain: &[u8],
    random: Random<'_>,
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>), Pkcs12Error> {
    match scheme {
        Scheme::Aes256 => {
            let mut salt = [0u8; PBES2_SALT_LEN];
            let mut iv = [0u8; AES_BLOCK_LEN];
            if !random(&mut salt) || !random(&mut iv) {
                return Err(Pkcs12Error::Random);
            }
            let params = pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(ITERATIONS, &salt, iv)
                .map_err(|e| Pkcs12Error::Encryption(e.to_string()))?;
            let ciphertext = params
                .encrypt(password.as_bytes(), plain)
                .map_err(|e| Pkcs12Error::Encryption(e.to_string()))?;
            // pkcs5 writes the scheme as an AlgorithmIdentifier; re-read it as the generic one.
            let scheme = pkcs8::pkcs5::EncryptionScheme::from(params);
            let algorithm = AlgorithmIdentifierOwned::from_der(&scheme.to_der()?)?;
            Ok((algorithm, ciphertext))
        }
        Scheme::Legacy => {
            let mut salt = [0u8; LEGACY_SALT_LEN];
            if !random(&mut salt) {
                return Err(Pkcs12Error::Random);
            }
            let (key, iv) = legacy_key_and_iv(password, &salt, ITERATIONS);
            let mut buffer = Zeroizing::new(vec![0u8; plain.len() + TDES_BLOCK_LEN]);
            buffer
                .get_mut(..plain.len())
                .ok_or(Pkcs12Error::Encryption("buffer".into()))?
                .copy_from_slice(plain);
            let ciphertext = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                .map_err(|e| Pkcs12Error::Encryption(e.to_string()))?
                .encrypt_padded::<Pkcs7>(&mut buffer, plain.len())
                .map_err(|e| Pkcs12Error::Encryption(e.to_string()))?
                .to_vec();
            let params = Pkcs12PbeParams {
                salt: OctetString::new(salt.to_vec())?,
                iterations: ITERATIONS,
            };
            let algorithm = AlgorithmIdentifierOwned {
                oid: PBE_SHA1_3DES,
                parameters: Some(Any::encode_from(&params)?),
            };
            Ok((algorithm, ciphertext))
        }
    }
}

/// Decrypts what [`encrypt`] wrote (either scheme); `what` names the data in errors. Any
/// other algorithm is refused, naming it.
pub(crate) fn decrypt(
    algorithm: &AlgorithmIdentifierOwned,
    password: &str,
    ciphertext: &[u8],
    what: &'static str,
) -> Result<(Zeroizing<Vec<u8>>, Protection), Pkcs12Error> {
    let unsupported = |algorithm: String| Pkcs12Error::Unsupported { what, algorithm };
    match algorithm.oid {
        PBES2 => {
            let scheme = pkcs8::pkcs5::EncryptionScheme::from_der(&algorithm.to_der()?)
                .map_err(|_| unsupported("PBES2 with parameters it cannot read".into()))?;
            let Some(params) = scheme.pbes2() else {
                return Err(unsupported("PBES1".into()));
            };
            let iterations = match (&params.kdf, &params.encryption) {
                (Kdf::Pbkdf2(kdf), pbes2::EncryptionScheme::Aes256Cbc { .. })
                    if kdf.prf == Pbkdf2Prf::HmacWithSha256
                        && kdf.key_length.is_none_or(|len| usize::from(len) == 32) =>
                {
                    kdf.iteration_count
                }
                (Kdf::Pbkdf2(kdf), cipher) => {
                    return Err(unsupported(format!(
                        "PBES2 with PBKDF2 {:?} and {}",
                        kdf.prf,
                        cipher.oid()
                    )));
                }
                (Kdf::Scrypt(_), _) => return Err(unsupported("PBES2 with scrypt".into())),
                _ => return Err(unsupported("PBES2 with another key derivation".into())),
            };
            check_iterations(iterations, what)?;
            let plain = params
                .decrypt(password.as_bytes(), ciphertext)
                .map_err(|_| Pkcs12Error::Decryption { what })?;
            Ok((
                Zeroizing::new(plain),
                Protection {
                    scheme: Scheme::Aes256,
                    iterations,
                },
            ))
        }
        PBE_SHA1_3DES => {
            let params = algorithm
                .parameters
                .as_ref()
                .ok_or_else(|| Pkcs12Error::Malformed(format!("{what}: no pkcs-12PbeParams")))?
                .decode_as::<Pkcs12PbeParams>()
                .map_err(|e| Pkcs12Error::Malformed(format!("{what}: pkcs-12PbeParams: {e}")))?;
            check_iterations(params.iterations, what)?;
            let (key, iv) = legacy_key_and_iv(password, params.salt.as_bytes(), params.iterations);
            let mut buffer = Zeroizing::new(ciphertext.to_vec());
            let plain = cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                .map_err(|_| Pkcs12Error::Decryption { what })?
                .decrypt_padded::<Pkcs7>(&mut buffer)
                .map_err(|_| Pkcs12Error::Decryption { what })?
                .to_vec();
            Ok((
                Zeroizing::new(plain),
                Protection {
                    scheme: Scheme::Legacy,
                    iterations: params.iterations,
                },
            ))
        }
        other => Err(unsupported(other.to_string())),
    }
}

/// Appendix B with SHA-1: the 24-byte Triple-DES key (ID 1) and the 8-byte IV (ID 2).
fn legacy_key_and_iv(
    password: &str,
    salt: &[u8],
    iterations: u32,
) -> (Zeroizing<Vec<u8>>, Zeroizing<Vec<u8>>) {
    let bmp = kdf::bmp_password(password);
    (
        kdf::derive::<sha1::Sha1>(&bmp, salt, Purpose::Key, iterations, TDES_KEY_LEN),
        kdf::derive::<sha1::Sha1>(&bmp, salt, Purpose::Iv, iterations, TDES_BLOCK_LEN),
    )
}

/// Refuses iteration counts below 1 (`INTEGER (1..MAX)` in spirit: 0 derives nothing) or
/// above [`MAX_ITERATIONS`], which a hostile file could use to burn CPU time.
pub(crate) fn check_iterations(iterations: u32, what: &'static str) -> Result<(), Pkcs12Error> {
    if (1..=MAX_ITERATIONS).contains(&iterations) {
        Ok(())
    } else {
        Err(Pkcs12Error::Iterations { what, iterations })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter() -> impl FnMut(&mut [u8]) -> bool {
        let mut next = 0u8;
        move |buf: &mut [u8]| {
            for b in buf {
                *b = next;
                next = next.wrapping_add(1);
            }
            true
        }
    }

    #[test]
    fn both_schemes_round_trip_and_name_themselves() -> Result<(), Pkcs12Error> {
        for (scheme, oid, len) in [
            (Scheme::Aes256, PBES2, 48),
            (Scheme::Legacy, PBE_SHA1_3DES, 40),
        ] {
            let plain = b"thirty-nine bytes of plaintext go here.";
            let mut random = counter();
            let (algorithm, ciphertext) = encrypt(scheme, "pässword", plain, &mut random)?;
            assert_eq!(algorithm.oid, oid);
            assert_eq!(ciphertext.len(), len, "{scheme:?}: padded to whole blocks");
            let (back, protection) = decrypt(&algorithm, "pässword", &ciphertext, "test")?;
            assert_eq!(&back[..], &plain[..]);
            assert_eq!(
                protection,
                Protection {
                    scheme,
                    iterations: ITERATIONS
                }
            );
            // Another password yields bad padding (or, rarely, garbage); never the plaintext.
            match decrypt(&algorithm, "password", &ciphertext, "test") {
                Err(Pkcs12Error::Decryption { what: "test" }) => {}
                Ok((other, _)) => assert_ne!(&other[..], &plain[..]),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The legacy ciphertext is what OpenSSL computes for the same key and IV:
    /// `openssl enc -des-ede3-cbc -K <key> -iv <iv>` over the same bytes, key and IV from
    /// `openssl kdf … PKCS12KDF` with the salt 0001020304050607 and 2048 iterations.
    #[test]
    fn legacy_ciphertext_matches_openssl() -> Result<(), Pkcs12Error> {
        let mut random = counter();
        let (algorithm, ciphertext) = encrypt(Scheme::Legacy, "secret", b"hello", &mut random)?;
        let params = algorithm
            .parameters
            .as_ref()
            .map(|p| p.decode_as::<Pkcs12PbeParams>());
        assert_eq!(
            params,
            Some(Ok(Pkcs12PbeParams {
                salt: OctetString::new(vec![0, 1, 2, 3, 4, 5, 6, 7])?,
                iterations: 2048
            }))
        );
        let hex: String = ciphertext.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, LEGACY_HELLO);
        Ok(())
    }

    const LEGACY_HELLO: &str = "702587680e1ae5ca";

    #[test]
    fn other_algorithms_and_costs_are_refused() -> Result<(), Pkcs12Error> {
        let rc2 = AlgorithmIdentifierOwned {
            oid: const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6"),
            parameters: None,
        };
        assert!(matches!(
            decrypt(&rc2, "p", b"", "the certificates"),
            Err(Pkcs12Error::Unsupported { what: "the certificates", algorithm }) if algorithm == "1.2.840.113549.1.12.1.6"
        ));
        for iterations in [0, MAX_ITERATIONS + 1] {
            let costly = AlgorithmIdentifierOwned {
                oid: PBE_SHA1_3DES,
                parameters: Some(Any::encode_from(&Pkcs12PbeParams {
                    salt: OctetString::new(vec![1; 8])?,
                    iterations,
                })?),
            };
            assert_eq!(
                decrypt(&costly, "p", &[0; 8], "the key").map(|_| ()),
                Err(Pkcs12Error::Iterations {
                    what: "the key",
                    iterations
                })
            );
        }
        Ok(())
    }
}
