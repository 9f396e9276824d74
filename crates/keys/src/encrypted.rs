//! Password-protected PKCS#8 (`EncryptedPrivateKeyInfo`, RFC 5958 §3) with PBES2 (RFC 8018).

use der::asn1::OctetStringRef;
use der::{Decode, Encode};
use pkcs8::EncryptedPrivateKeyInfoRef;
use pkcs8::pkcs5::{
    self,
    pbes2::{self, Kdf},
};
use zeroize::Zeroizing;

use crate::{KeyError, rng};

/// scrypt cost written by `to_encrypted_pem`: log2(N) = 14, r = 8, p = 1, which is
/// `openssl pkcs8 -scrypt`'s default and stays under OpenSSL 3's 32 MiB scrypt limit.
const SCRYPT_LOG_N: u8 = 14;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;

/// Largest scrypt memory (128·r·N bytes) accepted when decrypting.
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// Largest scrypt parallelism accepted when decrypting.
const MAX_SCRYPT_P: u16 = 16;
/// Largest PBKDF2 iteration count accepted when decrypting (RFC 8018 §4.2 calls 10 000 000
/// appropriate "for especially critical keys").
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// Encrypts PKCS#8 DER with PBES2-scrypt-AES-256-CBC and returns the
/// `EncryptedPrivateKeyInfo` DER.
pub(crate) fn encrypt(pkcs8_der: &[u8], password: &[u8]) -> Result<Vec<u8>, KeyError> {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    if !rng::fill(&mut salt) || !rng::fill(&mut iv) {
        return Err(KeyError::Encoding);
    }
    let cost = pkcs5::scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        .map_err(|_| KeyError::Encoding)?;
    let params = pbes2::Parameters::generate_scrypt_aes256cbc(cost, &salt, iv)
        .map_err(|_| KeyError::Encoding)?;
    let ciphertext = params
        .encrypt(password, pkcs8_der)
        .map_err(|_| KeyError::Encoding)?;
    let info = EncryptedPrivateKeyInfoRef {
        encryption_algorithm: params.into(),
        encrypted_data: OctetStringRef::new(&ciphertext).map_err(|_| KeyError::Encoding)?,
    };
    info.to_der().map_err(|_| KeyError::Encoding)
}

/// Decrypts an `EncryptedPrivateKeyInfo` and returns the inner PKCS#8 DER.
pub(crate) fn decrypt(der: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info = match EncryptedPrivateKeyInfoRef::from_der(der) {
        Ok(info) => info,
        Err(_) if is_encrypted_info_shape(der) => {
            return Err(KeyError::UnsupportedEncryption(
                "only PBES2 with PBKDF2-HMAC-SHA2 or scrypt and AES is supported",
            ));
        }
        Err(_) => return Err(KeyError::Parse),
    };
    let Some(params) = info.encryption_algorithm.pbes2() else {
        return Err(KeyError::UnsupportedEncryption("PBES1 is not supported"));
    };
    check_cost(&params.kdf)?;
    match params.decrypt(password, info.encrypted_data.as_bytes()) {
        Ok(plain) => Ok(Zeroizing::new(plain)),
        Err(pkcs5::Error::DecryptFailed) => Err(KeyError::WrongPassword),
        Err(_) => Err(KeyError::UnsupportedEncryption(
            "only PBES2 with PBKDF2-HMAC-SHA2 or scrypt and AES is supported",
        )),
    }
}

/// Refuses KDF costs that would let a hostile file burn CPU time or memory.
fn check_cost(kdf: &Kdf) -> Result<(), KeyError> {
    match kdf {
        Kdf::Pbkdf2(p) if p.iteration_count > MAX_PBKDF2_ITERATIONS => Err(
            KeyError::UnsupportedEncryption("PBKDF2 iteration count above 10000000"),
        ),
        Kdf::Scrypt(p) => {
            let memory = 128u64
                .saturating_mul(u64::from(p.block_size))
                .saturating_mul(p.cost_parameter);
            if memory > MAX_SCRYPT_MEMORY || p.parallelization > MAX_SCRYPT_P {
                Err(KeyError::UnsupportedEncryption(
                    "scrypt cost above 256 MiB or parallelism above 16",
                ))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// `SEQUENCE { AlgorithmIdentifier, OCTET STRING }`: an EncryptedPrivateKeyInfo whose scheme
/// the pkcs5 crate does not know.
fn is_encrypted_info_shape(der: &[u8]) -> bool {
    der::asn1::AnyRef::from_der(der)
        .and_then(|any| {
            any.sequence(|reader| {
                let _: spki::AlgorithmIdentifierRef<'_> = der::Reader::decode(reader)?;
                let _: &OctetStringRef = der::Reader::decode(reader)?;
                Ok(())
            })
        })
        .is_ok()
}
